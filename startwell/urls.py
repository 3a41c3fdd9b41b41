"""URLs: the portal's own views first, then Wagtail's page tree as the catch-all. The apps' URLs
are included by name, so this lowest app imports none of the apps above it.

Languages: only the page tree has language-prefixed addresses (`/pl/centres/…`, `/ur/…`; English
unprefixed), one per translation of a page, for search engines and `hreflang`. Our own views
(/sessions/, /bookings/, /ideas/, /accounts/…) have one address in every language: they show
the language the person chose (startwell/languages.py)."""

from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from startwell.health import healthz

from . import language_views, mobile_views, offline_views, views
from .languages import page_patterns

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("service-worker.js", offline_views.service_worker, name="service_worker"),
    path("language/", language_views.choose_language, name="set_language"),
    # Staff sign in through allauth like everyone else, so the second factor always applies.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
        name="wagtailadmin_login_redirect",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/data/", include("privacy.urls")),
    path("privacy/", include("privacy.notice_urls")),
    path("accounts/mobile/", mobile_views.mobile, name="mobile"),
    path("accounts/mobile/confirm/", mobile_views.mobile_confirm, name="mobile_confirm"),
    path("accounts/", include("allauth.urls")),
    path("search/", include("cms.urls")),
    path("payments/", include("bookings.payment_urls")),
    path("ideas/", include("codesign.urls")),
    path("feedback/", include("feedback.urls")),
    path("champions/", include("parent_champions.urls")),
    path("openreferral/", include("openreferral.urls")),
    path("children/", views.child_list, name="child_list"),
    path("children/add/", views.child_add, name="child_add"),
    path("children/<int:child_id>/edit/", views.child_edit, name="child_edit"),
    path("children/<int:child_id>/remove/", views.child_remove, name="child_remove"),
    path("", include("bookings.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += page_patterns(path("", include("cms.page_urls")))
