"""Sessions a champion hosts: creating and changing them through the bookings rules, logged from
what to what."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from bookings.errors import BookingError
from bookings.models import Booking, SessionLogEntry
from parent_champions.errors import ChampionError
from parent_champions.services import sessions
from tests.factories import (
    ChampionFactory,
)
from tests.support.bookings import book
from tests.support.times import in_days

pytestmark = pytest.mark.django_db


# --- Sessions they host --------------------------------------------------------------------


def session_values(**overrides):
    start = in_days(3)
    return {
        "venue": None,
        "start": start,
        "end": start + datetime.timedelta(hours=1),
        "capacity": 8,
        "max_places_per_booking": 2,
        "booking_opens": None,
        "booking_closes": None,
        "cancellation_cutoff": None,
        **overrides,
    }


def test_a_host_creates_and_changes_a_session_and_each_change_is_logged(champion, activity):
    session = sessions.create_session(
        user=champion.user, activity_id=activity.pk, values=session_values()
    )
    assert session.centre_id == activity.get_parent().pk
    sessions.update_session(
        user=champion.user, session_id=session.pk, values=session_values(capacity=10)
    )
    session.refresh_from_db()
    assert session.capacity == 10
    entries = SessionLogEntry.objects.filter(session=session).order_by("timestamp", "pk")
    assert [(e.action, e.user_id) for e in entries] == [
        ("startwell.session.created", champion.user.pk),
        ("startwell.session.changed", champion.user.pk),
    ]
    assert entries[1].data["detail"] == "capacity: 8 → 10"


def test_raising_capacity_promotes_the_waiting_list(champion, session_tomorrow):
    book(session_tomorrow, children=3)
    waiting = book(
        session_tomorrow,
        first_name="Wen",
        children=2,
        status=Booking.Status.WAITING,
        waiting_since=timezone.now(),
        confirmed_at=None,
    )
    values = {name: getattr(session_tomorrow, name) for name in sessions.SESSION_FIELDS} | {
        "capacity": 6
    }
    sessions.update_session(user=champion.user, session_id=session_tomorrow.pk, values=values)
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.CONFIRMED


def test_session_changes_that_break_the_rules_write_nothing(champion, session_tomorrow):
    book(session_tomorrow, children=3)
    values = {name: getattr(session_tomorrow, name) for name in sessions.SESSION_FIELDS}
    with pytest.raises(BookingError) as error:
        sessions.update_session(
            user=champion.user, session_id=session_tomorrow.pk, values=values | {"capacity": 2}
        )
    assert error.value.field == "capacity"
    with pytest.raises(ChampionError, match="end after it starts"):
        sessions.update_session(
            user=champion.user,
            session_id=session_tomorrow.pk,
            values=values | {"end": session_tomorrow.start},
        )
    session_tomorrow.refresh_from_db()
    assert session_tomorrow.capacity == 4
    assert not SessionLogEntry.objects.exists()


def test_only_hosts_of_the_activity_or_managers_edit_sessions(
    centre, activity, session_tomorrow, manager
):
    other = ChampionFactory(centre=centre)  # a champion here, but not hosting this activity
    with pytest.raises(ChampionError, match="activities you host"):
        sessions.create_session(user=other.user, activity_id=activity.pk, values=session_values())
    sessions.create_session(user=manager, activity_id=activity.pk, values=session_values())
    assert activity.sessions.count() == 2


def test_sessions_cannot_start_in_the_past(champion, activity):
    past = timezone.now() - datetime.timedelta(hours=1)
    with pytest.raises(ChampionError, match="in the future"):
        sessions.create_session(
            user=champion.user,
            activity_id=activity.pk,
            values=session_values(start=past, end=past + datetime.timedelta(hours=1)),
        )


def test_a_host_moving_a_session_tells_the_families_booked(
    champion, session_tomorrow, django_capture_on_commit_callbacks
):
    booking = book(session_tomorrow, children=1)
    later = session_tomorrow.start + datetime.timedelta(hours=2)
    values = {name: getattr(session_tomorrow, name) for name in sessions.SESSION_FIELDS} | {
        "start": later,
        "end": later + datetime.timedelta(hours=1),
    }
    with django_capture_on_commit_callbacks(execute=True):
        sessions.update_session(user=champion.user, session_id=session_tomorrow.pk, values=values)
    assert [m.to for m in mail.outbox] == [[booking.parent.email]]
    assert "When: " in mail.outbox[0].body
    session_tomorrow.refresh_from_db()
    assert session_tomorrow.sequence == 1
    entry = SessionLogEntry.objects.get(session=session_tomorrow)
    assert entry.user_id == champion.user.pk
    assert entry.data["detail"].endswith("(1 family told)")
