"""`selectors.family_booking_and_places_left`, the question every attempt asks before the lock:
the family's own active booking, and the places left with payment holds past their time counted
as free, walk-ins counted as taken; for an account or for a family the centre keeps."""

import datetime

import pytest
from django.utils import timezone

from bookings import selectors
from bookings.models import Booking, WalkIn
from tests.factories import BookingFactory, FamilyContactFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_it_counts_what_holds_places_and_finds_the_familys_own_booking():
    session = SessionFactory(capacity=12)
    parent = UserFactory()
    later = timezone.now() + datetime.timedelta(minutes=20)
    earlier = timezone.now() - datetime.timedelta(minutes=1)
    assert selectors.family_booking_and_places_left(session, {"parent": parent}) == (None, 12)

    BookingFactory(session=session, parent=UserFactory(), places=2)  # confirmed: taken
    held = BookingFactory(
        session=session,
        parent=UserFactory(),
        places=1,
        status=Booking.Status.PENDING_PAYMENT,
        hold_expires_at=later,
    )  # held for payment: taken
    BookingFactory(
        session=session,
        parent=UserFactory(),
        places=3,
        status=Booking.Status.PENDING_PAYMENT,
        hold_expires_at=earlier,
    )  # its time to pay has passed: free
    BookingFactory(session=session, parent=UserFactory(), places=2, status=Booking.Status.WAITING)
    BookingFactory(session=session, parent=UserFactory(), places=2, status=Booking.Status.CANCELLED)
    WalkIn.objects.create(session=session, label="Family at the door", places=4, children=4)
    BookingFactory(session=SessionFactory(), parent=parent, places=5)  # another session

    assert selectors.family_booking_and_places_left(session, {"parent": parent}) == (None, 5)
    mine = BookingFactory(session=session, parent=parent, status=Booking.Status.WAITING)
    assert selectors.family_booking_and_places_left(session, {"parent": parent}) == (
        mine.reference,
        5,
    )
    assert selectors.family_booking_and_places_left(session, {"parent": held.parent}) == (
        held.reference,
        5,
    )


def test_a_family_the_centre_keeps_is_asked_about_by_its_contact():
    session = SessionFactory(capacity=3)
    contact = FamilyContactFactory(centre=session.centre)
    assert selectors.family_booking_and_places_left(session, {"family_contact": contact}) == (
        None,
        3,
    )
    theirs = BookingFactory(session=session, parent=None, family_contact=contact, places=2)
    assert selectors.family_booking_and_places_left(session, {"family_contact": contact}) == (
        theirs.reference,
        1,
    )
