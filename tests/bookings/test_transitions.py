"""The booking lifecycle table: every change it does not list is refused with a plain message and
changes nothing; the changes it lists set the fields that go with the new status."""

import datetime

import pytest
from django.utils import timezone

from bookings import transitions
from bookings.errors import BookingError
from bookings.models import Booking
from tests.factories import ActivityPageFactory, BookingFactory, SessionFactory

pytestmark = pytest.mark.django_db

S = Booking.Status
ALL = list(S)


@pytest.fixture
def booking(centre):
    session = SessionFactory(activity=ActivityPageFactory(parent=centre))
    return BookingFactory(session=session, amount_pence=500)


def test_every_change_the_table_does_not_list_is_refused_and_changes_nothing(booking):
    illegal = [(a, b) for a in ALL for b in ALL if b not in transitions.TRANSITIONS[a]]
    assert len(illegal) == len(ALL) ** 2 - 9  # nine moves are allowed
    now = timezone.now()
    for from_status, to in illegal:
        Booking.objects.filter(pk=booking.pk).update(status=from_status, hold_expires_at=now)
        booking.refresh_from_db()
        with pytest.raises(BookingError) as refused:
            transitions.move(booking, to, now=now, hold_until=now)
        assert refused.value.message == (
            f"This booking is {S(from_status).label.lower()}, "
            f"so it cannot be {transitions.VERBS[to]}."
        )
        booking.refresh_from_db()
        assert booking.status == from_status


def test_a_waiting_household_given_a_place_without_online_payment_pays_at_the_centre(booking):
    Booking.objects.filter(pk=booking.pk).update(status=S.WAITING, confirmed_at=None)
    booking.refresh_from_db()
    now = timezone.now()

    transitions.move(booking, S.CONFIRMED, now=now)

    booking.refresh_from_db()
    assert (booking.status, booking.confirmed_at, booking.payment_due_at_centre) == (
        S.CONFIRMED,
        now,
        True,
    )


def test_holding_places_for_payment_needs_the_hold_and_paying_leaves_nothing_due(booking):
    Booking.objects.filter(pk=booking.pk).update(status=S.WAITING, confirmed_at=None)
    booking.refresh_from_db()
    now = timezone.now()
    with pytest.raises(ValueError, match="hold_until"):
        transitions.move(booking, S.PENDING_PAYMENT, now=now)

    hold = now + datetime.timedelta(hours=12)
    transitions.move(booking, S.PENDING_PAYMENT, now=now, hold_until=hold)
    transitions.move(booking, S.CONFIRMED, now=now)

    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED
    assert booking.hold_expires_at == hold
    assert not booking.payment_due_at_centre


def test_cancelling_records_when_and_a_booking_cannot_be_born_cancelled(booking):
    now = timezone.now()
    transitions.move(booking, S.CANCELLED, now=now)
    booking.refresh_from_db()
    assert (booking.status, booking.cancelled_at) == (S.CANCELLED, now)

    with pytest.raises(ValueError, match="cannot start as"):
        transitions.create(S.CANCELLED, now=now, session=booking.session, places=1)
