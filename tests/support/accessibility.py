"""axe-core, injected into the page under test, reports accessibility problems of any impact."""

from pathlib import Path

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page) -> list[dict]:
    """Runs axe-core on the page as it stands and returns its violations (every impact)."""
    # Evaluated through the browser's DevTools connection rather than added as a <script>: the
    # portal's Content-Security-Policy refuses inline scripts, as it should.
    page.evaluate(AXE_SCRIPT.read_text())
    result = page.evaluate("async () => await axe.run(document)")
    return result["violations"]


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    summary = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    ]
    assert violations == [], f"axe-core found problems on {page.url}:\n" + "\n".join(summary)
