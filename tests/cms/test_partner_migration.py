"""The data migration that turned centres' partner text into partner organisations: one
organisation per name across the borough (whatever its capitals), linked to each centre that listed
it with its "when", and each partner-run activity pointed at the organisation it named.

The text fields it read were removed by the next migration, so the centres and activities are
real rows handed to it with the text they held then."""

import importlib
from types import SimpleNamespace

from django.apps import apps

from cms.models import CentrePartner, PartnerOrganisation
from tests.factories import ActivityPageFactory

migration = importlib.import_module("cms.migrations.0007_partners_from_text")


def service(name, kind="other", when="", description=""):
    value = {"name": name, "kind": kind, "when": when, "description": description}
    return {"type": "service", "value": value}


class AppsAsTheMigrationSawThem:
    """The project's models, but centres and activities as rows that still carry their text."""

    def __init__(self, centres, activities):
        self.centres, self.activities = centres, activities

    def get_model(self, app_label, name):
        if name == "CentrePage":
            return SimpleNamespace(objects=SimpleNamespace(order_by=lambda *_: self.centres))
        if name == "ActivityPage":
            named = [a for a in self.activities if a.partner_name]
            listing = SimpleNamespace(order_by=lambda *_: named)
            return SimpleNamespace(objects=SimpleNamespace(exclude=lambda **_: listing))
        return apps.get_model(app_label, name)


def test_partner_text_becomes_organisations_linked_to_centres_and_activities(centre, other_centre):
    centre.partner_services = SimpleNamespace(
        raw_data=[
            service("Health Visiting Team", "health_visitors", "Tuesdays 9.30", "Baby checks"),
            service("  "),  # a block left empty
            {"type": "service", "value": {"kind": "other"}},  # no name at all
            service("Home-Start", "voluntary", "Thursdays"),
        ]
    )
    other_centre.partner_services = SimpleNamespace(
        raw_data=[service("health visiting team", "health_visitors", "Mondays")]
    )
    runs_it = ActivityPageFactory(parent=centre, title="Baby clinic")
    runs_it.partner_name = "Home-Start"
    runs_it.delivered_by = "partner"
    ours = ActivityPageFactory(parent=centre, title="Stay and play")
    ours.partner_name = ""

    migration.forwards(AppsAsTheMigrationSawThem([centre, other_centre], [runs_it, ours]), None)

    health, home_start = PartnerOrganisation.objects.order_by("name")
    assert (health.name, health.kind, health.description) == (
        "Health Visiting Team",
        "health_visiting",
        "Baby checks",
    )
    assert (home_start.name, home_start.kind) == ("Home-Start", "voluntary")
    links = CentrePartner.objects.order_by("centre_id", "sort_order")
    assert [(link.centre_id, link.partner, link.when, link.sort_order) for link in links] == [
        (centre.pk, health, "Tuesdays 9.30", 0),
        (centre.pk, home_start, "Thursdays", 1),
        (other_centre.pk, health, "Mondays", 0),
    ]
    runs_it.refresh_from_db()
    ours.refresh_from_db()
    assert runs_it.partner == home_start
    assert ours.partner is None
