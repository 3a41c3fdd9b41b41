"""Courses: families book the whole run of sessions at once — one booking, one reference, a
place on every session, one waiting list — under the same rules as a session, checked on the
course (the window, ages on the first session, places on the course and on every session)."""

import datetime

import pytest
from django.core import mail
from django.db.models import Sum
from django.utils import timezone

from bookings import selectors, services
from bookings.errors import BookingError
from bookings.models import Attendance, Booking, CourseBooking, WalkIn
from bookings.registers import course_attendance, register_for
from tests.support.courses import course_of, household

pytestmark = pytest.mark.django_db

S = Booking.Status


def held_on(session) -> int:
    return (
        Booking.objects.filter(session=session, status__in=Booking.HOLDING_STATUSES).aggregate(
            total=Sum("places")
        )["total"]
        or 0
    )


def book(course, parent, kids, **kwargs):
    return services.book_course(parent=parent, course_id=course.pk, children=kids, **kwargs)


# --- One booking for the whole run ------------------------------------------------------------


def test_booking_a_course_holds_a_place_on_every_session_under_one_reference(centre):
    course = course_of(centre, weeks=4)
    parent, kids = household(2)

    course_booking = book(course, parent, kids)

    assert course_booking.status == S.CONFIRMED
    assert course_booking.places == 2
    assert set(course_booking.children.all()) == set(kids)
    rows = Booking.objects.filter(course_booking=course_booking)
    assert rows.count() == 4
    assert {row.session_id for row in rows} == set(course.sessions.values_list("pk", flat=True))
    assert all(row.status == S.CONFIRMED and row.places == 2 for row in rows)
    assert all(set(row.children.all()) == set(kids) for row in rows)
    assert [held_on(session) for session in course.sessions.all()] == [2, 2, 2, 2]
    [confirmation] = mail.outbox
    assert course_booking.reference in confirmation.body
    assert confirmation.attachments  # the calendar entry, every session in it


def test_course_bookings_appear_on_each_sessions_register(centre):
    course = course_of(centre, weeks=2)
    parent, kids = household()
    course_booking = book(course, parent, kids)
    for session in course.sessions.all():
        [row] = register_for(session).confirmed
        assert row.booking.course_booking == course_booking


def test_a_sessions_of_a_course_cannot_be_booked_one_by_one(centre):
    course = course_of(centre)
    parent, kids = household()
    with pytest.raises(BookingError) as refused:
        services.book_session(parent=parent, session_id=course.sessions.first().pk, children=kids)
    assert refused.value.message == services.PART_OF_COURSE
    assert not Booking.objects.exists()


def test_one_active_booking_per_household_per_course(centre):
    course = course_of(centre)
    parent, kids = household()
    first = book(course, parent, kids)
    with pytest.raises(BookingError) as refused:
        book(course, parent, kids)
    assert first.reference in refused.value.message
    assert CourseBooking.objects.count() == 1


# --- The window -------------------------------------------------------------------------------


def test_booking_closes_when_the_course_starts(centre):
    start = timezone.now() - datetime.timedelta(hours=1)
    course = course_of(centre, first_start=start)
    parent, kids = household()
    with pytest.raises(BookingError) as refused:
        book(course, parent, kids)
    assert refused.value.message == selectors.COURSE_STARTED
    assert not CourseBooking.objects.exists() and not Booking.objects.exists()


def test_late_joiners_book_the_sessions_still_to_come(centre):
    start = timezone.now() - datetime.timedelta(days=1)
    course = course_of(centre, first_start=start, weeks=3, late_joiners=True)
    parent, kids = household()

    course_booking = book(course, parent, kids)

    held = Booking.objects.filter(course_booking=course_booking)
    assert held.count() == 2
    assert all(row.session.start > timezone.now() for row in held)


def test_a_finished_course_cannot_be_joined_even_late(centre):
    start = timezone.now() - datetime.timedelta(weeks=3)
    course = course_of(centre, first_start=start, weeks=2, late_joiners=True)
    parent, kids = household()
    with pytest.raises(BookingError) as refused:
        book(course, parent, kids)
    assert refused.value.message == "This course has finished."


# --- Ages on the first session ------------------------------------------------------------------


def test_ages_are_checked_on_the_first_session(centre):
    # For babies up to 12 months: a child 12 months old now is 12 on the first session (fine),
    # one who turns 13 months before the first session is refused, though younger at booking.
    first_start = timezone.now() + datetime.timedelta(days=40)
    course = course_of(centre, first_start=first_start, min_age_months=0, max_age_months=12)
    parent, [too_old] = household(months_old=12)
    with pytest.raises(BookingError) as refused:
        book(course, parent, [too_old])
    assert refused.value.field == "children"
    assert too_old.pk in refused.value.extra["children"]
    assert f"on {timezone.localtime(first_start):%-d %B}" in refused.value.message
    assert not CourseBooking.objects.exists() and not Booking.objects.exists()


def test_places_per_booking_are_the_courses(centre):
    course = course_of(centre, max_places_per_booking=1)
    parent, kids = household(2)
    with pytest.raises(BookingError):
        book(course, parent, kids)
    assert not CourseBooking.objects.exists()


# --- Full: the course's one waiting list --------------------------------------------------------


def test_a_full_course_offers_its_waiting_list(centre):
    course = course_of(centre, capacity=2)
    first, first_kids = household(2)
    book(course, first, first_kids)
    late, late_kids = household()

    with pytest.raises(BookingError) as refused:
        book(course, late, late_kids)
    assert refused.value.message == services.COURSE_FULL

    waiting = book(course, late, late_kids, join_waiting_list=True)
    assert waiting.status == S.WAITING
    assert not Booking.objects.filter(course_booking=waiting).exists()


def test_a_walk_in_on_one_session_limits_the_course(centre, manager):
    course = course_of(centre, capacity=2)
    session = course.sessions.last()
    WalkIn.objects.create(session=session, label="At the door", children=1, places=1)
    parent, kids = household(2)
    with pytest.raises(BookingError) as refused:
        book(course, parent, kids)
    assert refused.value.message == "Sorry, only 1 place left on this course."


def test_cancelling_cancels_the_remaining_sessions_and_promotes_the_next_household(centre):
    course = course_of(centre, capacity=1)
    first, first_kids = household()
    booked = book(course, first, first_kids)
    second, second_kids = household()
    waiting = book(course, second, second_kids, join_waiting_list=True)
    mail.outbox.clear()

    services.cancel_course_booking(course_booking_id=booked.pk, by=first)

    booked.refresh_from_db()
    waiting.refresh_from_db()
    assert booked.status == S.CANCELLED
    assert not Booking.objects.filter(course_booking=booked, status=S.CONFIRMED).exists()
    assert waiting.status == S.CONFIRMED
    assert Booking.objects.filter(course_booking=waiting, status=S.CONFIRMED).count() == 3
    assert [held_on(session) for session in course.sessions.all()] == [1, 1, 1]
    subjects = [message.subject for message in mail.outbox]
    assert any(subject.startswith("A place has come up and it's yours") for subject in subjects)


def test_cancelling_after_the_course_started_keeps_the_sessions_held(centre, manager):
    start = timezone.now() - datetime.timedelta(days=1)
    course = course_of(centre, first_start=start, weeks=3, late_joiners=True)
    parent, kids = household()
    course_booking = book(course, parent, kids)
    # A place held on a session that has now run, marked attended.
    past = course.sessions.order_by("start").first()
    row = Booking.objects.create(
        session=past,
        parent=parent,
        places=1,
        status=S.CONFIRMED,
        course_booking=course_booking,
        confirmed_at=timezone.now(),
        attendance=Attendance.ATTENDED,
    )

    services.cancel_course_booking(course_booking_id=course_booking.pk, by=parent)

    row.refresh_from_db()
    assert row.status == S.CONFIRMED and row.attendance == Attendance.ATTENDED
    assert not Booking.objects.filter(
        course_booking=course_booking, status=S.CONFIRMED, session__start__gt=timezone.now()
    ).exists()


def test_families_may_not_cancel_after_the_next_sessions_cutoff(centre):
    course = course_of(centre)
    first = course.sessions.order_by("start").first()
    first.cancellation_cutoff = timezone.now() - datetime.timedelta(minutes=1)
    first.save()
    parent, kids = household()
    course_booking = book(course, parent, kids)
    with pytest.raises(BookingError) as refused:
        services.cancel_course_booking(course_booking_id=course_booking.pk, by=parent)
    assert refused.value.message == services.COURSE_CUTOFF_PASSED
    course_booking.refresh_from_db()
    assert course_booking.status == S.CONFIRMED
    # Staff acting for the family may.
    services.cancel_course_booking(course_booking_id=course_booking.pk, by=None, on_behalf=True)
    course_booking.refresh_from_db()
    assert course_booking.status == S.CANCELLED


def test_a_course_place_on_one_session_is_cancelled_only_with_the_course(centre):
    course = course_of(centre)
    parent, kids = household()
    course_booking = book(course, parent, kids)
    row = Booking.objects.filter(course_booking=course_booking).first()
    with pytest.raises(BookingError) as refused:
        services.cancel_booking(booking_id=row.pk, by=parent, on_behalf=True)
    assert course_booking.reference in refused.value.message
    row.refresh_from_db()
    assert row.status == S.CONFIRMED


def test_a_waiting_household_that_does_not_fit_is_skipped(centre):
    course = course_of(centre, capacity=2)
    a, a_kids = household()
    b, b_kids = household()
    first = book(course, a, a_kids)
    book(course, b, b_kids)
    big, big_kids = household(2)
    small, small_kids = household()
    waiting_big = book(course, big, big_kids, join_waiting_list=True)
    waiting_small = book(course, small, small_kids, join_waiting_list=True)

    services.cancel_course_booking(course_booking_id=first.pk, by=a)

    waiting_big.refresh_from_db()
    waiting_small.refresh_from_db()
    assert waiting_big.status == S.WAITING
    assert waiting_small.status == S.CONFIRMED


# --- Paid courses -------------------------------------------------------------------------------


def test_a_paid_course_is_priced_for_the_whole_course_and_paid_at_the_centre(centre):
    course = course_of(centre, price_model="fixed", price_pence=2000)
    parent, kids = household(2)
    course_booking = book(course, parent, kids)
    assert course_booking.amount_pence == 4000
    assert course_booking.payment_due_at_centre
    assert not Booking.objects.filter(course_booking=course_booking, amount_pence__gt=0).exists()


def test_funded_course_places_are_limited(centre):
    course = course_of(centre, price_model="fixed", price_pence=2000, funded_places=1)
    parent, kids = household()
    funded = book(course, parent, kids, funded_place=True)
    assert funded.funded and funded.amount_pence == 0
    other, other_kids = household()
    with pytest.raises(BookingError) as refused:
        book(course, other, other_kids, funded_place=True)
    assert refused.value.field == "funded_place"
    assert CourseBooking.objects.count() == 1


# --- Attendance across the run -------------------------------------------------------------------


def test_the_course_shows_each_households_attendance_across_the_run(centre, manager):
    course = course_of(centre, weeks=3)
    parent, kids = household()
    course_booking = book(course, parent, kids)
    sessions = list(course.sessions.order_by("start"))
    first_row = Booking.objects.get(course_booking=course_booking, session=sessions[0])
    Booking.objects.filter(pk=first_row.pk).update(attendance=Attendance.ATTENDED)

    attendance = course_attendance(course)

    [row] = attendance.booked
    assert row.course_booking == course_booking
    assert row.marks == ["attended", "", ""]
    assert row.attended == 1
    assert attendance.places_held == 1


def test_promotion_is_refused_when_a_session_has_no_room(centre):
    course = course_of(centre, capacity=1)
    a, a_kids = household()
    first = book(course, a, a_kids)
    b, b_kids = household()
    waiting = book(course, b, b_kids, join_waiting_list=True)
    WalkIn.objects.create(session=course.sessions.last(), label="Door", children=1, places=1)
    services.cancel_course_booking(course_booking_id=first.pk, by=a)
    waiting.refresh_from_db()
    assert waiting.status == S.WAITING


def test_more_places_on_the_sessions_bottleneck_promote_the_courses_waiting_list(centre):
    course = course_of(centre, capacity=2)
    last = course.sessions.order_by("start").last()
    services.update_session(session_id=last.pk, changes={"capacity": 1}, by=None)
    a, a_kids = household()
    book(course, a, a_kids)
    b, b_kids = household()
    waiting = book(course, b, b_kids, join_waiting_list=True)
    assert waiting.status == S.WAITING  # the last session has no room left

    services.update_session(session_id=last.pk, changes={"capacity": 2}, by=None)

    waiting.refresh_from_db()
    assert waiting.status == S.CONFIRMED
    assert [held_on(session) for session in course.sessions.order_by("start")] == [2, 2, 2]
