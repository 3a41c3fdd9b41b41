"""Never more enrolled than a course's places, on any of its sessions: many households booking
the last course places at once, on a real database (SQLite in one run of the suite, PostgreSQL
in the other).

The control run switches the lock off and widens the gap between "count the places" and "write
the bookings"; it must overbook, which shows the main test would catch a missing lock."""

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.db.models import Sum

from bookings import selectors, services
from bookings.errors import BookingError
from bookings.models import Booking, CourseBooking
from tests.support.courses import course_of, household

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

THREADS = 20
ATTEMPTS = 120
PLACES = 8
WEEKS = 3


def _race(course, households):
    """Every household tries to book the course for one child at once; half would wait."""
    outcomes = {"confirmed": 0, "waiting": 0, "refused": 0, "errors": []}
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def attempt(batch):
        try:
            start.wait()
            for index, (parent, kids) in batch:
                try:
                    course_booking = services.book_course(
                        parent=parent,
                        course_id=course.pk,
                        children=kids,
                        join_waiting_list=index % 2 == 0,
                    )
                    key = course_booking.status
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


def _held_per_session(course) -> list[int]:
    return [
        Booking.objects.filter(session=session, status=Booking.Status.CONFIRMED).aggregate(
            total=Sum("places")
        )["total"]
        or 0
        for session in course.sessions.order_by("start")
    ]


def _enrolled(course) -> int:
    return (
        CourseBooking.objects.filter(
            course=course, status=CourseBooking.Status.CONFIRMED
        ).aggregate(total=Sum("places"))["total"]
        or 0
    )


@pytest.fixture
def race_course(centre):
    return course_of(centre, weeks=WEEKS, capacity=PLACES, max_places_per_booking=1)


def test_many_households_booking_a_course_at_once_fill_it_exactly(race_course):
    households = [household() for _ in range(ATTEMPTS)]
    outcomes = _race(race_course, households)

    assert outcomes["errors"] == []
    assert outcomes["confirmed"] == PLACES
    assert _enrolled(race_course) == PLACES
    assert _held_per_session(race_course) == [PLACES] * WEEKS
    assert outcomes["confirmed"] + outcomes["waiting"] + outcomes["refused"] == ATTEMPTS
    waiting = CourseBooking.objects.filter(course=race_course, status="waiting")
    assert waiting.count() == outcomes["waiting"] > 0
    # A waiting household holds nothing on any session.
    assert not Booking.objects.filter(course_booking__in=waiting).exists()


def test_control_without_the_lock_the_course_race_overbooks(race_course, settings, monkeypatch):
    settings.BOOKINGS_LOCK_SESSIONS = False
    counted = selectors.course_places_left

    def slow_count(course, sessions):
        # Everyone counts the same free places before anyone writes.
        left = counted(course, sessions)
        time.sleep(random.uniform(0.01, 0.05))
        return left

    monkeypatch.setattr(selectors, "course_places_left", slow_count)
    households = [household() for _ in range(ATTEMPTS // 3)]
    _race(race_course, households)

    assert _enrolled(race_course) > PLACES
    assert max(_held_per_session(race_course)) > PLACES
