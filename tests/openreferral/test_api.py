"""The Open Referral UK API: every response checked against the profile's own JSON schemas (the
copies in openreferral/schema), paging and each filter, only public data, the same number of
queries however many services, and bad input answered with a message."""

import datetime
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from jsonschema import FormatChecker
from jsonschema.validators import validator_for
from wagtail.models import PageViewRestriction

from cms.models import ActivityPage
from openreferral.ids import stable_id
from openreferral.taxonomy import TAXONOMY_ID, term_id
from tests.factories import (
    ActivityPageFactory,
    PartnerOrganisationFactory,
    SessionFactory,
    VenueFactory,
)
from tests.support.bookings import book
from tests.support.times import in_days

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).resolve().parents[2] / "openreferral" / "schema"
# The profile names no error body; the portal's is documented in docs/openreferral.md.
ERROR_SCHEMA = {
    "type": "object",
    "required": ["code", "message"],
    "properties": {"code": {"type": "integer"}, "message": {"type": "string", "minLength": 1}},
    "additionalProperties": False,
}


def _validator(schema: dict):
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=FormatChecker())


def _load(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text())


OPENAPI = _load("openapi.json")
SERVICE = _validator(_load("compiled/service.json"))
SERVICE_LIST_ITEM = _validator(_load("compiled/service_list.json"))
SERVICE_AT_LOCATION_ITEM = _validator(_load("compiled/service_at_location_list.json"))
METADATA = _validator(
    OPENAPI["paths"]["/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    | {"required": ["version", "profile", "openapi_url"]}
)
PAGE = _validator(
    OPENAPI["components"]["schemas"]["Page"]
    | {
        "required": [
            "total_items",
            "total_pages",
            "page_number",
            "size",
            "first_page",
            "last_page",
            "empty",
            "contents",
        ]
    }
)
ERROR = _validator(ERROR_SCHEMA)


def valid(validator, data):
    problems = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert not problems, problems
    return data


def get(client, path, status=200, **params):
    response = client.get(f"/openreferral/{path}", params)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"].startswith("public, max-age=")
    data = response.json()
    if status != 200:
        valid(ERROR, data)
        assert data["code"] == status
    return data


def service_page(client, **params):
    data = valid(PAGE, get(client, "services", **params))
    for item in data["contents"]:
        valid(SERVICE_LIST_ITEM, item)
    return data


def place_page(client, **params):
    data = valid(PAGE, get(client, "service_at_locations", **params))
    for item in data["contents"]:
        valid(SERVICE_AT_LOCATION_ITEM, item)
        valid(SERVICE_LIST_ITEM, item["service"])
    return data


def ids(data) -> list[str]:
    return [item["id"] for item in data["contents"]]


@pytest.fixture
def activities(centre, other_centre):
    """Four public activities: a baby group run by a partner, a toddler group, an adults' course
    and a holiday club, at two centres."""
    health = PartnerOrganisationFactory(name="Health Visiting Team", website="https://hv.example")
    venue = VenueFactory(
        centre=centre, name="Church hall", postcode="WN5 0AB", latitude="53.5", longitude="-2.6"
    )
    baby = ActivityPageFactory(
        parent=centre,
        title="Baby massage",
        category="baby_toddler",
        delivered_by="partner",
        partner=health,
        min_age_months=0,
        max_age_months=12,
    )
    SessionFactory(activity=baby, venue=venue, start=in_days(3))
    toddler = ActivityPageFactory(
        parent=centre,
        title="Toddler time",
        category="stay_and_play",
        min_age_months=12,
        max_age_months=48,
        price_model="fixed",
        price_pence=350,
    )
    course = ActivityPageFactory(
        parent=other_centre,
        title="Positive parenting",
        category="parenting_course",
        adults_only=True,
        min_age_months=None,
        max_age_months=None,
    )
    club = ActivityPageFactory(
        parent=other_centre,
        title="Holiday club",
        category="holiday_club",
        min_age_months=48,
        max_age_months=132,
        price_model="pay_what_you_can",
        suggested_pence=300,
        minimum_pence=0,
        funded_places=4,
    )
    return {"baby": baby, "toddler": toddler, "course": course, "club": club}


def key(page) -> str:
    return str(page.translation_key)


# --- The whole demo, against the schemas ----------------------------------------------------------


def test_every_response_for_the_demo_validates_against_the_profile(client, without_page_tree):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    valid(METADATA, get(client, ""))
    seen = []
    page = 1
    while True:
        data = service_page(client, page=page, per_page=7)
        seen += ids(data)
        if data["last_page"]:
            break
        page += 1
    public = ActivityPage.objects.live().public()
    assert sorted(seen) == sorted(str(a.translation_key) for a in public)
    assert len(set(seen)) == len(seen) == 35  # seven activities at each of the five demo centres
    places = place_page(client, per_page=100)
    assert {item["service_id"] for item in places["contents"]} == set(seen)
    for service_id in seen:
        detail = valid(SERVICE, get(client, f"services/{service_id}"))
        assert detail["id"] == service_id
        assert detail["schedules"], "every demo activity has upcoming sessions"
        assert all(place["location"]["addresses"] for place in detail["service_at_locations"])


# --- Paging ---------------------------------------------------------------------------------------


def test_paging_walks_every_service_once_in_a_stable_order(client, activities):
    first = service_page(client, per_page=3)
    second = service_page(client, per_page=3, page=2)
    beyond = service_page(client, per_page=3, page=3)
    assert (first["total_items"], first["total_pages"], first["size"]) == (4, 2, 3)
    assert (first["first_page"], first["last_page"], first["empty"]) == (True, False, False)
    assert (second["page_number"], second["size"], second["last_page"]) == (2, 1, True)
    assert beyond["empty"] and beyond["contents"] == []
    assert sorted(ids(first) + ids(second)) == sorted(key(a) for a in activities.values())
    assert service_page(client)["size"] == 4  # 50 a page unless asked


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"page": "0"}, "'page' must be a whole number of at least 1."),
        ({"page": "two"}, "'page' must be a whole number of at least 1."),
        ({"page": "-1"}, "'page' must be a whole number of at least 1."),
        ({"per_page": "0"}, "'per_page' must be a whole number of at least 1."),
        ({"per_page": "101"}, "'per_page' must be at most 100."),
        ({"per_page": "1.5"}, "'per_page' must be a whole number of at least 1."),
        ({"minimum_age": "old"}, "'minimum_age' must be an age in years from 0 to 150."),
        ({"maximum_age": "-2"}, "'maximum_age' must be an age in years from 0 to 150."),
        ({"maximum_age": "nan"}, "'maximum_age' must be an age in years from 0 to 150."),
        ({"taxonomy_term_id": "stay_and_play"}, "'taxonomy_term_id' must be a UUID"),
        ({"taxonomy_id": "1"}, "'taxonomy_id' must be a UUID"),
        ({"modified_after": "yesterday"}, "'modified_after' must be a date and time"),
        ({"modified_after": "2026-13-45"}, "'modified_after' must be a date and time"),
        ({"text": "x" * 101}, "'text' must be at most 100 characters."),
    ],
)
def test_bad_paging_and_filters_answer_400_with_a_message(client, activities, params, message):
    data = get(client, "services", status=400, **params)
    assert data["message"].startswith(message)


# --- Filters --------------------------------------------------------------------------------------


def test_text_finds_by_title_summary_or_partner_name(client, activities):
    assert ids(service_page(client, text="massage")) == [key(activities["baby"])]
    assert ids(service_page(client, search="health visiting")) == [key(activities["baby"])]
    assert ids(service_page(client, text="no such thing")) == []


def test_taxonomy_filters_use_the_documented_vocabulary(client, activities):
    found = service_page(client, taxonomy_term_id=term_id("holiday_club"))
    assert ids(found) == [key(activities["club"])]
    assert service_page(client, taxonomy_id=str(TAXONOMY_ID))["total_items"] == 4
    assert service_page(client, taxonomy_id="00000000-0000-0000-0000-000000000001")["empty"]
    assert service_page(client, taxonomy_term_id="00000000-0000-0000-0000-000000000001")["empty"]


def test_age_filters_compare_in_years(client, activities):
    # minimum_age: services whose youngest age is at least this; maximum_age: whose oldest is at
    # most this. Adults' courses are from 18, with no upper age.
    assert set(ids(service_page(client, minimum_age="1"))) == {
        key(activities["toddler"]),
        key(activities["course"]),
        key(activities["club"]),
    }
    assert set(ids(service_page(client, minimum_age="4"))) == {
        key(activities["course"]),
        key(activities["club"]),
    }
    assert ids(service_page(client, minimum_age="19")) == []
    assert set(ids(service_page(client, maximum_age="4"))) == {
        key(activities["baby"]),
        key(activities["toddler"]),
    }
    assert ids(service_page(client, maximum_age="1", minimum_age="0")) == [key(activities["baby"])]


def test_modified_after_counts_the_page_and_its_sessions(client, activities):
    long_ago = timezone.now() - datetime.timedelta(days=30)
    ActivityPage.objects.update(last_published_at=long_ago)
    from bookings.models import Session

    Session.objects.update(updated_at=long_ago)
    since = (timezone.now() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(service_page(client, modified_after=since)) == []

    ActivityPage.objects.filter(pk=activities["toddler"].pk).update(
        last_published_at=timezone.now()
    )
    SessionFactory(activity=activities["club"], start=in_days(4))
    found = service_page(client, modified_after=since)
    assert set(ids(found)) == {key(activities["toddler"]), key(activities["club"])}
    day_only = service_page(client, modified_after=timezone.localdate().isoformat())
    assert set(ids(day_only)) == set(ids(found))


# --- One service ----------------------------------------------------------------------------------


def test_a_service_in_full(client, activities, centre):
    baby = activities["baby"]
    cancelled = SessionFactory(activity=baby, start=in_days(5), status="cancelled")
    SessionFactory(activity=baby, start=in_days(-2))
    data = valid(SERVICE, get(client, f"services/{key(baby)}"))
    assert data["name"] == f"Baby massage, {centre.title}"
    assert data["organization"]["name"] == "Health Visiting Team"
    assert data["organization"]["website"] == "https://hv.example"
    assert (data["minimum_age"], data["maximum_age"]) == (0, 1)
    assert data["url"].endswith(baby.url)
    assert [c["option"] for c in data["cost_options"]] == ["Free"]
    [place] = data["service_at_locations"]
    assert place["location"]["name"] == "Church hall"
    assert (place["location"]["latitude"], place["location"]["longitude"]) == (53.5, -2.6)
    assert place["location"]["addresses"][0]["postal_code"] == "WN5 0AB"
    [when] = data["schedules"]  # the past and the cancelled session are not offered
    assert when["service_at_location_id"] == place["id"]
    assert when["id"] == stable_id("schedule", "session", baby.sessions.get(venue__isnull=False).pk)
    assert stable_id("schedule", "session", cancelled.pk) not in json.dumps(data)
    [term] = data["attributes"]
    assert term["taxonomy_term"]["name"] == "Baby and toddler"
    assert data["contacts"][0]["name"] == centre.title


def test_prices_and_school_run_activities(client, activities, other_centre):
    club = valid(SERVICE, get(client, f"services/{key(activities['club'])}"))
    assert club["organization"]["name"] == other_centre.school
    assert [c["option"] for c in club["cost_options"]] == ["Pay what you can", "Funded place"]
    assert club["cost_options"][0]["amount"] == 3.0
    toddler = valid(SERVICE, get(client, f"services/{key(activities['toddler'])}"))
    assert toddler["fees"] == "£3.50 a place"
    assert toddler["cost_options"][0]["amount"] == 3.5
    # No session named yet: the centre itself is where it happens.
    assert toddler["service_at_locations"][0]["location"]["name"] == "Northfield Centre"
    course = valid(SERVICE, get(client, f"services/{key(activities['course'])}"))
    assert course["minimum_age"] == 18 and "maximum_age" not in course


def test_ids_are_stable_uuids(client, activities):
    first = get(client, f"services/{key(activities['baby'])}")
    activities["baby"].title = "Baby massage for beginners"
    activities["baby"].save_revision().publish()
    again = get(client, f"services/{key(activities['baby'])}")
    assert again["name"].startswith("Baby massage for beginners")
    for field in ("id", "organization_id"):
        assert first[field] == again[field]
    assert first["service_at_locations"] == again["service_at_locations"]
    assert first["schedules"][0]["id"] == again["schedules"][0]["id"]


@pytest.mark.parametrize(
    "service_id", ["00000000-0000-0000-0000-000000000000", "not-a-uuid", "1", "x" * 300]
)
def test_unknown_services_answer_404_in_the_error_shape(client, activities, service_id):
    data = get(client, f"services/{service_id}", status=404)
    assert "There is no service with the id" in data["message"]


def test_other_addresses_answer_a_json_404(client):
    assert get(client, "organizations", status=404)["code"] == 404


# --- Services at locations ---------------------------------------------------------------------


def test_each_service_at_each_place_it_happens(client, activities, centre):
    data = place_page(client)
    assert data["total_items"] == 4
    by_service = {item["service_id"]: item for item in data["contents"]}
    baby = by_service[key(activities["baby"])]
    assert baby["location"]["name"] == "Church hall"
    assert baby["location"]["latitude"] == 53.5
    assert by_service[key(activities["toddler"])]["location"]["name"] == "Northfield Centre"
    detail = get(client, f"services/{key(activities['baby'])}")
    assert baby["id"] == detail["service_at_locations"][0]["id"]
    assert ids(place_page(client, postcode="WN5")) == [baby["id"]]
    assert ids(place_page(client, postcode="wn5 0ab")) == [baby["id"]]
    assert place_page(client, postcode="ZZ9")["empty"]
    assert ids(place_page(client, text="massage")) == [baby["id"]]
    assert place_page(client, per_page=3, page=2)["size"] == 1


@pytest.mark.parametrize("postcode", ["WN5;DROP", "x" * 9])
def test_a_bad_postcode_answers_400(client, activities, postcode):
    data = get(client, "service_at_locations", status=400, postcode=postcode)
    assert data["message"].startswith("'postcode' must be a UK postcode")


# --- Only public data -----------------------------------------------------------------------------


def test_drafts_private_pages_and_hidden_centres_never_appear(
    client, activities, centre, other_centre
):
    draft = ActivityPageFactory(parent=centre, title="Draft group", live=False)
    private = ActivityPageFactory(parent=centre, title="Staff training")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    hidden_parent = ActivityPageFactory(parent=other_centre, title="Under a private centre")
    everyone = {key(a) for a in activities.values()} | {key(hidden_parent)}
    assert set(ids(service_page(client))) == everyone
    for page in (draft, private):
        get(client, f"services/{key(page)}", status=404)

    PageViewRestriction.objects.create(page=other_centre, restriction_type="password", password="x")
    listed = set(ids(service_page(client)))
    assert listed == {key(activities["baby"]), key(activities["toddler"])}
    assert {item["service_id"] for item in place_page(client)["contents"]} == listed
    get(client, f"services/{key(hidden_parent)}", status=404)
    centre.unpublish()
    assert service_page(client)["empty"]


def test_no_familys_data_is_ever_served(client, activities):
    session = activities["baby"].sessions.get()
    booking = book(session, first_name="Priyanka", last_name="Zabrowski")
    listing = json.dumps(service_page(client))
    detail = json.dumps(get(client, f"services/{key(activities['baby'])}"))
    for text in (listing, detail):
        assert "Priyanka" not in text and "Zabrowski" not in text
        assert booking.parent.email not in text and booking.reference not in text


# --- Queries --------------------------------------------------------------------------------------


def count_queries(client, path, **params) -> int:
    client.get(f"/openreferral/{path}", params)  # warms per-process caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/openreferral/{path}", params).status_code == 200
    return len(queries)


def test_the_same_queries_however_many_services(client, centre, other_centre):
    def add(n):
        for i in range(n):
            activity = ActivityPageFactory(
                parent=centre if i % 2 else other_centre,
                delivered_by="partner",
                partner=PartnerOrganisationFactory(),
            )
            for day in range(1, 4):
                SessionFactory(
                    activity=activity, start=in_days(day), venue=VenueFactory(centre=centre)
                )

    add(1)
    few_list = count_queries(client, "services")
    few_places = count_queries(client, "service_at_locations")
    some = ActivityPage.objects.first()
    few_detail = count_queries(client, f"services/{some.translation_key}")
    add(12)
    assert count_queries(client, "services") == few_list
    assert count_queries(client, "service_at_locations") == few_places
    assert count_queries(client, f"services/{some.translation_key}") == few_detail
    assert few_list <= 8


def test_the_documented_vocabulary_is_the_one_served():
    doc = (SCHEMAS.parents[1] / "docs" / "openreferral.md").read_text()
    assert f"Taxonomy id `{TAXONOMY_ID}`" in doc
    for category, label in ActivityPage.CATEGORY_CHOICES:
        assert f"| `{term_id(category)}` | {label} |" in doc
