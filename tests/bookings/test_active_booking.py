"""`selectors.active_booking`, which the booking form asks on every look, with its SQL written once
per process (`startwell.compiled`): it finds what the ORM's definition finds (the parent's booking
on the session in an active status) whatever else is booked."""

import datetime

import pytest
from django.utils import timezone

from bookings import selectors
from bookings.models import Booking
from tests.factories import BookingFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def as_the_orm_defines_it(parent, session):
    return Booking.objects.filter(
        session=session, parent=parent, status__in=Booking.ACTIVE_STATUSES
    ).first()


def test_it_finds_the_parents_active_booking_as_the_orm_does():
    sessions = [SessionFactory(capacity=30), SessionFactory(capacity=30)]
    parents = [UserFactory() for _ in range(len(Booking.Status) + 1)]
    hold = timezone.now() + datetime.timedelta(minutes=20)
    # Each parent has a booking in a different status on the first session; the last has none
    # there, and everyone has a confirmed one on the second.
    for parent, status in zip(parents, Booking.Status, strict=False):
        BookingFactory(
            session=sessions[0], parent=parent, status=status, places=2, hold_expires_at=hold
        )
    for parent in parents:
        BookingFactory(session=sessions[1], parent=parent, places=1)
    # A family cancelled, then booked again: its active booking is found, not the cancelled one.
    again = parents[[*Booking.Status].index(Booking.Status.CANCELLED)]
    BookingFactory(session=sessions[0], parent=again, status=Booking.Status.WAITING, places=3)

    found_some = found_none = 0
    for session in sessions:
        for parent in parents:
            expected = as_the_orm_defines_it(parent, session)
            found = selectors.active_booking(parent=parent, session=session)
            if expected is None:
                assert found is None
                found_none += 1
                continue
            found_some += 1
            assert (found.pk, found.reference, found.status, found.places) == (
                expected.pk,
                expected.reference,
                expected.status,
                expected.places,
            )
    assert found_some == len(Booking.ACTIVE_STATUSES) + 1 + len(parents)
    assert found_none == len(parents) - len(Booking.ACTIVE_STATUSES) - 1


def test_whatever_else_the_booking_holds_is_read_when_used():
    booking = BookingFactory(access_notes="We use a wheelchair")
    found = selectors.active_booking(parent=booking.parent, session=booking.session)
    assert found.access_notes == "We use a wheelchair"
    assert found.session == booking.session
