"""Never overbooked when staff book for families (family contacts and families with accounts,
from registers) at the same moment as families book for themselves: the same lock holds both,
on SQLite in one run of the suite and PostgreSQL in the other. The control run, with the lock
off, overbooks: the test would catch a staff path that skipped the lock."""

import functools

import pytest

from bookings import selectors, services
from bookings.models import Booking
from tests.factories import (
    ActivityPageFactory,
    ChildFactory,
    FamilyContactFactory,
    SessionFactory,
    UserFactory,
)
from tests.support.bookings import contact_child
from tests.support.races import confirmed_places, race, widen_the_gap

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

THREADS = 40
PLACES = 15


@pytest.fixture
def race_session(centre):
    activity = ActivityPageFactory(parent=centre, max_age_months=60)
    return SessionFactory(activity=activity, capacity=PLACES, max_places_per_booking=1)


def _attempts(centre, count):
    """Booking calls, mixed: a family booking itself, staff booking a family contact, staff
    booking a family with an account. Every other one would take the waiting list."""
    staff = UserFactory(first_name="Sam")
    attempts = []
    for index in range(count):
        join = index % 2 == 0
        kind = index % 3
        if kind == 0:
            parent = UserFactory()
            child = ChildFactory(parent=parent)
            attempts.append({"parent": parent, "children": [child], "join_waiting_list": join})
        elif kind == 1:
            contact = FamilyContactFactory(centre=centre)
            child = contact_child(contact)
            attempts.append(
                {
                    "family_contact": contact,
                    "booked_by": staff,
                    "children": [child],
                    "join_waiting_list": join,
                }
            )
        else:
            parent = UserFactory()
            child = ChildFactory(parent=parent)
            attempts.append(
                {
                    "parent": parent,
                    "booked_by": staff,
                    "children": [child],
                    "join_waiting_list": join,
                }
            )
    return attempts


def _race(session, attempts):
    def book(arguments):
        return services.book_session(session_id=session.pk, **arguments).status

    return race([functools.partial(book, arguments) for arguments in attempts], threads=THREADS)


def test_staff_and_family_bookings_racing_confirm_exactly_the_capacity(centre, race_session):
    attempts = _attempts(centre, 240)
    outcomes = _race(race_session, attempts)

    assert outcomes["errors"] == []
    assert confirmed_places(race_session) == PLACES == outcomes["confirmed"]
    assert sum(outcomes[key] for key in ("confirmed", "waiting", "refused")) == len(attempts)
    booked = Booking.objects.filter(session=race_session)
    # Staff bookings won places too, and each says who made it.
    assert booked.filter(family_contact__isnull=False, booked_by__isnull=False).exists()
    assert not booked.filter(booked_by__isnull=True).exists()


def test_the_same_family_booked_by_two_staff_at_once_is_booked_once(centre, race_session):
    contact = FamilyContactFactory(centre=centre)
    child = contact_child(contact)
    staff = [UserFactory() for _ in range(THREADS)]
    attempts = [
        {"family_contact": contact, "booked_by": person, "children": [child]} for person in staff
    ]
    outcomes = _race(race_session, attempts)

    assert outcomes["errors"] == []
    assert outcomes["confirmed"] == 1
    assert outcomes["refused"] == THREADS - 1
    assert Booking.objects.filter(session=race_session, family_contact=contact).count() == 1


def test_control_without_the_lock_staff_and_families_overbook(
    centre, race_session, settings, monkeypatch
):
    settings.BOOKINGS_LOCK_SESSIONS = False
    widen_the_gap(monkeypatch, selectors, "places_taken")
    _race(race_session, _attempts(centre, 80))

    assert confirmed_places(race_session) > PLACES
