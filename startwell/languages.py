"""Which language a page or a message is in.

Pages: a language prefix in the path (`/pl/…`, `/ur/…`, only on Wagtail's pages) decides;
without one, a signed-in person's saved choice, then the language cookie that the language
control sets, then the browser's Accept-Language, then English. Django's own LocaleMiddleware
would render every unprefixed address in English once any URL is language-prefixed with
`prefix_default_language=False`; our own views (/sessions/, /bookings/, /ideas/, /accounts/…)
keep one address in every language, so they follow the person's choice instead.

Messages: whatever is sent to a person (e-mail, text, calendar entry) is rendered in *their*
language, not the language of whoever or whatever caused it (a manager's click, the task
worker): `speaking_to(user)` around the rendering."""

import contextlib

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.urls import LocalePrefixPattern, URLResolver
from django.utils import translation
from django.utils.cache import patch_vary_headers

# The language families choose in the control, each named in itself.
NATIVE_NAMES = {"en-gb": "English", "pl": "Polski", "ur": "اردو"}


def supported(code: str | None) -> str | None:
    """The portal's language for `code` ("pl-PL" → "pl", "en" → "en-gb"), or None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def is_right_to_left(code: str) -> bool:
    return translation.get_language_info(code)["bidi"]


def chosen_language(request) -> str:
    """The language a visitor has chosen, leaving the path aside: their account's, the
    language cookie's, the browser's, or English. The anonymous page cache keys pages by it,
    so it must read nothing that a cached page could not have read (the account is only there
    for signed-in people, whose pages are never cached)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        saved = supported(getattr(user, "language", ""))
        if saved:
            return saved
    return translation.get_language_from_request(request, check_path=False)


class LanguageMiddleware(LocaleMiddleware):
    """LocaleMiddleware, except that an address without a language prefix follows the person's
    choice (`chosen_language`) rather than always being English. Runs after authentication
    (a signed-in person's saved choice) and before CommonMiddleware (which resolves URLs)."""

    def process_request(self, request):
        language = translation.get_language_from_path(request.path_info)
        if language is None:
            language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if translation.get_language_from_path(request.path_info) is None:
            # The language cookie chooses the language of an unprefixed address too.
            patch_vary_headers(response, ("Cookie",))
        return response


class PagePrefixPattern(LocalePrefixPattern):
    """Django's language prefix for the page tree (`/pl/…`, `/ur/…`; English unprefixed), except
    that an unprefixed address matches whatever language is active, and a prefixed one whatever
    its prefix: Django's matches only the active language's prefix, so a visitor who chose
    Polish could not open an English page's address (/centres/…) to be shown it with a note,
    and `translate_url` could not turn a Polish address back into an English one."""

    def __init__(self):
        super().__init__(prefix_default_language=False)

    def match(self, path):
        first, slash, rest = path.partition("/")
        if slash and first != settings.LANGUAGE_CODE and supported(first) == first:
            return rest, (), {}
        return path, (), {}


def page_patterns(*urls) -> list:
    """`i18n_patterns(*urls, prefix_default_language=False)` with `PagePrefixPattern`."""
    return [URLResolver(PagePrefixPattern(), list(urls))]


def language_of(user) -> str:
    """The language to write to a person in: the one saved on their account, else English."""
    return supported(getattr(user, "language", "") if user is not None else "") or (
        settings.LANGUAGE_CODE
    )


def speaking_to(user):
    """Renders what is inside in `user`'s language (and then restores the language that was
    active): `with speaking_to(booking.parent): render_to_string(…)`."""
    if user is None:
        return contextlib.nullcontext()
    return translation.override(language_of(user))


def addresses_by_language(addresses) -> dict[str, list[str]]:
    """E-mail addresses grouped by the language their accounts chose (English for an address
    with no account), so that a message to many is rendered once per language. One query."""
    from .models import User

    addresses = sorted(set(addresses))
    chosen = dict(User.objects.filter(email__in=addresses).values_list("email", "language"))
    groups: dict[str, list[str]] = {}
    for address in addresses:
        language = supported(chosen.get(address)) or settings.LANGUAGE_CODE
        groups.setdefault(language, []).append(address)
    return groups
