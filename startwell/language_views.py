"""The language control on every page: a plain form posted here (no JavaScript needed)."""

from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST
from django.views.i18n import LANGUAGE_QUERY_PARAMETER, set_language

from . import services
from .languages import supported


@csrf_protect
def _choose_for_account(request):
    response = set_language(request)
    language = supported(request.POST.get(LANGUAGE_QUERY_PARAMETER))
    if language:
        services.save_language(user=request.user, language=language)
    return response


# Why a visitor's choice needs no CSRF token: the control is on every public page, and a token
# would set a cookie on each, which keeps every page out of the anonymous page cache; the worst
# a forged post can do is show someone the site in another of its languages, which the same
# control undoes. A signed-in person's choice changes their account (the language of their
# messages), so it is checked as any other change is.
@csrf_exempt
@require_POST
def choose_language(request):
    """Django's `set_language` (the cookie, and the page's address in the new language), and,
    for a signed-in person, the choice saved on their account: it follows them to other
    devices and is the language every message to them is written in."""
    if request.user.is_authenticated:
        return _choose_for_account(request)
    return set_language(request)
