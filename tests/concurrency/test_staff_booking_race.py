"""Never overbooked when staff book for families (family contacts and families with accounts,
from registers) at the same moment as families book for themselves: the same lock holds both,
on SQLite in one run of the suite and PostgreSQL in the other. The control run, with the lock
off, overbooks: the test would catch a staff path that skipped the lock."""

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.db.models import Sum

from bookings import selectors, services
from bookings.errors import BookingError
from bookings.models import Booking
from tests.factories import (
    ActivityPageFactory,
    ChildFactory,
    FamilyContactFactory,
    SessionFactory,
    UserFactory,
)
from tests.support.bookings import contact_child

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
    outcomes = {"confirmed": 0, "waiting": 0, "refused": 0, "errors": []}
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def run(batch):
        try:
            start.wait()
            for arguments in batch:
                try:
                    key = services.book_session(session_id=session.pk, **arguments).status
                except BookingError:
                    key = "refused"
                except Exception as error:  # noqa: BLE001 - any other failure fails the test
                    with lock:
                        outcomes["errors"].append(repr(error))
                    continue
                with lock:
                    outcomes[key] += 1
        finally:
            connection.close()

    batches = [attempts[i::THREADS] for i in range(THREADS)]
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(run, batches))
    return outcomes


def _confirmed_places(session):
    confirmed = Booking.objects.filter(session=session, status=Booking.Status.CONFIRMED)
    return confirmed.aggregate(total=Sum("places"))["total"] or 0


def test_staff_and_family_bookings_racing_confirm_exactly_the_capacity(centre, race_session):
    attempts = _attempts(centre, 240)
    outcomes = _race(race_session, attempts)

    assert outcomes["errors"] == []
    assert _confirmed_places(race_session) == PLACES == outcomes["confirmed"]
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
    counted = selectors.places_taken

    def slow_count(session):
        taken = counted(session)
        time.sleep(random.uniform(0.01, 0.05))
        return taken

    monkeypatch.setattr(selectors, "places_taken", slow_count)
    _race(race_session, _attempts(centre, 80))

    assert _confirmed_places(race_session) > PLACES
