"""Bad input reported against the running site: each is refused with a plain message next to its
field, answers without a server error and writes nothing."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking, Session, WalkIn
from codesign.models import Idea
from startwell.models import Child
from tests.accounts import sign_in
from tests.factories import (
    ActivityPageFactory,
    BookingFactory,
    ChampionFactory,
    ChildFactory,
    HostingFactory,
    SessionFactory,
    UserFactory,
    VenueFactory,
)
from tests.support.payments import household, pay_what_you_can_session

pytestmark = pytest.mark.django_db

CR_LF_VALUES = ["Hello\r\nBcc: everyone@example.org", "Hello\nthere", "Hello\rthere"]
LINE_BREAK = "Keep this to one line"


def field_errors(response, name, form="form"):
    assert response.status_code < 500
    return " ".join(response.context[form].errors.get(name, []))


# --- Money ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "amount", ["10000000000000000000000000", "50000000", "50,000,000", "500.01", "£1000"]
)
def test_pay_what_you_can_refuses_more_than_the_most_a_place_can_cost(
    client, centre, stripe_server, amount
):
    parent, kids = household()
    session = pay_what_you_can_session(centre)
    client.force_login(parent)

    response = client.post(
        reverse("bookings:book", args=[session.pk]), {"children": [kids[0].pk], "amount": amount}
    )

    assert "The most you can pay is £500 a place." in field_errors(response, "amount")
    assert not Booking.objects.exists()


def test_pay_what_you_can_takes_exactly_the_most(client, centre, stripe_server):
    parent, kids = household()
    session = pay_what_you_can_session(centre)
    client.force_login(parent)

    client.post(
        reverse("bookings:book", args=[session.pk]), {"children": [kids[0].pk], "amount": "500"}
    )

    assert Booking.objects.get().amount_pence == 50_000


@pytest.fixture
def manager_client(client, manager, manager_totp):
    sign_in(client, manager, totp_secret=manager_totp)
    return client


@pytest.fixture
def activity(centre):
    return ActivityPageFactory(parent=centre, title="Stay and play")


@pytest.fixture
def venue(centre):
    return VenueFactory(centre=centre, name="School hall")


def session_form_data(activity, venue, **overrides):
    start = timezone.localtime() + datetime.timedelta(days=10)
    return {
        "activity": activity.pk,
        "venue": venue.pk,
        "start": start.strftime("%Y-%m-%d 10:00"),
        "end": start.strftime("%Y-%m-%d 11:30"),
        "capacity": "12",
        "max_places_per_booking": "3",
        "booking_opens": "",
        "booking_closes": "",
        "cancellation_cutoff": "",
        **overrides,
    }


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"price_model": "fixed", "price_pence": "5000000000"},
            "price_pence",
            "The most a place can cost is £500.",
        ),
        (
            {"price_model": "fixed", "price_pence": "50001"},
            "price_pence",
            "The most a place can cost is £500.",
        ),
        (
            {"price_model": "pay_what_you_can", "suggested_pence": "10" * 13},
            "suggested_pence",
            "The most a place can cost is £500.",
        ),
        ({"capacity": "10" * 13}, "capacity", "at most"),
        ({"max_places_per_booking": "99999999"}, "max_places_per_booking", "at most"),
        ({"start": "9999-12-31 10:00", "end": "9999-12-31 11:00"}, "start", "within 5 years"),
        ({"booking_opens": "1900-01-01 10:00"}, "booking_opens", "within 5 years"),
    ],
)
def test_a_managers_session_with_out_of_range_values_is_refused(
    manager_client, activity, venue, overrides, field, message
):
    response = manager_client.post(
        reverse("bookings_session:add"), session_form_data(activity, venue, **overrides)
    )

    assert message in field_errors(response, field)
    assert not Session.objects.exists()


def series_data(activity, venue, **overrides):
    first = timezone.localdate() + datetime.timedelta(days=14)
    return {
        "activity": activity.pk,
        "venue": venue.pk,
        "weekdays": [str(first.weekday())],
        "start_time": "10:00",
        "end_time": "11:30",
        "first_date": first.isoformat(),
        "last_date": (first + datetime.timedelta(days=21)).isoformat(),
        "capacity": "12",
        "max_places_per_booking": "3",
        "opens_days_before": "14",
        "closes_minutes_before": "60",
        "cutoff_hours_before": "24",
        "create": "1",
        **overrides,
    }


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"first_date": "9999-12-01", "last_date": "9999-12-31"}, "first_date", "within 5 years"),
        ({"last_date": "9999-12-31"}, "last_date", "within 5 years"),
        ({"opens_days_before": "99999999999"}, "opens_days_before", "at most"),
        ({"closes_minutes_before": "99999999999"}, "closes_minutes_before", "at most"),
        ({"cutoff_hours_before": "99999999999"}, "cutoff_hours_before", "at most"),
        ({"capacity": "99999999999"}, "capacity", "at most"),
        ({"max_places_per_booking": "99999999999"}, "max_places_per_booking", "at most"),
    ],
)
def test_a_series_with_out_of_range_values_is_refused(
    manager_client, activity, venue, overrides, field, message
):
    response = manager_client.post(
        reverse("bookings_session:series"), series_data(activity, venue, **overrides)
    )

    assert message in field_errors(response, field)
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("9999-01-01", "9999-06-01", "start"),
        ("2025-01-01", "9999-12-31", "end"),
        ("0001-01-01", "0001-02-01", "start"),
    ],
)
def test_report_dates_far_away_are_refused(manager_client, start, end, field):
    response = manager_client.get(
        reverse("reports:report", args=["reach"]), {"period": "custom", "start": start, "end": end}
    )

    assert "within 5 years" in field_errors(response, field)


# --- Single-line fields -----------------------------------------------------------------------


@pytest.fixture
def champion_session(centre, activity):
    champion = ChampionFactory(centre=centre, user=UserFactory())
    HostingFactory(champion=champion, activity=activity)
    now = timezone.now()
    session = SessionFactory(
        activity=activity, start=now - datetime.timedelta(minutes=30), capacity=10
    )
    booking = BookingFactory(session=session, parent=UserFactory(), places=1)
    booking.children.set([ChildFactory(parent=booking.parent)])
    return champion, session


@pytest.mark.parametrize("subject", CR_LF_VALUES)
def test_a_message_subject_with_a_line_break_is_refused_and_nothing_sent(
    client, champion_session, subject, django_capture_on_commit_callbacks
):
    champion, session = champion_session
    client.force_login(champion.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("parent_champions:message", args=[session.pk]),
            {"subject": subject, "body": "See you soon"},
        )

    assert LINE_BREAK in field_errors(response, "subject")
    assert "Message sent" not in response.content.decode()
    assert mail.outbox == []


@pytest.mark.parametrize("label", CR_LF_VALUES)
def test_a_walk_in_label_with_a_line_break_is_refused(client, champion_session, label):
    champion, session = champion_session
    client.force_login(champion.user)

    response = client.post(
        reverse("parent_champions:add_walk_in", args=[session.pk]),
        {"label": label, "children": "1", "adults": "1"},
    )

    assert LINE_BREAK in field_errors(response, "label")
    assert not WalkIn.objects.exists()


@pytest.mark.parametrize("title", CR_LF_VALUES)
def test_an_idea_title_with_a_line_break_is_refused(client, centre, parent, title):
    client.force_login(parent)

    response = client.post(
        reverse("codesign:new"),
        {
            "centre": centre.pk,
            "title": title,
            "description": "Breakfast on Saturdays.",
            "audience": "family",
        },
    )

    assert LINE_BREAK in field_errors(response, "title")
    assert not Idea.objects.exists()


@pytest.mark.parametrize("first_name", CR_LF_VALUES)
def test_a_childs_name_with_a_line_break_is_refused(client, parent, first_name):
    client.force_login(parent)

    response = client.post(
        reverse("child_add"), {"first_name": first_name, "birth_month": "3", "birth_year": "2024"}
    )

    assert LINE_BREAK in field_errors(response, "first_name")
    assert not Child.objects.exists()


def test_a_champion_cannot_move_a_session_to_year_9999(client, centre, activity):
    champion = ChampionFactory(centre=centre, user=UserFactory())
    HostingFactory(champion=champion, activity=activity)
    session = SessionFactory(activity=activity, capacity=10)
    before = session.start
    client.force_login(champion.user)

    response = client.post(
        reverse("parent_champions:session_edit", args=[session.pk]),
        {
            "venue": "",
            "start": "9999-12-31T10:00",
            "end": "9999-12-31T11:00",
            "capacity": "10",
            "max_places_per_booking": "3",
        },
    )

    assert "within 5 years" in field_errors(response, "start")
    session.refresh_from_db()
    assert session.start == before


@pytest.mark.parametrize("field", ["price_pence", "suggested_pence", "minimum_pence"])
def test_an_activitys_price_over_the_most_is_refused_by_its_field(centre, field):
    """The activity's page in the Wagtail admin runs the same check as a session's form."""
    activity = ActivityPageFactory(parent=centre)
    activity.price_model = "pay_what_you_can" if field != "price_pence" else "fixed"
    activity.price_pence, activity.suggested_pence, activity.minimum_pence = 300, 300, 100
    setattr(activity, field, 50_001)

    with pytest.raises(ValidationError) as refusal:
        activity.clean()

    assert refusal.value.message_dict[field] == ["The most a place can cost is £500."]
