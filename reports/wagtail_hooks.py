"""The Reports menu and admin pages, and the dashboard panels on the admin home."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cms.selectors import centres_managed_by

from . import urls


class ReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return centres_managed_by(request.user).exists()


@hooks.register("register_admin_urls")
def register_report_urls():
    return [path("reports/", include(urls, namespace="reports"))]


@hooks.register("register_admin_menu_item")
def register_reports_menu_item():
    return ReportsMenuItem("Reports", reverse("reports:index"), icon_name="table", order=900)
