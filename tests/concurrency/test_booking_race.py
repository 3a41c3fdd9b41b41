"""Never overbooked: many people booking the last places at once, on a real database (SQLite in
one run of the suite, PostgreSQL in the other).

The control run switches the session lock off and widens the gap between "count the places" and
"write the booking"; it must overbook, which shows the main test would catch a missing lock."""

import functools

import pytest

from bookings import selectors, services
from bookings.models import Booking
from tests.factories import ActivityPageFactory, ChildFactory, SessionFactory, UserFactory
from tests.support.races import confirmed_places, race, widen_the_gap

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

    def book(parent, child, join):
        return services.book_session(
            parent=parent, session_id=session.pk, children=[child], join_waiting_list=join
        ).status

    attempts = [
        functools.partial(book, parent, child, index % 2 == 0)
        for index, (parent, child) in enumerate(households)
    ]
    return race(attempts, threads=THREADS)


@pytest.fixture
def race_session(centre):
    activity = ActivityPageFactory(parent=centre, max_age_months=60)
    return SessionFactory(activity=activity, capacity=PLACES, max_places_per_booking=1)


def test_500_attempts_for_20_places_confirm_exactly_20(race_session):
    households = _households(ATTEMPTS)
    outcomes = _race(race_session, households)

    assert outcomes["errors"] == []
    assert confirmed_places(race_session) == PLACES
    assert outcomes["confirmed"] == PLACES
    assert outcomes["confirmed"] + outcomes["waiting"] + outcomes["refused"] == ATTEMPTS
    waiting_rows = Booking.objects.filter(session=race_session, status=Booking.Status.WAITING)
    assert waiting_rows.count() == outcomes["waiting"] > 0


def test_control_without_the_lock_the_race_overbooks(race_session, settings, monkeypatch):
    settings.BOOKINGS_LOCK_SESSIONS = False
    widen_the_gap(monkeypatch, selectors, "places_taken")
    households = _households(ATTEMPTS // 5)
    _race(race_session, households)

    assert confirmed_places(race_session) > PLACES
