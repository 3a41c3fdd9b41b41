"""The Reports menu and admin pages, and the dashboard panels on the admin home."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from cms.selectors import centres_managed_by

from . import selectors, urls


class ReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return centres_managed_by(request.user).exists()


@hooks.register("register_admin_urls")
def register_report_urls():
    return [path("reports/", include(urls, namespace="reports"))]


@hooks.register("register_admin_menu_item")
def register_reports_menu_item():
    return ReportsMenuItem("Reports", reverse("reports:index"), icon_name="table", order=900)


class CentreSummaryPanel(Component):
    """The manager's week at a glance on the admin home: sessions with places left, ideas
    waiting for a decision, champion checks lapsing."""

    name = "centre_summary"
    order = 50
    template_name = "reports/dashboard_panel.html"

    def __init__(self, centres):
        self.centres = centres

    def get_context_data(self, parent_context=None):
        return {
            **selectors.dashboard(centres=self.centres),
            "reports_url": reverse("reports:index"),
        }


@hooks.register("construct_homepage_panels")
def add_centre_summary_panel(request, panels):
    centres = centres_managed_by(request.user)
    if centres.exists():
        panels.append(CentreSummaryPanel(centres))
