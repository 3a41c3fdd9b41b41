"""Never more enrolled than a course's places, on any of its sessions: many households booking
the last course places at once, and course bookings racing what else takes places on the same
sessions (walk-ins recorded on the register, staff trying to book one session of the course for
a family), on a real database (SQLite in one run of the suite, PostgreSQL in the other).

The control runs switch the lock off and widen the gap between "count the places" and "write
the bookings"; they must overbook, which shows the main tests would catch a missing lock."""

import functools
import itertools

import pytest
from django.db.models import Sum

from bookings import register, selectors, services
from bookings.models import Booking, CourseBooking, WalkIn
from tests.factories import ChildFactory, UserFactory
from tests.support.courses import course_of, household
from tests.support.races import REFUSED, race, widen_the_gap
from tests.support.times import starting_later_today

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

THREADS = 20
ATTEMPTS = 120
PLACES = 8
WEEKS = 3


def _book_course(course, parent, kids, join):
    return services.book_course(
        parent=parent, course_id=course.pk, children=kids, join_waiting_list=join
    ).status


def _race(course, households):
    """Every household tries to book the course for one child at once; half would wait."""
    attempts = [
        functools.partial(_book_course, course, parent, kids, index % 2 == 0)
        for index, (parent, kids) in enumerate(households)
    ]
    return race(attempts, threads=THREADS)


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
    assert outcomes["confirmed"] + outcomes["waiting"] + outcomes[REFUSED] == ATTEMPTS
    waiting = CourseBooking.objects.filter(course=race_course, status="waiting")
    assert waiting.count() == outcomes["waiting"] > 0
    # A waiting household holds nothing on any session.
    assert not Booking.objects.filter(course_booking__in=waiting).exists()


def test_control_without_the_lock_the_course_race_overbooks(race_course, settings, monkeypatch):
    settings.BOOKINGS_LOCK_SESSIONS = False
    # Everyone counts the same free places before anyone writes.
    widen_the_gap(monkeypatch, selectors, "course_places_left")
    households = [household() for _ in range(ATTEMPTS // 3)]
    _race(race_course, households)

    assert _enrolled(race_course) > PLACES
    assert max(_held_per_session(race_course)) > PLACES


# --- Course bookings racing walk-ins and staff on the same sessions ----------------------------


@pytest.fixture
def course_starting_today(centre):
    """A course whose first session is later today: its register takes walk-ins while families
    can still book the course."""
    return course_of(
        centre,
        weeks=WEEKS,
        capacity=PLACES,
        max_places_per_booking=1,
        first_start=starting_later_today(),
    )


def _walk_in(session, staff, label):
    register.record_walk_in(session_id=session.pk, label=label, children=1, adults=1, by=staff)
    return "walked_in"


def _staff_books_one_session(session, staff):
    """Staff booking a family onto one session of the course: always refused (families book
    the whole course), and it must not take a place on the way."""
    parent = UserFactory()
    child = ChildFactory(parent=parent)
    return services.book_session(
        parent=parent, booked_by=staff, session_id=session.pk, children=[child]
    ).status


def _mixed_attempts(course, count):
    """Course bookings (half would wait), walk-ins on the first session, and staff trying to
    book single sessions of the course, interleaved."""
    staff = UserFactory(first_name="Sam")
    first, *rest = list(course.sessions.order_by("start"))
    sessions = itertools.cycle([first, *rest])
    attempts = []
    for index in range(count):
        kind = index % 3
        if kind == 0:
            parent, kids = household()
            attempts.append(functools.partial(_book_course, course, parent, kids, index % 2 == 0))
        elif kind == 1:
            attempts.append(functools.partial(_walk_in, first, staff, f"Walk-in {index}"))
        else:
            attempts.append(functools.partial(_staff_books_one_session, next(sessions), staff))
    return attempts


def _taken_per_session(course) -> list[int]:
    return [selectors.places_taken(session) for session in course.sessions.order_by("start")]


def test_course_bookings_racing_walk_ins_and_staff_never_overfill_a_session(
    course_starting_today,
):
    course = course_starting_today
    attempts = _mixed_attempts(course, 90)

    outcomes = race(attempts, threads=THREADS)

    assert outcomes["errors"] == []
    first = course.sessions.order_by("start").first()
    walk_ins = WalkIn.objects.filter(session=first)
    assert not walk_ins.filter(over_capacity=True).exists()
    # The first session is exactly full, shared between the course and the walk-ins.
    taken = _taken_per_session(course)
    assert taken[0] == PLACES
    assert all(places <= PLACES for places in taken)
    assert _enrolled(course) + walk_ins.count() == PLACES
    assert outcomes["confirmed"] == _enrolled(course)
    assert outcomes["walked_in"] == walk_ins.count()
    # Every course place is held on every session, and nothing else is booked on them.
    assert _held_per_session(course) == [_enrolled(course)] * WEEKS
    assert not Booking.objects.filter(session__course=course, course_booking__isnull=True).exists()
    assert outcomes[REFUSED] >= 30  # at least every staff attempt


def test_control_without_the_lock_course_bookings_and_walk_ins_overfill_a_session(
    course_starting_today, settings, monkeypatch
):
    settings.BOOKINGS_LOCK_SESSIONS = False
    counted = widen_the_gap(monkeypatch, selectors, "places_taken")
    monkeypatch.setattr(register, "places_taken", selectors.places_taken)
    course = course_starting_today

    race(_mixed_attempts(course, 60), threads=THREADS)

    first = course.sessions.order_by("start").first()
    assert counted(first) > PLACES
