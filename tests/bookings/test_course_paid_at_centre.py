"""A course's price paid at the centre: staff record it once for the whole run, from the
course's page in the admin or from any of its sessions' registers; the same refusals as a
session's payment at the centre, and nothing is written when refused."""

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings import register, services
from bookings.errors import BookingError
from bookings.models import Booking, CourseBooking, Payment, SessionLogEntry
from parent_champions.errors import ChampionError
from parent_champions.services.registers import run_register_action
from tests.accounts import staff
from tests.factories import ChampionFactory, HostingFactory, UserFactory
from tests.support.bookings import book
from tests.support.courses import household, paid_course
from tests.support.registers import logged

pytestmark = pytest.mark.django_db


def due_at_centre(centre, **course_fields):
    """A confirmed course booking whose £30 is to be paid at the centre (no online payment)."""
    course = paid_course(centre, price_pence=3000, **course_fields)
    parent, kids = household()
    course_booking = services.book_course(parent=parent, course_id=course.pk, children=kids)
    assert course_booking.status == CourseBooking.Status.CONFIRMED
    assert course_booking.payment_due_at_centre
    return course_booking


def first_session_row(course_booking) -> Booking:
    return Booking.objects.filter(course_booking=course_booking).order_by("session__start").first()


def assert_nothing_written(course_booking, paid_at=None):
    course_booking.refresh_from_db()
    assert course_booking.paid_at_centre_at == paid_at
    assert not SessionLogEntry.objects.filter(action="startwell.register.paid_at_centre").exists()


# --- The rule ------------------------------------------------------------------------------------


def test_the_course_price_is_recorded_once_as_a_centre_payment(centre):
    course_booking = due_at_centre(centre)
    staff = UserFactory()

    register.record_course_payment_at_centre(course_booking_id=course_booking.pk, by=staff)

    course_booking.refresh_from_db()
    assert course_booking.paid_at_centre_at and not course_booking.payment_due_at_centre
    payment = Payment.objects.get(course_booking=course_booking)
    assert payment.method == Payment.Method.CENTRE
    assert payment.status == Payment.Status.PAID
    assert payment.amount_pence == 3000
    assert payment.recorded_by == staff and payment.booking is None
    # The sessions' own bookings carry no price: nothing to pay on them.
    assert not Payment.objects.filter(booking__course_booking=course_booking).exists()


def test_paying_twice_is_refused(centre):
    course_booking = due_at_centre(centre)
    register.record_course_payment_at_centre(course_booking_id=course_booking.pk, by=None)
    course_booking.refresh_from_db()
    paid_at = course_booking.paid_at_centre_at

    with pytest.raises(BookingError, match="already marked as paid"):
        register.record_course_payment_at_centre(course_booking_id=course_booking.pk, by=None)

    course_booking.refresh_from_db()
    assert course_booking.paid_at_centre_at == paid_at
    assert Payment.objects.filter(course_booking=course_booking).count() == 1


def test_a_course_paid_online_is_refused(centre):
    course_booking = due_at_centre(centre)
    Payment.objects.create(
        course_booking=course_booking,
        method=Payment.Method.ONLINE,
        amount_pence=3000,
        status=Payment.Status.PAID,
        paid_at=timezone.now(),
    )

    with pytest.raises(BookingError, match="paid online"):
        register.record_course_payment_at_centre(course_booking_id=course_booking.pk, by=None)

    assert_nothing_written(course_booking)
    assert Payment.objects.get(course_booking=course_booking).method == Payment.Method.ONLINE


def test_a_cancelled_course_booking_is_refused(centre):
    course_booking = due_at_centre(centre)
    services.cancel_course_booking(course_booking_id=course_booking.pk, by=course_booking.parent)

    with pytest.raises(BookingError, match="Only a confirmed course booking"):
        register.record_course_payment_at_centre(course_booking_id=course_booking.pk, by=None)

    assert_nothing_written(course_booking)
    assert not Payment.objects.filter(course_booking=course_booking).exists()


def test_a_funded_place_has_nothing_to_pay(centre):
    course = paid_course(centre, funded_places=1)
    parent, kids = household()
    funded = services.book_course(
        parent=parent, course_id=course.pk, children=kids, funded_place=True
    )

    with pytest.raises(BookingError, match="nothing to pay"):
        register.record_course_payment_at_centre(course_booking_id=funded.pk, by=None)

    assert_nothing_written(funded)
    assert not Payment.objects.exists()


# --- The course's page in the admin --------------------------------------------------------------


def course_url(course):
    return reverse("bookings_session:course", args=[course.pk])


def paid_url(course_booking):
    return reverse(
        "bookings_session:course_paid_at_centre",
        args=[course_booking.course_id, course_booking.pk],
    )


def test_a_manager_records_the_payment_from_the_course_page(manager_client, centre):
    course_booking = due_at_centre(centre)
    page = manager_client.get(course_url(course_booking.course)).content.decode()
    assert "£30 due at the centre" in page
    assert paid_url(course_booking) in page

    response = manager_client.post(paid_url(course_booking), follow=True)

    assert response.redirect_chain[-1][0] == course_url(course_booking.course)
    page = response.content.decode()
    assert f"Course booking {course_booking.reference} is marked as paid." in page
    assert "£30 paid at the centre" in page and paid_url(course_booking) not in page
    course_booking.refresh_from_db()
    assert course_booking.paid_at_centre_at
    assert Payment.objects.get(course_booking=course_booking).amount_pence == 3000
    first = first_session_row(course_booking).session
    assert [detail for _, detail in logged(first, "paid_at_centre")] == [
        f"Course booking {course_booking.reference}, from the course's page"
    ]


def test_the_course_page_refuses_a_second_payment_with_a_message(manager_client, centre):
    course_booking = due_at_centre(centre)
    manager_client.post(paid_url(course_booking))

    response = manager_client.post(paid_url(course_booking), follow=True)

    assert "already marked as paid at the centre" in response.content.decode()
    assert Payment.objects.filter(course_booking=course_booking).count() == 1
    assert SessionLogEntry.objects.filter(action="startwell.register.paid_at_centre").count() == 1


def test_another_centres_manager_cannot_record_it(client, other_centre, centre):
    course_booking = due_at_centre(centre)
    outsider = staff(UserFactory())
    outsider.groups.add(other_centre.manager_group)
    client.force_login(outsider)

    response = client.post(paid_url(course_booking))

    assert response.status_code == 404
    assert_nothing_written(course_booking)


def test_the_course_page_only_takes_a_post(manager_client, centre):
    course_booking = due_at_centre(centre)
    assert manager_client.get(paid_url(course_booking)).status_code == 405
    assert_nothing_written(course_booking)


# --- A session's register ---------------------------------------------------------------------


@pytest.fixture
def hosted(centre):
    """A course booking with £30 due, and a champion hosting the course's activity."""
    course_booking = due_at_centre(centre, delivered_by="champions")
    champion = ChampionFactory(centre=centre)
    HostingFactory(champion=champion, activity=course_booking.course.activity)
    return course_booking, champion


def test_the_register_records_the_course_payment_once(hosted):
    course_booking, champion = hosted
    row = first_session_row(course_booking)

    done = run_register_action(
        user=champion.user, session=row.session, booking_id=row.pk, action="course-paid"
    )

    assert "paid at the centre for the whole course" in done
    course_booking.refresh_from_db()
    assert course_booking.paid_at_centre_at
    assert Payment.objects.get(course_booking=course_booking).amount_pence == 3000
    assert logged(row.session, "paid_at_centre") == [(champion.user.pk, f"Booking {row.reference}")]
    # From another session of the run, it is already paid.
    later = Booking.objects.filter(course_booking=course_booking).exclude(pk=row.pk).first()
    with pytest.raises(BookingError, match="already marked as paid"):
        run_register_action(
            user=champion.user, session=later.session, booking_id=later.pk, action="course-paid"
        )
    assert Payment.objects.filter(course_booking=course_booking).count() == 1
    assert logged(later.session, "paid_at_centre") == []


def test_the_register_refuses_a_session_booked_on_its_own(hosted):
    course_booking, champion = hosted
    session = first_session_row(course_booking).session
    on_its_own = book(session, first_name="Sam")

    with pytest.raises(ChampionError, match="not as part of a course"):
        run_register_action(
            user=champion.user, session=session, booking_id=on_its_own.pk, action="course-paid"
        )

    assert not Payment.objects.exists() and not SessionLogEntry.objects.exists()


def test_the_register_page_shows_what_is_due_then_paid(client, hosted):
    course_booking, champion = hosted
    row = first_session_row(course_booking)
    client.force_login(champion.user)
    register_url = reverse("parent_champions:register", args=[row.session.pk])
    action_url = reverse(
        "parent_champions:booking_action", args=[row.session.pk, row.pk, "course-paid"]
    )
    page = client.get(register_url).content.decode()
    assert "Course: £30 due at the centre" in page
    assert action_url in page

    response = client.post(action_url, follow=True)

    page = response.content.decode()
    assert "is marked as paid at the centre for the whole course" in page
    assert "Course: paid at the centre" in page
    assert "Course: £30 due at the centre" not in page and action_url not in page
    course_booking.refresh_from_db()
    assert course_booking.paid_at_centre_at
