"""The centre managers' timetable in the Wagtail admin: each manager sees and changes only their own
centres' sessions, builds series, reads registers and cancels sessions."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking, HolidayPeriod, Session
from cms.models import ActivityPage
from cms.services import ensure_centre_manager_group
from tests.accounts import staff
from tests.factories import (
    ActivityPageFactory,
    BookingFactory,
    ChildFactory,
    HolidayPeriodFactory,
    PartnerOrganisationFactory,
    SessionFactory,
    UserFactory,
    VenueFactory,
)
from tests.support.bookings import session_form_data

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def manager(centre):
    user = staff(UserFactory(first_name="Morgan"))
    user.groups.add(centre.manager_group)
    return user


@pytest.fixture
def superuser(db):
    return staff(UserFactory(is_superuser=True, is_staff=True))


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def activity(centre):
    return ActivityPageFactory(parent=centre, title="Stay and play")


@pytest.fixture
def venue(centre):
    return VenueFactory(centre=centre, name="School hall")


@pytest.fixture
def other_activity(other_centre):
    return ActivityPageFactory(parent=other_centre, title="Riverside rhymes")


@pytest.fixture
def other_venue(other_centre):
    return VenueFactory(centre=other_centre, name="Church hall")


# --- Permissions ----------------------------------------------------------------------------


def test_manager_group_gets_the_timetable_permissions_once(centre):
    group = ensure_centre_manager_group(centre=centre)
    ensure_centre_manager_group(centre=centre)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {
        "add_session",
        "change_session",
        "view_session",
        "view_booking",
        "view_holidayperiod",
    } <= codenames
    assert "delete_session" not in codenames
    assert "change_holidayperiod" not in codenames
    assert group.permissions.count() == len(codenames)


def test_manager_can_create_an_activity_under_their_centre_only(
    manager_client, centre, other_centre
):
    data = {
        "title": "Baby massage",
        "slug": "baby-massage",
        "summary": "Gentle massage for babies.",
        "category": "baby_toddler",
        "delivered_by": "partner",
        "partner": PartnerOrganisationFactory(name="Health Visiting Team").pk,
        "price_model": "free",
        "funded_places": "0",
        "max_age_months": "12",
        "body-count": "0",
        "action-publish": "publish",
    }
    url = reverse("wagtailadmin_pages:add", args=["cms", "activitypage", centre.pk])
    response = manager_client.post(url, data)
    assert response.status_code == 302
    activity = ActivityPage.objects.get(slug="baby-massage")
    assert activity.get_parent().pk == centre.pk
    assert activity.live

    elsewhere = reverse("wagtailadmin_pages:add", args=["cms", "activitypage", other_centre.pk])
    assert manager_client.get(elsewhere).status_code in (302, 403)
    response = manager_client.post(elsewhere, {**data, "slug": "elsewhere"})
    assert not ActivityPage.objects.filter(slug="elsewhere").exists()


def test_a_parent_cannot_reach_the_timetable(client):
    client.force_login(UserFactory())
    response = client.get(reverse("bookings_session:index"))
    assert response.status_code == 403


# --- Listing --------------------------------------------------------------------------------


def test_listing_shows_only_the_managers_centres_sessions(manager_client, activity, other_activity):
    SessionFactory(activity=activity, capacity=7)
    SessionFactory(activity=other_activity)
    response = manager_client.get(reverse("bookings_session:index"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Stay and play" in content
    assert "Riverside rhymes" not in content


def test_listing_filters_upcoming_and_past_sessions(manager_client, activity, centre):
    past_activity = ActivityPageFactory(parent=centre, title="Last week's rhymes")
    now = timezone.localtime()
    SessionFactory(
        activity=past_activity,
        start=now - datetime.timedelta(days=7),
        end=now - datetime.timedelta(days=7, hours=-1),
    )
    SessionFactory(activity=activity)
    url = reverse("bookings_session:index")
    # Upcoming sessions unless asked otherwise, with no filter to count as chosen.
    upcoming = manager_client.get(url).content.decode()
    assert "Stay and play" in upcoming
    assert "Last week&#x27;s rhymes" not in upcoming
    assert "data-w-active-filter-id=" not in upcoming
    past = manager_client.get(url, {"when": "past"}).content.decode()
    assert "Stay and play" not in past
    assert "Last week&#x27;s rhymes" in past
    every = manager_client.get(url, {"when": "any"}).content.decode()
    assert "Stay and play" in every
    assert "Last week&#x27;s rhymes" in every


def test_superuser_sees_every_centres_sessions(client, superuser, activity, other_activity):
    SessionFactory(activity=activity)
    SessionFactory(activity=other_activity)
    client.force_login(superuser)
    content = client.get(reverse("bookings_session:index")).content.decode()
    assert "Stay and play" in content
    assert "Riverside rhymes" in content


def test_listing_uses_a_constant_number_of_queries(manager_client, activity, venue):
    SessionFactory(activity=activity, venue=venue)
    url = reverse("bookings_session:index")
    with CaptureQueriesContext(connection) as one:
        manager_client.get(url)
    for _ in range(20):
        session = SessionFactory(activity=activity, venue=venue)
        BookingFactory(session=session)
    with CaptureQueriesContext(connection) as many:
        response = manager_client.get(url)
    assert response.content.decode().count("Stay and play") >= 21
    assert len(many) == len(one)


# --- Adding and editing ---------------------------------------------------------------------


def test_manager_adds_a_session_at_their_centre(manager_client, activity, venue, centre):
    response = manager_client.post(
        reverse("bookings_session:add"), session_form_data(activity, venue)
    )
    assert response.status_code == 302
    session = Session.objects.get()
    assert session.centre == centre
    assert session.venue == venue
    assert timezone.localtime(session.start).hour == 10


def test_activity_and_venue_choices_are_the_managers_own(
    manager_client, activity, venue, other_activity, other_venue
):
    content = manager_client.get(reverse("bookings_session:add")).content.decode()
    assert "Stay and play" in content
    assert "School hall" in content
    assert "Riverside rhymes" not in content
    assert "Church hall" not in content


def test_another_centres_activity_is_refused(manager_client, other_activity, other_venue):
    response = manager_client.post(
        reverse("bookings_session:add"), session_form_data(other_activity, other_venue)
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Session.objects.exists()


def test_venue_must_belong_to_the_activitys_centre(
    client, superuser, activity, other_venue, centre
):
    client.force_login(superuser)
    response = client.post(
        reverse("bookings_session:add"), session_form_data(activity, other_venue)
    )
    assert response.status_code == 200
    assert "Choose a venue of Northfield Centre" in response.content.decode()
    assert not Session.objects.exists()


def test_session_must_end_after_it_starts(manager_client, activity, venue):
    data = session_form_data(activity, venue)
    data["end"] = data["start"].replace("10:00", "09:00")
    response = manager_client.post(reverse("bookings_session:add"), data)
    assert "The session must end after it starts." in response.content.decode()
    assert not Session.objects.exists()


def test_another_centres_session_answers_404_everywhere(manager_client, activity, other_activity):
    own = SessionFactory(activity=activity)
    for name in ("edit", "inspect", "cancel", "history", "usage"):
        url = reverse(f"bookings_session:{name}", args=[own.pk])
        assert manager_client.get(url).status_code == 200, name
    session = SessionFactory(activity=other_activity)
    for name in ("edit", "inspect", "cancel", "history", "usage"):
        url = reverse(f"bookings_session:{name}", args=[session.pk])
        assert manager_client.get(url).status_code == 404, name
    response = manager_client.post(
        reverse("bookings_session:cancel", args=[session.pk]), {"reason": "Closed"}
    )
    assert response.status_code == 404
    session.refresh_from_db()
    assert session.status == Session.Status.SCHEDULED


def test_manager_cannot_delete_sessions(manager_client, activity):
    session = SessionFactory(activity=activity)
    response = manager_client.post(reverse("bookings_session:delete", args=[session.pk]))
    assert response.status_code in (302, 403)
    assert Session.objects.filter(pk=session.pk).exists()


def test_a_session_with_bookings_cannot_be_deleted(client, superuser, activity):
    client.force_login(superuser)
    booked = SessionFactory(activity=activity)
    BookingFactory(session=booked, status=Booking.Status.CANCELLED)
    empty = SessionFactory(activity=activity)
    url = reverse("bookings_session:delete", args=[booked.pk])
    response = client.post(url, follow=True)
    assert "Families have booked this session" in response.content.decode()
    assert Session.objects.filter(pk=booked.pk).exists()
    response = client.post(reverse("bookings_session:delete", args=[empty.pk]))
    assert response.status_code == 302
    assert not Session.objects.filter(pk=empty.pk).exists()


def test_editing_keeps_the_activity_and_saves_changes(manager_client, activity, venue, centre):
    session = SessionFactory(activity=activity, venue=venue, capacity=5)
    other = ActivityPageFactory(parent=centre, title="Rhyme time")
    data = session_form_data(other, venue, capacity=8)
    data["start"] = timezone.localtime(session.start).strftime("%Y-%m-%d %H:%M")
    data["end"] = timezone.localtime(session.end).strftime("%Y-%m-%d %H:%M")
    response = manager_client.post(reverse("bookings_session:edit", args=[session.pk]), data)
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.capacity == 8
    assert session.activity_id == activity.pk


def test_capacity_cannot_drop_below_places_booked(manager_client, activity, venue):
    session = SessionFactory(activity=activity, venue=venue, capacity=5)
    BookingFactory(session=session, places=3)
    data = session_form_data(activity, venue, capacity=2)
    data["start"] = timezone.localtime(session.start).strftime("%Y-%m-%d %H:%M")
    data["end"] = timezone.localtime(session.end).strftime("%Y-%m-%d %H:%M")
    response = manager_client.post(reverse("bookings_session:edit", args=[session.pk]), data)
    assert response.status_code == 200
    assert "3 places already booked, so the capacity cannot be lower than 3." in (
        response.content.decode()
    )
    session.refresh_from_db()
    assert session.capacity == 5


@pytest.mark.django_db(transaction=True)
def test_raising_capacity_promotes_the_waiting_list(client, centre, activity, venue):
    manager = staff(UserFactory())
    manager.groups.add(centre.manager_group)
    client.force_login(manager)
    session = SessionFactory(activity=activity, venue=venue, capacity=1)
    BookingFactory(session=session, places=1)
    waiting = BookingFactory(
        session=session,
        status=Booking.Status.WAITING,
        places=1,
        confirmed_at=None,
        waiting_since=timezone.now(),
    )
    data = session_form_data(activity, venue, capacity=2)
    data["start"] = timezone.localtime(session.start).strftime("%Y-%m-%d %H:%M")
    data["end"] = timezone.localtime(session.end).strftime("%Y-%m-%d %H:%M")
    response = client.post(reverse("bookings_session:edit", args=[session.pk]), data)
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.CONFIRMED
    assert [m.to for m in mail.outbox] == [[waiting.parent.email]]


# --- The register ---------------------------------------------------------------------------


def test_register_lists_booked_households_and_the_waiting_list_in_order(
    manager_client, activity, venue
):
    session = SessionFactory(activity=activity, venue=venue, capacity=3)
    parent = UserFactory(first_name="Ada", last_name="Lovelace")
    children = [ChildFactory(parent=parent, first_name=name) for name in ("Mo", "Zia")]
    booked = BookingFactory(session=session, parent=parent, places=2)
    booked.children.set(children)
    now = timezone.now()
    later = BookingFactory(
        session=session,
        parent=UserFactory(first_name="Second", last_name="Waiting"),
        status=Booking.Status.WAITING,
        confirmed_at=None,
        waiting_since=now,
    )
    first = BookingFactory(
        session=session,
        parent=UserFactory(first_name="First", last_name="Waiting"),
        status=Booking.Status.WAITING,
        confirmed_at=None,
        waiting_since=now - datetime.timedelta(hours=1),
    )
    BookingFactory(
        session=session,
        parent=UserFactory(first_name="Gone", last_name="Away"),
        status=Booking.Status.CANCELLED,
    )
    response = manager_client.get(reverse("bookings_session:inspect", args=[session.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Ada Lovelace" in content
    assert "Mo, Zia" in content
    assert booked.reference in content
    assert "1 left" in content
    assert content.index(first.reference) < content.index(later.reference)
    assert "Gone Away" not in content


# --- Cancelling a session -------------------------------------------------------------------


def test_cancelling_needs_a_reason(manager_client, activity):
    session = SessionFactory(activity=activity)
    BookingFactory(session=session)
    response = manager_client.post(
        reverse("bookings_session:cancel", args=[session.pk]), {"reason": "  "}
    )
    assert response.status_code == 200
    assert "Say why the session is cancelled" in response.content.decode()
    session.refresh_from_db()
    assert session.status == Session.Status.SCHEDULED
    assert Booking.objects.get().status == Booking.Status.CONFIRMED


def test_get_on_cancel_changes_nothing(manager_client, activity):
    session = SessionFactory(activity=activity)
    response = manager_client.get(reverse("bookings_session:cancel", args=[session.pk]))
    assert response.status_code == 200
    session.refresh_from_db()
    assert session.status == Session.Status.SCHEDULED


@pytest.mark.django_db(transaction=True)
def test_cancelling_tells_every_booked_family(client, centre, activity):
    manager = staff(UserFactory())
    manager.groups.add(centre.manager_group)
    client.force_login(manager)
    session = SessionFactory(activity=activity)
    bookings = [BookingFactory(session=session) for _ in range(3)]
    response = client.post(
        reverse("bookings_session:cancel", args=[session.pk]),
        {"reason": "The hall is flooded."},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert session.cancellation_reason == "The hall is flooded."
    assert set(Booking.objects.values_list("status", flat=True)) == {Booking.Status.CANCELLED}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(b.parent.email for b in bookings)
    assert all("The hall is flooded." in m.body for m in mail.outbox)


# --- Series ---------------------------------------------------------------------------------


def series_data(activity, venue, **overrides):
    data = {
        "activity": activity.pk,
        "venue": venue.pk,
        "weekdays": ["1"],
        "start_time": "10:00",
        "end_time": "11:30",
        "first_date": "2027-02-02",
        "last_date": "2027-02-23",
        "skip_school_holidays": "on",
        "capacity": "12",
        "max_places_per_booking": "3",
        "opens_days_before": "14",
        "closes_minutes_before": "60",
        "cutoff_hours_before": "24",
    }
    data.update(overrides)
    return data


def test_series_preview_lists_dates_and_skips_without_creating(manager_client, activity, venue):
    HolidayPeriodFactory(
        name="February half term",
        start_date=datetime.date(2027, 2, 15),
        end_date=datetime.date(2027, 2, 19),
    )
    response = manager_client.post(
        reverse("bookings_session:series"), series_data(activity, venue, preview="1")
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "3 sessions to create" in content
    assert "Tuesday 16 February 2027: School holiday: February half term" in content
    assert "Create 3 sessions" in content
    assert not Session.objects.exists()


def test_series_create_makes_the_sessions(manager_client, activity, venue):
    response = manager_client.post(
        reverse("bookings_session:series"), series_data(activity, venue, create="1")
    )
    assert response.status_code == 302
    sessions = list(Session.objects.order_by("start"))
    assert [timezone.localtime(s.start).day for s in sessions] == [2, 9, 16, 23]
    assert all(s.venue == venue and s.capacity == 12 for s in sessions)
    assert sessions[0].booking_closes == sessions[0].start - datetime.timedelta(hours=1)


def test_series_refuses_another_centres_activity_and_bad_dates(
    manager_client, activity, venue, other_activity
):
    response = manager_client.post(
        reverse("bookings_session:series"),
        series_data(other_activity, venue, create="1"),
    )
    assert "Select a valid choice" in response.content.decode()
    response = manager_client.post(
        reverse("bookings_session:series"),
        series_data(activity, venue, last_date="2027-01-01", weekdays=[], create="1"),
    )
    content = response.content.decode()
    assert "The last date must be on or after the first date." in content
    assert "Choose at least one day of the week." in content
    assert not Session.objects.exists()


def test_series_venue_must_belong_to_the_activitys_centre(client, superuser, activity, other_venue):
    client.force_login(superuser)
    response = client.post(
        reverse("bookings_session:series"), series_data(activity, other_venue, create="1")
    )
    assert "Choose a venue of Northfield Centre" in response.content.decode()
    assert not Session.objects.exists()


# --- School holidays ------------------------------------------------------------------------


def test_superuser_adds_a_holiday_and_end_before_start_is_refused(client, superuser):
    client.force_login(superuser)
    url = reverse("bookings_holidayperiod:add")
    response = client.post(
        url, {"name": "Easter", "start_date": "2027-04-09", "end_date": "2027-03-29"}
    )
    assert response.status_code == 200
    assert "The last day must be on or after the first day." in response.content.decode()
    assert not HolidayPeriod.objects.exists()
    response = client.post(
        url, {"name": "Easter", "start_date": "2027-03-29", "end_date": "2027-04-09"}
    )
    assert response.status_code == 302
    assert HolidayPeriod.objects.get().name == "Easter"


def test_managers_may_view_but_not_change_holidays(manager_client):
    holiday = HolidayPeriodFactory(name="Christmas")
    assert (
        "Christmas" in manager_client.get(reverse("bookings_holidayperiod:index")).content.decode()
    )
    response = manager_client.post(
        reverse("bookings_holidayperiod:add"),
        {"name": "Made up", "start_date": "2027-01-01", "end_date": "2027-01-02"},
    )
    assert response.status_code in (302, 403)
    response = manager_client.post(
        reverse("bookings_holidayperiod:edit", args=[holiday.pk]),
        {"name": "Renamed", "start_date": "2027-01-01", "end_date": "2027-01-02"},
    )
    assert response.status_code in (302, 403)
    assert list(HolidayPeriod.objects.values_list("name", flat=True)) == ["Christmas"]
