"""Watching a browser page for what the Content-Security-Policy refuses: the script to add before
the page loads, and what it collected."""

# Added with `page.add_init_script`, it runs before any of the page's own scripts, so it hears
# every refusal, including those of scripts that other scripts add later.
COLLECT_VIOLATIONS = """
window.refusedByPolicy = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.refusedByPolicy.push(
    `${event.effectiveDirective} refused ${event.blockedURI} at ` +
      `${event.sourceFile}:${event.lineNumber}`
  );
});
"""


def refused(page) -> list[str]:
    return [f"{page.url}: {line}" for line in page.evaluate("window.refusedByPolicy")]
