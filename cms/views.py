"""Site search over the published pages (Wagtail search), and serving pages in the visitor's
language."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from wagtail import views as wagtail_views
from wagtail.models import Locale, Page, Site

from startwell import pagecache

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 100


def search(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = None
    if query:
        found = Page.objects.live().public().specific().search(query)
        results = Paginator(found, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cms/search.html", {"query": query, "results": results})


def _remembered_route(request, path: str, tree: str, find):
    """The route `find()` gives for `path` (the page, its args and kwargs; or None), remembered
    while nothing public changes (`pagecache.fragment`: a publish, move or unpublish ends it);
    an address that finds no page is not remembered. Finding a route walks the page tree, a
    query or two per level; a remembered one costs the page's own query. `tree` tells apart the
    ways of finding it (the active language's tree, the English one)."""
    found_now = []

    def where() -> tuple | None:
        route = find()
        found_now.append(route)
        if route is None:
            return None
        page, args, kwargs = route
        return (page.content_type_id, page.pk, args, kwargs)

    remembered = pagecache.fragment(request, f"route|{tree}|{path}", where)
    if found_now:
        return found_now[0]
    if remembered is None:
        return None
    content_type_id, page_id, args, kwargs = remembered
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    # With its locale (a tiny table): every page asks whether it is shown untranslated.
    page = (
        model.objects.filter(pk=page_id, live=True).select_related("locale").first()
        if model
        else None
    )
    if page is None:  # gone since: the change that ends what is remembered is committing
        return find()
    return page, args, kwargs


def _route_in_english(request, path: str):
    """The page at `path` in the English tree (whatever language is active), or None."""

    def find():
        site = Site.find_for_request(request)
        if site is None:
            return None
        components = [component for component in path.split("/") if component]
        try:
            return site.root_page.specific.route(request, components)
        except Http404:
            return None

    return _remembered_route(request, path, "english", find)


def _route(request, path: str):
    """Wagtail's route for `path` in the active language's tree, or None."""
    return _remembered_route(request, path, "active", lambda: Page.route_for_request(request, path))


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
    else:
        route = _route(request, path)
        if route is None and language != english:
            route = _route_in_english(request, path)
        request._wagtail_route_for_request = route
    return wagtail_views.serve(request, path)
