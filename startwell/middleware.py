"""One rule for staff: a staff member (see `second_factor.is_staff_member`) opens no page but
a short list of exempt ones until they have completed their second factor in this sign-in.

Why everything, rather than a list of protected pages: staff see other families' data on
registers, walk-ins, messages, session forms, ideas, champion management, reports, the Wagtail
admin and its API, and every new view someone writes will be another such page. A list of
protected pages is only as good as the memory of whoever adds the next view; an exempt list
protects a new view without anyone remembering to. tests/startwell/test_one_rule_for_staff.py
walks every URL pattern to hold us to it.

The rule is applied in `process_view`, after the URL is resolved, so the exemptions name views
(stable) rather than path prefixes (which another `include` could shadow). Anyone else (parents,
champions, visitors) passes; a signed-in person who is not staff is refused the admin plainly
rather than being sent round the sign-in page again.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from .second_factor import completed_second_factor, is_staff_member, second_factor_redirect

# Views whose module is in one of these packages are exempt: allauth's pages are the way to
# sign in, sign out, re-authenticate and set up the second factor, and they only ever show
# the signed-in person's own account; the directory API (openreferral) is public, read-only
# data about activities, the same for everyone, and never a family's.
EXEMPT_PACKAGES = ("allauth", "openreferral")

# Every other exempt view, by URL name (or dotted path when it has none), and why.
EXEMPT_VIEWS = {
    "healthz": "the load balancer's probe; no data",
    "wagtailadmin_login_redirect": "only sends the visitor on to allauth's sign-in",
    "django.views.static.serve": "uploaded media in development (static files never reach here)",
    "wagtail_serve": "the public pages: home, centres, activities",
    "search": "public page search",
    "privacy_notice": "the privacy notice, linked from every page and from sign-up",
    "bookings:session_list": "browsing sessions, as any visitor does",
    "bookings:centre_calendar": "a centre's public calendar feed",
}


def is_exempt(resolver_match) -> bool:
    if resolver_match.view_name in EXEMPT_VIEWS:
        return True
    module = getattr(resolver_match.func, "__module__", "") or ""
    return module.split(".")[0] in EXEMPT_PACKAGES


class StaffSecondFactorMiddleware:
    admin_prefix = "/admin/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        in_admin = request.path.startswith(self.admin_prefix)
        if in_admin and request.user.is_authenticated and not is_staff_member(request.user):
            raise PermissionDenied("Only centre staff can open the admin.")
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not is_staff_member(request.user) or is_exempt(request.resolver_match):
            return None
        if completed_second_factor(request):
            return None
        return second_factor_redirect(
            request, _("Staff need a second factor for pages with families' details.")
        )


class StaffSessionIdleMiddleware:
    """Staff are signed out after STAFF_SESSION_IDLE_MINUTES without a request: a shared
    computer at a centre must not stay open on families' details. Each staff request moves the
    session's expiry on, so the limit counts idle time, not the length of the working day.
    Parents keep allauth's "remember me" (two weeks, or until the browser closes)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # After the view, so the sign-in request itself already gets the staff limit.
        if is_staff_member(request.user):
            request.session.set_expiry(settings.STAFF_SESSION_IDLE_MINUTES * 60)
        return response
