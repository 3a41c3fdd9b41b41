"""A hand-counted set of sessions, bookings, attendances and walk-ins at two centres in the
spring term of 2025; the expected figures are worked out in the tests beside each assertion."""

import datetime
from types import SimpleNamespace

import pytest

from bookings.models import Attendance, Booking, Session, WalkIn
from tests.accounts import activate_totp
from tests.factories import (
    ActivityPageFactory,
    BookingFactory,
    ChildFactory,
    FootprintFactory,
    SessionFactory,
    UserFactory,
)
from tests.support.times import at


def book(session, parent, children, **fields):
    booking = BookingFactory(session=session, parent=parent, places=max(len(children), 1), **fields)
    booking.children.set(children)
    return booking


@pytest.fixture
def spring(centre, other_centre):
    centre.footprint = FootprintFactory(name="North")
    centre.save()
    other_centre.footprint = FootprintFactory(name="River")
    other_centre.save()
    play = ActivityPageFactory(parent=centre, title="Stay and play", category="stay_and_play")
    massage = ActivityPageFactory(parent=centre, title="Baby massage", category="baby_toddler")
    river_play = ActivityPageFactory(
        parent=other_centre, title="River stay and play", category="stay_and_play"
    )
    old = SessionFactory(activity=play, start=at(2024, 11, 10), capacity=10)
    s1 = SessionFactory(activity=play, start=at(2025, 1, 15), capacity=10)
    s2 = SessionFactory(activity=play, start=at(2025, 2, 12), capacity=10)
    s3 = SessionFactory(activity=massage, start=at(2025, 2, 20), capacity=4)
    s4 = SessionFactory(
        activity=massage, start=at(2025, 3, 5), capacity=4, status=Session.Status.CANCELLED
    )
    river = SessionFactory(activity=river_play, start=at(2025, 1, 20), capacity=10)

    # Names no report could print by chance (a generated "April" or "May" could be a month).
    p1, p2, p3, p4, p5 = (UserFactory(first_name=f"Zephyrine{n}") for n in range(5))
    c1, c2 = ChildFactory(parent=p1), ChildFactory(parent=p1)
    c3, c4, c5, c6 = (ChildFactory(parent=p) for p in [p2, p3, p4, p5])

    book(old, p1, [c1], attendance=Attendance.ATTENDED)
    book(s1, p1, [c1, c2], attendance=Attendance.ATTENDED)
    book(s1, p2, [c3], attendance=Attendance.NO_SHOW)
    book(s1, p3, [c4], attendance=Attendance.ATTENDED)
    WalkIn.objects.create(session=s1, label="Family in red", children=2, places=2)
    book(s2, p2, [c3], attendance=Attendance.ATTENDED)
    book(
        s2,
        p4,
        [c5],
        status=Booking.Status.CANCELLED,
        cancelled_at=s2.start - datetime.timedelta(hours=2),
    )
    book(
        s2,
        p3,
        [c4],
        status=Booking.Status.CANCELLED,
        cancelled_at=s2.start - datetime.timedelta(days=3),
    )
    book(s3, p1, [c1])
    book(
        s3,
        p4,
        [c5],
        status=Booking.Status.WAITING,
        waiting_since=s3.start - datetime.timedelta(days=5),
        confirmed_at=None,
    )
    book(
        s3,
        p3,
        [c4],
        waiting_since=s3.start - datetime.timedelta(days=6),
        confirmed_at=s3.start - datetime.timedelta(days=2),
        attendance=Attendance.ATTENDED,
    )
    book(s4, p5, [c6])
    book(river, p4, [c5], attendance=Attendance.ATTENDED)
    return SimpleNamespace(
        sessions=[old, s1, s2, s3, s4, river],
        activities=[play, massage, river_play],
        people=[p1, p2, p3, p4, p5],
    )


@pytest.fixture
def superuser(db):
    return UserFactory(email="boss@example.org", is_superuser=True, is_staff=True)


@pytest.fixture
def superuser_totp(superuser):
    return activate_totp(superuser)
