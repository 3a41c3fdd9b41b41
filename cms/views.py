"""Site search over the published pages (Wagtail search), and serving pages in the visitor's
language."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from wagtail import views as wagtail_views
from wagtail.models import Locale, Page, Site

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 100


def search(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = None
    if query:
        found = Page.objects.live().public().specific().search(query)
        results = Paginator(found, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cms/search.html", {"query": query, "results": results})


def _route_in_english(request, path: str):
    """The page at `path` in the English tree (whatever language is active), or None."""
    site = Site.find_for_request(request)
    if site is None:
        return None
    components = [component for component in path.split("/") if component]
    try:
        return site.root_page.specific.route(request, components)
    except Http404:
        return None


def serve_page(request, path: str):
    """Wagtail's `serve`, in the visitor's language, with English as the fallback.

    - `/pl/<path>`: the Polish page; where the page has no Polish translation yet, the English
      page at the same path, shown with a note in Polish (templates/base.html).
    - `/<path>` while the visitor has chosen Polish: the Polish translation's own address when
      there is one; otherwise the English page, with the note.
    """
    english = settings.LANGUAGE_CODE
    language = translation.get_language()
    prefixed = translation.get_language_from_path(request.path_info) is not None
    if language != english and not prefixed:
        route = _route_in_english(request, path)
        if route is not None:
            page = route[0]
            translated = page.get_translation_or_none(Locale.get_active()) if not route[1] else None
            if translated is not None and translated.live:
                response = redirect(translated.get_url(request))
                patch_vary_headers(response, ("Accept-Language", "Cookie"))
                return response
        # Wagtail's serve reads the route kept on the request (Page.route_for_request).
        request._wagtail_route_for_request = route
    elif language != english and Page.route_for_request(request, path) is None:
        request._wagtail_route_for_request = _route_in_english(request, path)
    return wagtail_views.serve(request, path)
