"""What base.html needs to speak the visitor's language: the language control's choices, a
page's translations (`hreflang` alternates) and whether a page is shown untranslated."""

from django import template
from django.conf import settings
from django.utils import translation
from wagtail.models import Page

from startwell import pagecache
from startwell.languages import NATIVE_NAMES

register = template.Library()


@register.simple_tag
def language_choices() -> list[dict]:
    """Each language, named in itself, with its code for the `lang` attribute."""
    current = translation.get_language()
    return [
        {
            "code": code,
            "name": NATIVE_NAMES.get(code, name),
            "current": code == current,
            "bidi": translation.get_language_info(code)["bidi"],
        }
        for code, name in settings.LANGUAGES
    ]


# Where the language control returns to: the same address, with its query (a timetable's
# filters) unless that is longer than any form of ours makes.
MAX_NEXT_LENGTH = 300


@register.simple_tag(takes_context=True)
def language_next(context) -> str:
    request = context.get("request")
    if request is None:
        return "/"
    full = request.get_full_path()
    return full if len(full) <= MAX_NEXT_LENGTH else request.path


def _is_page(page) -> bool:
    # Some views put a Paginator's page in the context under the same name.
    return isinstance(page, Page)


@register.simple_tag(takes_context=True)
def page_alternates(context, page) -> list[dict]:
    """The published translations of a page (itself included), for `<link rel="alternate"
    hreflang>`: none for anything but a page, or a page with no translation."""
    if not _is_page(page) or not getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        return []
    request = context.get("request")

    def find() -> list[dict]:
        translations = page.get_translations(inclusive=True).live().select_related("locale")
        alternates = []
        for translated in translations:
            url = translated.get_full_url(request)
            if url:
                alternates.append({"language": translated.locale.language_code, "url": url})
        return alternates if len(alternates) > 1 else []

    if request is None or getattr(request, "is_preview", False):
        return find()
    # The same for everyone (the fragment's key holds the host and the language), and kept as a
    # page is: a translation published, unpublished or moved ends it.
    return pagecache.fragment(request, f"alternates|{page.pk}", find)


@register.filter
def shown_untranslated(page) -> bool:
    """Whether a page is shown in another language than the visitor's (no translation yet)."""
    if not _is_page(page) or not getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        return False
    return page.locale.language_code != translation.get_language()
