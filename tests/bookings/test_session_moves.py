"""A session that moves (date, time or venue): every booked and waiting family is told what
changed, calendar entries keep their UID with a higher SEQUENCE, families booked before the move
may cancel past the cutoff, and the change is in the session's history."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from bookings import audit, selectors, services
from bookings.calendar import booking_ics, centre_feed_ics
from bookings.errors import BookingError
from bookings.models import Booking, SessionLogEntry
from tests.factories import (
    ActivityPageFactory,
    BookingFactory,
    ChildFactory,
    SessionFactory,
    UserFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


@pytest.fixture(autouse=True)
def commit_hooks(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        yield callbacks


@pytest.fixture
def activity(centre):
    return ActivityPageFactory(parent=centre, title="Stay and play", max_age_months=24)


@pytest.fixture
def hall(centre):
    return VenueFactory(centre=centre, name="School hall", postcode="NF1 1AA")


@pytest.fixture
def church(centre):
    return VenueFactory(centre=centre, name="Church rooms", postcode="NF2 2BB")


@pytest.fixture
def session(activity, hall):
    return SessionFactory(activity=activity, venue=hall, capacity=1)


def booked(session, *, status=Booking.Status.CONFIRMED, child_age_months=12, **fields):
    parent = UserFactory()
    today = timezone.localdate()
    months = today.year * 12 + today.month - 1 - child_age_months
    child = ChildFactory(parent=parent, birth_year=months // 12, birth_month=months % 12 + 1)
    if status == Booking.Status.WAITING:
        fields.update(confirmed_at=None, waiting_since=timezone.now())
    booking = BookingFactory(session=session, parent=parent, status=status, **fields)
    booking.children.set([child])
    return booking


def event_of(ics: bytes):
    return next(c for c in Calendar.from_ical(ics).walk("VEVENT"))


def test_moving_tells_every_booked_and_waiting_family_old_and_new(session, church, manager):
    confirmed = booked(session)
    waiting = booked(session, status=Booking.Status.WAITING)
    gone = booked(session, status=Booking.Status.CANCELLED)
    new_start = session.start + datetime.timedelta(days=1, hours=1)
    services.update_session(
        session_id=session.pk,
        changes={"start": new_start, "end": new_start + HOUR, "venue": church},
        by=manager,
    )
    by_person = {m.to[0]: m for m in mail.outbox}
    assert set(by_person) == {confirmed.parent.email, waiting.parent.email}
    assert gone.parent.email not in by_person
    body = by_person[confirmed.parent.email].body
    old = timezone.localtime(session.start)
    new = timezone.localtime(new_start)
    assert f"When: {old:%A %-d %B %Y}, 10:00 to 11:30 → {new:%A %-d %B %Y}, 11:00 to 12:00" in body
    assert "Where: School hall, NF1 1AA → Church rooms, NF2 2BB" in body
    assert f"/bookings/{confirmed.reference}/cancel/" in body
    assert "even past the usual deadline" in body
    assert by_person[confirmed.parent.email].subject == "Your session has changed: Stay and play"
    # The confirmed family gets the calendar entry that replaces theirs; the waiting one none.
    assert by_person[confirmed.parent.email].attachments[0][0].endswith(".ics")
    assert not by_person[waiting.parent.email].attachments
    assert "leave the waiting list" in by_person[waiting.parent.email].body


def test_changing_only_the_capacity_tells_nobody_and_keeps_the_sequence(session, manager):
    booked(session)
    services.update_session(session_id=session.pk, changes={"capacity": 5}, by=manager)
    session.refresh_from_db()
    assert session.sequence == 0
    assert session.moved_at is None
    assert mail.outbox == []


def test_the_same_values_again_are_no_move(session, manager):
    booked(session)
    services.update_session(
        session_id=session.pk,
        changes={"start": session.start, "end": session.end, "venue": session.venue},
        by=manager,
    )
    session.refresh_from_db()
    assert session.sequence == 0
    assert mail.outbox == []
    assert not SessionLogEntry.objects.filter(session=session).exists()


def test_a_refused_move_writes_and_sends_nothing(session, manager):
    booked(session)
    with pytest.raises(BookingError):
        services.update_session(
            session_id=session.pk,
            changes={"start": session.start + HOUR, "end": session.end + HOUR, "capacity": 0},
            by=manager,
        )
    session.refresh_from_db()
    assert session.sequence == 0
    assert session.moved_at is None
    assert mail.outbox == []
    assert not SessionLogEntry.objects.filter(session=session).exists()


def test_a_child_the_new_date_leaves_outside_the_ages_is_named(session, manager):
    # Born 24 months before this month: still in range tomorrow, 25 months old in a month.
    booking = booked(session, child_age_months=24)
    child = booking.children.get()
    later = session.start + datetime.timedelta(days=40)
    services.update_session(
        session_id=session.pk, changes={"start": later, "end": later + HOUR}, by=manager
    )
    body = mail.outbox[0].body
    assert f"{child.first_name} will be 2 years 1 month old" in body
    assert "or the session no longer suits your child" in body


def test_moves_raise_the_sequence_and_the_entries_keep_their_uid(session, manager, church):
    booking = booked(session)
    before = event_of(booking_ics(booking))
    feed_before = event_of(centre_feed_ics([session]))
    assert before["SEQUENCE"] == 0
    services.update_session(session_id=session.pk, changes={"venue": church}, by=manager)
    services.update_session(
        session_id=session.pk,
        changes={"start": session.start + HOUR, "end": session.end + HOUR},
        by=manager,
    )
    booking.refresh_from_db()
    after = event_of(booking_ics(booking))
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] == 2
    assert after.decoded("DTSTART") == session.start + HOUR
    assert after.decoded("LAST-MODIFIED") >= before.decoded("LAST-MODIFIED")
    assert after["LOCATION"] == "Church rooms, NF2 2BB"
    booking.session.refresh_from_db()
    feed_after = event_of(centre_feed_ics([booking.session]))
    assert feed_after["UID"] == feed_before["UID"]
    assert feed_after["SEQUENCE"] == 2


def test_cancelling_a_session_raises_its_sequence(session, manager):
    services.cancel_session(session_id=session.pk, reason="The hall is flooded.", by=manager)
    session.refresh_from_db()
    event = event_of(centre_feed_ics([session]))
    assert event["SEQUENCE"] == 1
    assert event["STATUS"] == "CANCELLED"


def test_the_move_is_in_the_sessions_history(session, manager, church):
    booked(session)
    booked(session, status=Booking.Status.WAITING)
    services.update_session(session_id=session.pk, changes={"venue": church}, by=manager)
    entry = SessionLogEntry.objects.get(session=session)
    assert entry.action == audit.SESSION_CHANGED
    assert entry.user_id == manager.pk
    assert entry.data["detail"] == (
        "venue: School hall (Northfield Centre) → Church rooms (Northfield Centre)"
        " (2 families told)"
    )
    assert entry.data["told"] == 2


# --- Cancelling without the cutoff after a move ------------------------------------------------


def past_cutoff(session):
    session.cancellation_cutoff = timezone.now() - HOUR
    session.save()


def test_before_a_move_the_cutoff_binds(session):
    booking = booked(session)
    past_cutoff(session)
    booking.refresh_from_db()
    assert not selectors.can_cancel_online(booking)
    with pytest.raises(BookingError, match="too late to cancel"):
        services.cancel_booking(booking_id=booking.pk, by=booking.parent)
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED


def test_a_family_booked_before_a_move_may_cancel_past_the_cutoff(session, manager, church):
    booking = booked(session)
    past_cutoff(session)
    services.update_session(session_id=session.pk, changes={"venue": church}, by=manager)
    booking.refresh_from_db()
    assert selectors.can_cancel_online(booking)
    services.cancel_booking(booking_id=booking.pk, by=booking.parent)
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CANCELLED


def test_a_family_booked_after_the_move_keeps_the_cutoff(session, manager, church):
    services.update_session(session_id=session.pk, changes={"venue": church}, by=manager)
    booking = booked(session, confirmed_at=timezone.now() + datetime.timedelta(seconds=1))
    past_cutoff(session)
    booking.refresh_from_db()
    assert not selectors.can_cancel_online(booking)
    with pytest.raises(BookingError, match="too late to cancel"):
        services.cancel_booking(booking_id=booking.pk, by=booking.parent)


def test_no_cancelling_online_once_a_moved_session_has_started(session, manager, church):
    booking = booked(session)
    services.update_session(session_id=session.pk, changes={"venue": church}, by=manager)
    session.refresh_from_db()
    start = timezone.now() - HOUR
    type(session).objects.filter(pk=session.pk).update(start=start, end=start + 2 * HOUR)
    booking.refresh_from_db()
    assert not selectors.can_cancel_online(booking)
    with pytest.raises(BookingError, match="too late to cancel"):
        services.cancel_booking(booking_id=booking.pk, by=booking.parent)


def test_the_cancel_page_offers_one_tap_after_a_move(client, session, manager, church):
    booking = booked(session)
    past_cutoff(session)
    client.force_login(booking.parent)
    url = reverse("bookings:cancel_booking", args=[booking.reference])
    assert "Yes, cancel my booking" not in client.get(url).content.decode()
    services.update_session(session_id=session.pk, changes={"venue": church}, by=manager)
    page = client.get(url).content.decode()
    assert "Yes, cancel my booking" in page
    assert "The session has changed since you booked" in page
    response = client.post(url)
    assert response.status_code == 302
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CANCELLED
