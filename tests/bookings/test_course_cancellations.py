"""The centre cancelling one session of a course, or a family's course booking: course families
are told with the session's own messages and keep the rest of the run; a freed course place goes
to the next household on the course's waiting list; money follows the sessions' rules."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bookings import checkout, selectors, services
from bookings.errors import BookingError
from bookings.models import Booking, CourseBooking, Payment
from startwell.models import MobilePhone, User
from tests.accounts import staff
from tests.factories import UserFactory
from tests.support.courses import course_of, household, paid_course
from tests.support.payments import post_event

pytestmark = pytest.mark.django_db

S = Booking.Status


def book(course, parent, kids, **kwargs):
    return services.book_course(parent=parent, course_id=course.pk, children=kids, **kwargs)


def statuses(course_booking):
    rows = Booking.objects.filter(course_booking=course_booking).order_by("session__start")
    return [row.status for row in rows]


def test_cancelling_one_session_tells_course_families_and_keeps_the_rest_of_the_run(
    centre, manager
):
    course = course_of(centre, weeks=3, capacity=2)
    parent, kids = household()
    course_booking = book(course, parent, kids)
    first, second, third = course.sessions.order_by("start")
    mail.outbox.clear()

    services.cancel_session(session_id=second.pk, reason="The hall is flooded", by=manager)

    course_booking.refresh_from_db()
    assert course_booking.status == S.CONFIRMED
    assert statuses(course_booking) == [S.CONFIRMED, S.CANCELLED, S.CONFIRMED]
    [message] = mail.outbox
    assert message.subject.startswith("Session cancelled")
    assert "The hall is flooded" in message.body
    # The course is still booked, and still offered, on the sessions that run.
    assert [s.pk for s in selectors.course_sessions(course)] == [first.pk, third.pk]
    other, other_kids = household()
    assert book(course, other, other_kids).status == S.CONFIRMED
    assert statuses(CourseBooking.objects.get(parent=other)) == [S.CONFIRMED, S.CONFIRMED]


def test_cancelling_the_session_that_was_full_promotes_the_courses_waiting_list(centre, manager):
    course = course_of(centre, weeks=3, capacity=2)
    first, second, third = course.sessions.order_by("start")
    second.capacity = 1  # the hall for week two is smaller
    second.save()
    a, a_kids = household()
    book(course, a, a_kids)
    b, b_kids = household()
    waiting = book(course, b, b_kids, join_waiting_list=True)
    assert waiting.status == S.WAITING

    services.cancel_session(session_id=second.pk, reason="Hall unavailable", by=manager)

    waiting.refresh_from_db()
    assert waiting.status == S.CONFIRMED
    assert statuses(waiting) == [S.CONFIRMED, S.CONFIRMED]  # the first and third sessions
    assert [selectors.places_taken(s) for s in (first, third)] == [2, 2]


def test_a_cancelled_session_of_a_paid_course_is_flagged_for_the_centre_not_refunded(
    client, centre, manager, stripe_server
):
    course = paid_course(centre, weeks=3)
    parent, kids = household()
    course_booking = book(course, parent, kids)
    checkout.start_checkout(booking=course_booking)
    payment = Payment.objects.get(course_booking=course_booking)
    post_event(client, stripe_server.pay(payment.checkout_session_id))
    second = course.sessions.order_by("start")[1]

    services.cancel_session(session_id=second.pk, reason="Staff illness", by=manager)

    payment.refresh_from_db()
    assert payment.refund_status == Payment.RefundStatus.NONE
    assert not stripe_server.refunds
    assert payment.needs_attention
    assert "decide whether to give back part of the course's price" in payment.attention_note
    course_booking.refresh_from_db()
    assert course_booking.status == S.CONFIRMED

    # The centre's managers see it on the course's page.
    manager_user = staff(UserFactory())
    manager_user.groups.add(centre.manager_group)
    client.force_login(manager_user)
    page = client.get(reverse("bookings_session:course", args=[course.pk]))
    assert "Payments that need a person" in page.text
    assert course_booking.reference in page.text
    assert "£30 a place for the whole course" in page.text


def test_staff_cancelling_a_familys_course_booking_promote_the_next_household(centre, manager):
    course = course_of(centre, weeks=2, capacity=1)
    first, first_kids = household()
    booked = book(course, first, first_kids)
    second, second_kids = household()
    waiting = book(course, second, second_kids, join_waiting_list=True)
    # Past the family's own cutoff: only staff may cancel for them.
    next_session = course.sessions.order_by("start").first()
    next_session.cancellation_cutoff = timezone.now()
    next_session.save()
    with pytest.raises(BookingError):
        services.cancel_course_booking(course_booking_id=booked.pk, by=first)
    mail.outbox.clear()

    services.cancel_course_booking(course_booking_id=booked.pk, by=manager, on_behalf=True)

    waiting.refresh_from_db()
    assert waiting.status == S.CONFIRMED
    assert statuses(waiting) == [S.CONFIRMED, S.CONFIRMED]
    subjects = sorted(message.subject for message in mail.outbox)
    assert any(subject.startswith("Booking cancelled") for subject in subjects)
    assert any(subject.startswith("A place has come up") for subject in subjects)


def test_a_course_whose_sessions_are_all_cancelled_can_no_longer_be_booked(centre, manager):
    course = course_of(centre, weeks=2)
    parent, kids = household()
    course_booking = book(course, parent, kids)
    for session in course.sessions.all():
        services.cancel_session(session_id=session.pk, reason="Course withdrawn", by=manager)

    assert statuses(course_booking) == [S.CANCELLED, S.CANCELLED]
    other, other_kids = household()
    with pytest.raises(BookingError, match="cancelled by the centre"):
        book(course, other, other_kids)
    assert not CourseBooking.objects.filter(parent=other).exists()


# --- The centre cancels the rest of the course --------------------------------------------------


def test_cancelling_the_course_cancels_every_booking_and_tells_each_family_once(
    client, centre, manager, stripe_server, django_capture_on_commit_callbacks
):
    course = paid_course(centre, weeks=3, capacity=1)
    paid = book(course, *household())
    checkout.start_checkout(booking=paid)
    payment = Payment.objects.get(course_booking=paid)
    post_event(client, stripe_server.pay(payment.checkout_session_id))
    waiting = book(course, *household(), join_waiting_list=True)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        cancelled = services.cancel_course(
            course_id=course.pk, reason="The course leader has left", by=manager
        )

    assert len(cancelled) == 3
    assert all(session.is_cancelled for session in course.sessions.all())
    paid.refresh_from_db()
    waiting.refresh_from_db()
    assert paid.status == S.CANCELLED and waiting.status == S.CANCELLED
    assert statuses(paid) == [S.CANCELLED] * 3
    payment.refresh_from_db()
    assert payment.refund_status == Payment.RefundStatus.REFUNDED
    assert payment.refund_reason == "The centre cancelled the course."
    told = [m for m in mail.outbox if m.subject.startswith("Course cancelled")]
    assert sorted(m.to[0] for m in told) == sorted([paid.parent.email, waiting.parent.email])
    assert all("The course leader has left" in m.body for m in told)
    assert not [m for m in mail.outbox if m.subject.startswith("Session cancelled")]
    first = timezone.localtime(cancelled[0].start)
    to_paid = next(m for m in told if m.to == [paid.parent.email])
    assert (
        f"Baby massage at Northfield Centre has been cancelled: the 3 sessions from "
        f"{first:%A} {first.day} {first:%B %Y} will not go ahead." in " ".join(to_paid.body.split())
    )
    assert "refunding your payment for the course" in to_paid.body
    to_waiting = next(m for m in told if m.to == [waiting.parent.email])
    assert "refunding" not in to_waiting.body
    with pytest.raises(BookingError, match="cancelled by the centre"):
        book(course, *household())


def test_cancelling_a_course_needs_a_reason_and_is_refused_twice(centre, manager):
    course = course_of(centre, weeks=2)
    course_booking = book(course, *household())

    with pytest.raises(BookingError) as no_reason:
        services.cancel_course(course_id=course.pk, reason="  ", by=manager)
    assert no_reason.value.field == "reason"
    assert statuses(course_booking) == [S.CONFIRMED, S.CONFIRMED]
    assert not course.sessions.filter(status="cancelled").exists()

    services.cancel_course(course_id=course.pk, reason="Withdrawn", by=manager)
    with pytest.raises(BookingError, match="already cancelled"):
        services.cancel_course(course_id=course.pk, reason="Again", by=manager)


def test_a_manager_cancels_the_course_from_its_page(client, centre):
    course = course_of(centre, weeks=2)
    course_booking = book(course, *household())
    manager_user = staff(UserFactory())
    manager_user.groups.add(centre.manager_group)
    client.force_login(manager_user)
    url = reverse("bookings_session:cancel_course", args=[course.pk])

    assert url in client.get(reverse("bookings_session:course", args=[course.pk])).text
    page = client.get(url)
    assert "1 booked household" in page.text
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200
    assert "Say why the course is cancelled" in refused.text
    course_booking.refresh_from_db()
    assert course_booking.status == S.CONFIRMED

    done = client.post(url, {"reason": "Hall closed for repairs"})

    assert done.status_code == 302
    course_booking.refresh_from_db()
    assert course_booking.status == S.CANCELLED
    other_centre_manager = staff(UserFactory())
    client.force_login(other_centre_manager)
    assert client.get(url).status_code in (302, 403, 404)


def test_the_rest_of_a_course_cancelled_is_one_message_about_the_sessions_left(
    centre, manager, django_capture_on_commit_callbacks
):
    course = course_of(centre, weeks=3, capacity=2)
    course_booking = book(course, *household())
    first, second, third = course.sessions.order_by("start")
    services.cancel_session(session_id=first.pk, reason="Hall flooded", by=manager)
    mail.outbox.clear()

    cancelled = services.cancel_course(course_id=course.pk, reason="Leader unwell", by=manager)

    assert [session.pk for session in cancelled] == [second.pk, third.pk]
    [message] = mail.outbox
    assert message.to == [course_booking.parent.email]
    assert message.subject == "Course cancelled: Baby massage"
    body = " ".join(message.body.split())
    day = timezone.localtime(second.start)
    assert f"the 2 sessions from {day:%A} {day.day} {day:%B %Y} will not go ahead." in body
    assert "Why: Leader unwell" in body
    assert course_booking.reference in body
    assert "refund" not in body  # a free course: no money to give back


def test_a_family_that_speaks_polish_is_told_in_polish(centre, manager):
    course = course_of(centre, weeks=2)
    parent, kids = household()
    User.objects.filter(pk=parent.pk).update(language="pl")
    parent.refresh_from_db()
    book(course, parent, kids)
    mail.outbox.clear()

    services.cancel_course(course_id=course.pk, reason="Brak prowadzącego", by=manager)

    [message] = mail.outbox
    assert message.subject.startswith("Kurs odwołany")
    assert "2 spotkania" in message.body and "Brak prowadzącego" in message.body


@pytest.mark.usefixtures("texts_queued_at_once")
def test_a_family_that_chose_text_gets_a_text_about_the_course(notify_server, centre, manager):
    course = course_of(centre, weeks=3)
    parent, kids = household()
    User.objects.filter(pk=parent.pk).update(contact_by=User.ContactBy.TEXT)
    parent.refresh_from_db()
    MobilePhone.objects.create(user=parent, number="+447911123456", confirmed_at=timezone.now())
    course_booking = book(course, parent, kids)
    notify_server.log.clear()
    mail.outbox.clear()

    services.cancel_course(course_id=course.pk, reason="Leader unwell", by=manager)

    [text] = [entry["personalisation"]["body"] for entry in notify_server.texts]
    assert "Baby massage at Northfield Cent" in text  # names cut to fit one text
    assert "is cancelled, all 3 sessions from" in text
    assert f"/bookings/{course_booking.reference}/" in text
    assert len(text) <= 160
