"""The Centre reports menu and admin pages, the dashboard panel on the admin home, and the name
of Wagtail's own reports menu ("Site reports"), so that a manager can tell the two apart."""

import copy

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from cms.selectors import centres_managed_by

from . import selectors, urls
from .views import CENTRE_REPORTS


class ReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return centres_managed_by(request.user).exists()


@hooks.register("register_admin_urls")
def register_report_urls():
    return [path("reports/", include(urls, namespace="reports"))]


@hooks.register("register_admin_menu_item")
def register_reports_menu_item():
    return ReportsMenuItem(
        CENTRE_REPORTS,
        reverse("reports:index"),
        name="centre-reports",
        icon_name="table",
        order=900,
    )


@hooks.register("construct_main_menu")
def name_wagtail_reports(request, menu_items):
    """Wagtail's reports (locked pages, workflows, site history) become "Site reports"; the
    registered item is shared by every request, so a renamed copy takes its place."""
    for index, item in enumerate(menu_items):
        if item.name == "reports":
            renamed = copy.copy(item)
            renamed.label = "Site reports"
            menu_items[index] = renamed


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
            "ideas_url": reverse("codesign:manage"),
            "champions_url": reverse("parent_champions:manage"),
        }


@hooks.register("construct_homepage_panels")
def add_centre_summary_panel(request, panels):
    centres = centres_managed_by(request.user)
    if centres.exists():
        panels.append(CentreSummaryPanel(centres))
