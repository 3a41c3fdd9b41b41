"""Content-Security-Policy for every response (django-csp). Our own pages load scripts, styles,
images and fonts from the portal only and have no inline script or style, so an injected
`<script>` or `style=` would not run. The Wagtail admin gets a second, relaxed policy: see
`ADMIN_DIRECTIVES`."""

from csp.constants import NONE, SELF, UNSAFE_INLINE
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

# Wagtail 8's admin writes inline <script> elements without a nonce (its date and time pickers,
# inline panels such as a centre's venues) and inline style attributes, and its templates cannot
# be given our nonce: with a nonce in the policy browsers ignore 'unsafe-inline', so those
# widgets would stop working. The admin is reached only by staff who have passed the second
# factor, and it still loads nothing from any other site.
ADMIN_DIRECTIVES = {
    **PUBLIC_DIRECTIVES,
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    # Image choosers preview uploads as blob: URLs before they are saved.
    "img-src": [SELF, "data:", "blob:"],
}
ADMIN_PREFIX = "/admin/"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's policy for paths under /admin/."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and request.path_info.startswith(ADMIN_PREFIX):
            parts.config = ADMIN_DIRECTIVES
        return parts
