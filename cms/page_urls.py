"""Wagtail's page tree, in every language: mounted under the language prefix (`/pl/…`, `/ur/…`,
English unprefixed) by startwell/urls.py. Our own serve view comes first (`cms.views.serve_page`:
the English page, with a note, where a page has no translation yet); Wagtail's other front-end
views follow."""

from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls

from . import views

urlpatterns = [
    re_path(wagtail_urls.serve_pattern, views.serve_page, name="wagtail_serve"),
    path("", include(wagtail_urls)),
]
