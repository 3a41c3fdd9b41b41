"""Never overbooked: many people booking the last places at once, on a real database (SQLite in
one run of the suite, PostgreSQL in the other).

The control run switches the session lock off and widens the gap between "count the places" and
"write the booking"; it must overbook, which shows the main test would catch a missing lock."""

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
from tests.factories import ActivityPageFactory, ChildFactory, SessionFactory, UserFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

THREADS = 50
ATTEMPTS = 500
PLACES = 20


def _households(count):
    households = []
    for _ in range(count):
        parent = UserFactory()
        households.append((parent, ChildFactory(parent=parent)))
    return households


def _race(session, households):
    """Every household tries to book one place at once; half would take the waiting list."""
    outcomes = {"confirmed": 0, "waiting": 0, "refused": 0, "errors": []}
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def attempt(batch):
        try:
            start.wait()
            for index, (parent, child) in batch:
                try:
                    booking = services.book_session(
                        parent=parent,
                        session_id=session.pk,
                        children=[child],
                        join_waiting_list=index % 2 == 0,
                    )
                    key = booking.status
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

    numbered = list(enumerate(households))
    batches = [numbered[i::THREADS] for i in range(THREADS)]
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(attempt, batches))
    return outcomes


def _confirmed_places(session):
    return (
        Booking.objects.filter(session=session, status=Booking.Status.CONFIRMED).aggregate(
            total=Sum("places")
        )["total"]
        or 0
    )


@pytest.fixture
def race_session(centre):
    activity = ActivityPageFactory(parent=centre, max_age_months=60)
    return SessionFactory(activity=activity, capacity=PLACES, max_places_per_booking=1)


def test_500_attempts_for_20_places_confirm_exactly_20(race_session):
    households = _households(ATTEMPTS)
    outcomes = _race(race_session, households)

    assert outcomes["errors"] == []
    assert _confirmed_places(race_session) == PLACES
    assert outcomes["confirmed"] == PLACES
    assert outcomes["confirmed"] + outcomes["waiting"] + outcomes["refused"] == ATTEMPTS
    waiting_rows = Booking.objects.filter(session=race_session, status=Booking.Status.WAITING)
    assert waiting_rows.count() == outcomes["waiting"] > 0


def test_control_without_the_lock_the_race_overbooks(race_session, settings, monkeypatch):
    settings.BOOKINGS_LOCK_SESSIONS = False
    counted = selectors.places_taken

    def slow_count(session):
        # Everyone counts the same free places before anyone writes.
        taken = counted(session)
        time.sleep(random.uniform(0.01, 0.05))
        return taken

    monkeypatch.setattr(selectors, "places_taken", slow_count)
    households = _households(ATTEMPTS // 5)
    _race(race_session, households)

    assert _confirmed_places(race_session) > PLACES
