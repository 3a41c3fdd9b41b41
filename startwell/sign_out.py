"""Signing out clears this site's data from the device: the registers a champion's phone kept
for use without a signal (the service worker's caches), and anything queued in its storage.
The sign-out response says so with `Clear-Site-Data`, which the browser carries out before it
shows the next page (static/js/sign-out.js does the same from the page, for browsers that do
not, and first warns about check-ins not yet sent).

Only a sign-out the person asked for, or the end of their account: a sign-in that lapses while
a phone sends its queued check-ins must not wipe them unseen."""

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

# Views whose sign-out is the person's own choice (URL names).
ASKED_FOR = {"account_logout", "delete_account"}

CLEAR_SITE_DATA = '"cache", "storage"'


@receiver(user_logged_out)
def _note_sign_out(sender, request, user, **kwargs) -> None:
    if request is not None:
        request.signed_out = True


class ClearSiteDataOnSignOutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if getattr(request, "signed_out", False) and match and match.url_name in ASKED_FOR:
            response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response
