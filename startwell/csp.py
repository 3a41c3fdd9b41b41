"""Content-Security-Policy for every response (django-csp). Our own pages load scripts, styles,
images and fonts from the portal only and have no inline script or style, so an injected
`<script>` or `style=` would not run.

The Wagtail admin gets the same policy with these differences (`ADMIN_DIRECTIVES`):

- Wagtail 8 still writes a few inline `<script>` elements, each a single call that starts one of
  its widgets: the date and time pickers, the page and snippet choosers, inline panels such as a
  centre's venues. Each admin page's response gets a fresh nonce, and `add_admin_script_nonces`
  puts it on exactly those scripts, checked by their text: one call of a known initialiser whose
  arguments are plain data (JSON). Any other inline script, such as one smuggled into a title,
  gets no nonce and is refused. Wagtail runs some of these scripts later itself (the publishing
  schedule dialog's date pickers, a new venue's form): jQuery copies the nonce onto the copy it
  runs, so they pass too. The list of initialisers is `WAGTAIL_INITIALISERS`; docs/security.md
  says how to extend it when a Wagtail upgrade adds one.
- Image choosers preview uploads as blob: URLs before they are saved.
- wagtail-localize's translation editor gets its list of chooser addresses (an inline script
  of plain data, given the nonce like the initialisers) and its styled-components styles (an
  empty `<style>` element, allowed by its hash, filled through the CSS object model).

Styles stay 'self' everywhere but for that one empty element: the admin pages our managers use
write no inline style element or attribute (Wagtail's scripts set styles through the DOM, which
CSP does not govern).
"""

import base64
import hashlib
import json
import re

from csp.constants import NONCE, NONE, SELF
from csp.middleware import CSPMiddleware, PolicyParts

# The public site and the family, champion and account pages.
PUBLIC_DIRECTIVES = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    # Bootstrap's CSS draws its form arrows and ticks as data: SVGs.
    "img-src": [SELF, "data:"],
    "font-src": [SELF],
    "connect-src": [SELF],
    "object-src": [NONE],
    "frame-src": [NONE],
    "base-uri": [SELF],
    "frame-ancestors": [NONE],
    # No form-action: paying sends the family from our form to Stripe's Checkout page by a
    # redirect, and browsers apply form-action to where a form submission is redirected.
}

# The hash of an empty inline style: wagtail-localize's translation editor styles itself with
# styled-components, which adds an empty <style> element and fills its sheet through the CSS
# object model (insertRule), which CSP does not govern. Only an empty element matches: a <style>
# with anything in it, or a style= attribute, is still refused.
EMPTY_STYLE = f"'sha256-{base64.b64encode(hashlib.sha256(b'').digest()).decode()}'"

ADMIN_DIRECTIVES = {
    **PUBLIC_DIRECTIVES,
    "script-src": [SELF, NONCE],
    "style-src": [SELF, EMPTY_STYLE],
    "img-src": [SELF, "data:", "blob:"],
}
ADMIN_PREFIX = "/admin/"

# The global functions and classes Wagtail 8's inline scripts call to start a widget.
WAGTAIL_INITIALISERS = frozenset(
    {
        "initDateChooser",  # wagtailadmin/widgets/date_input.html
        "initTimeChooser",  # wagtailadmin/widgets/time_input.html
        "initDateTimeChooser",  # wagtailadmin/widgets/datetime_input.html
        "PageChooser",  # wagtail.admin.widgets.chooser.BaseChooser.render and its kin
        "SnippetChooser",
        "ImageChooser",
        "DocumentChooser",
        "TaskChooser",
        "InlinePanel",  # wagtailadmin/panels/inline_panel.html
        "MultipleChooserPanel",  # wagtailadmin/panels/multiple_chooser_panel.html
    }
)
INLINE_SCRIPT = re.compile(r"<script>(?P<body>.*?)</script>", re.S)
# `initDateChooser("id_first_date", {...});` or `new PageChooser("id_page", {...});`
CALL = re.compile(r"\s*(?:new\s+)?(?P<name>\w+)\((?P<arguments>.*)\);\s*", re.S)
# `(function() { var panel = new InlinePanel(JSON.parse("...")); })();`
PANEL = re.compile(
    r"\s*\(function\(\)\s*\{\s*var\s+panel\s*=\s*new\s+(?P<name>\w+)"
    r"\(JSON\.parse\((?P<arguments>.*)\)\);\s*\}\)\(\);\s*",
    re.S,
)


# wagtail-localize's translation editor names the admin's chooser addresses for its image,
# document and page choosers (wagtail_localize/admin/edit_translation.html):
# `if (typeof window.chooserUrls === "undefined") { window.chooserUrls = {pageChooser: "/…/"} }`
CHOOSER_URLS = re.compile(
    r'\s*if \(typeof window\.chooserUrls === "undefined"\) \{\s*'
    r"window\.chooserUrls = \{(?P<entries>[^{}]*)\}\s*\}\s*",
    re.S,
)
# Each entry a name and an address of the admin, with nothing in it that could end the string.
CHOOSER_URL_ENTRIES = re.compile(r'(\s*\w+:\s*"/admin/[\w/-]*"\s*,?)+\s*')


def is_chooser_urls(script: str) -> bool:
    """Whether an inline script is wagtail-localize's list of chooser addresses and nothing
    else: plain names and admin paths, so nothing in it can run but the assignment."""
    match = CHOOSER_URLS.fullmatch(script)
    return match is not None and CHOOSER_URL_ENTRIES.fullmatch(match["entries"]) is not None


def _refuse_constant(name):
    raise ValueError(name)


def is_wagtail_initialiser(script: str) -> bool:
    """Whether an inline script's text is one call of a known Wagtail initialiser with nothing
    but data (JSON values) as its arguments: nothing else in it can run."""
    for pattern in (PANEL, CALL):
        match = pattern.fullmatch(script)
        if match is None:
            continue
        if match["name"] not in WAGTAIL_INITIALISERS:
            return False
        try:
            json.loads(f"[{match['arguments']}]", parse_constant=_refuse_constant)
        except ValueError:
            return False
        return True
    return False


def add_admin_script_nonces(html: str, nonce: str) -> str:
    """Gives Wagtail's own initialiser scripts in an admin page, and wagtail-localize's list of
    chooser addresses, the response's nonce."""

    def with_nonce(match: re.Match) -> str:
        if not (is_wagtail_initialiser(match["body"]) or is_chooser_urls(match["body"])):
            return match[0]
        return f'<script nonce="{nonce}">{match["body"]}</script>'

    return INLINE_SCRIPT.sub(with_nonce, html)


def is_admin(request) -> bool:
    return request.path_info.startswith(ADMIN_PREFIX)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's policy for paths under /admin/ and the
    response's nonce on Wagtail's initialiser scripts there."""

    def process_response(self, request, response):
        if (
            is_admin(request)
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and b"<script>" in response.content
        ):
            # Reading request.csp_nonce makes django-csp put the nonce in the header.
            html = response.content.decode(response.charset)
            response.content = add_admin_script_nonces(html, str(request.csp_nonce))
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return super().process_response(request, response)

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and is_admin(request):
            parts.config = ADMIN_DIRECTIVES
        return parts
