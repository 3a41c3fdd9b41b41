"""axe-core, injected into the page under test, reports accessibility problems of any impact."""

from pathlib import Path

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# Waits (two seconds at most) for the animations and transitions that end, not for a spinner.
SETTLE_SCRIPT = """async () => {
    const ending = document.getAnimations().filter(
        (animation) => animation.effect?.getComputedTiming().endTime !== Infinity
    );
    const timeout = new Promise((resolve) => setTimeout(resolve, 2000));
    await Promise.race([Promise.all(ending.map((animation) => animation.finished)), timeout]);
}"""

# Problems in the Wagtail admin's own markup that no setting or template override of ours
# removes (docs/admin-accessibility.md says why each stays). A rule is let through only on the
# elements named here; the same rule anywhere else, or on our own markup, still fails.
WAGTAIL_ADMIN_KNOWN = {
    # The menu's search form and a page's own search form are both unnamed search landmarks.
    "landmark-unique": "form[role=search]",
    # The page search announces its count of results with an alert on the heading itself.
    "aria-allowed-role": "h2[role=alert]",
}


def axe_violations(page, *, known: dict[str, str] | None = None) -> list[dict]:
    """Runs axe-core on the page as it stands and returns its violations (every impact), less
    those of a `known` rule whose every element matches the CSS selector given for it."""
    # Evaluated through the browser's DevTools connection rather than added as a <script>: the
    # portal's Content-Security-Policy refuses inline scripts, as it should.
    page.evaluate(AXE_SCRIPT.read_text())
    # Measured once the page has settled: halfway through a fade-in (the admin's messages slide
    # in over half a second) every colour fails contrast.
    page.evaluate(SETTLE_SCRIPT)
    result = page.evaluate("async () => await axe.run(document)")
    known = known or {}
    return [
        violation
        for violation in result["violations"]
        if violation["id"] not in known
        or not page.evaluate(
            "([targets, selector]) => targets.every("
            "(target) => document.querySelector(target)?.matches(selector))",
            [[node["target"][0] for node in violation["nodes"]], known[violation["id"]]],
        )
    ]


def assert_accessible(page, *, known: dict[str, str] | None = None) -> None:
    violations = axe_violations(page, known=known)
    summary = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    ]
    assert violations == [], f"axe-core found problems on {page.url}:\n" + "\n".join(summary)
