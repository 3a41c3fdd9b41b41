"""Findable activities: schema.org events in each activity page's JSON-LD (cancelled sessions
marked so), the centre's calendar feed linked as an alternate; site search that tells five
"Baby massage" results apart by centre and next session, and finds centres and activities by a
partner's name or a postcode district."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    ActivityPageFactory,
    CentrePartnerFactory,
    PartnerOrganisationFactory,
    SessionFactory,
    VenueFactory,
)
from tests.support.times import in_days

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture
def massage(centre):
    team = PartnerOrganisationFactory(
        name="Wigan Health Visiting Team", website="https://hv.example.org"
    )
    activity = ActivityPageFactory(
        parent=centre,
        title="Baby massage",
        summary="Gentle massage <for> babies & carers.",
        delivered_by="partner",
        partner=team,
        max_age_months=12,
        price_model="fixed",
        price_pence=350,
    )
    venue = VenueFactory(
        centre=centre, name="Church hall", postcode="WN5 0AB", latitude="53.5", longitude="-2.6"
    )
    SessionFactory(activity=activity, venue=venue, start=in_days(2))
    SessionFactory(activity=activity, venue=venue, start=in_days(9), status="cancelled", capacity=4)
    SessionFactory(activity=activity, venue=venue, start=in_days(-3))
    return activity


def events(html: str) -> list[dict]:
    [block] = JSON_LD.findall(html)
    assert "<" not in block and "&" not in block  # escaped, cannot close the element
    return json.loads(block)


def test_an_activity_page_describes_its_upcoming_sessions_as_events(client, massage, centre):
    html = client.get(massage.url).content.decode()
    found = events(html)
    assert [e["eventStatus"] for e in found] == [
        "https://schema.org/EventScheduled",
        "https://schema.org/EventCancelled",
    ]
    first = found[0]
    assert first["@type"] == "Event" and first["name"] == "Baby massage"
    assert first["description"] == "Gentle massage <for> babies & carers."
    assert first["location"]["name"] == "Church hall"
    assert first["location"]["address"]["postalCode"] == "WN5 0AB"
    assert first["location"]["geo"] == {
        "@type": "GeoCoordinates",
        "latitude": 53.5,
        "longitude": -2.6,
    }
    assert first["offers"]["price"] == "3.50" and first["offers"]["priceCurrency"] == "GBP"
    assert first["organizer"]["name"] == "Wigan Health Visiting Team"
    assert first["startDate"] < first["endDate"]
    feed = reverse("bookings:centre_calendar", args=[centre.slug])
    title = "Northfield Centre: sessions (calendar feed)"
    link = f'<link rel="alternate" type="text/calendar" title="{title}" href="{feed}">'
    assert link in html


def test_an_activity_without_sessions_has_an_empty_list(client, centre):
    activity = ActivityPageFactory(parent=centre)
    assert events(client.get(activity.url).content.decode()) == []


def search(client, query):
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def test_search_tells_the_same_activity_at_different_centres_apart(
    client, massage, centre, other_centre
):
    elsewhere = ActivityPageFactory(parent=other_centre, title="Baby massage")
    html = search(client, "massage")
    assert "2 results for “massage”" in html
    assert "At Northfield Centre" in html and "At Riverside Centre" in html
    assert "Next session:" in html and "Church hall" in html
    assert reverse("bookings:book", args=[massage.sessions.order_by("start")[1].pk]) in html
    assert "No sessions booked in yet." in html  # Riverside's has none
    assert elsewhere.url in html


def test_a_partners_name_finds_the_centres_and_activities_it_works_at(
    client, massage, centre, other_centre
):
    CentrePartnerFactory(centre=centre, partner=massage.partner)
    centre.save_revision().publish()
    html = search(client, "Wigan Health Visiting")
    assert f'href="{centre.url}"' in html and f'href="{massage.url}"' in html
    assert other_centre.url not in html


def test_a_postcode_district_finds_the_centres_and_activities_there(
    client, massage, centre, other_centre
):
    centre.save_revision().publish()  # indexes the venue's postcode with the centre
    massage.save_revision().publish()
    html = search(client, "WN5")
    assert f'href="{centre.url}"' in html and f'href="{massage.url}"' in html
    assert other_centre.url not in html


def test_search_results_take_the_same_queries_however_many_activities(client, centre):
    def count(query):
        search(client, query)
        with CaptureQueriesContext(connection) as queries:
            search(client, query)
        return len(queries)

    for i in range(2):
        activity = ActivityPageFactory(parent=centre, title=f"Sing along {i}")
        SessionFactory(activity=activity, start=in_days(1), venue=VenueFactory(centre=centre))
    few = count("Sing")
    for i in range(2, 9):
        activity = ActivityPageFactory(parent=centre, title=f"Sing along {i}")
        SessionFactory(activity=activity, start=in_days(1), venue=VenueFactory(centre=centre))
    assert count("Sing") == few
