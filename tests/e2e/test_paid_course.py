"""A parent books a paid course: one payment for the whole run on the (stand-in) Stripe page,
back to the course booking paid, every session booked; another family at a course that allows it
chooses to pay at the centre. Every page on the way passes axe."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bookings.models import Booking, CourseBooking, Payment
from tests.factories import ChildFactory, UserFactory
from tests.support.accessibility import assert_accessible
from tests.support.courses import paid_course


@pytest.fixture
def course(centre):
    first = (timezone.localtime() + datetime.timedelta(days=7)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    return paid_course(
        centre,
        price_pence=2400,
        allow_pay_at_centre=True,
        weeks=4,
        capacity=6,
        first_start=first,
        title="Parenting course",
    )


def test_a_parent_pays_once_for_the_whole_course_and_another_pays_at_the_centre(
    live_server, page, browser, course, online_payment, sign_in
):
    base = live_server.url
    amira = UserFactory(email="amira@example.org", first_name="Amira")
    ChildFactory(parent=amira, first_name="Ada")

    sign_in(page, amira)
    page.goto(f"{base}/courses/{course.pk}/book/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Book the course: Parenting course")
    expect(page.get_by_text("£24 a place for the whole course").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Ada")).check()
    page.get_by_role("button", name="Book", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Test payment page")
    expect(page.get_by_text("Amount: £24")).to_be_visible()
    held = CourseBooking.objects.get(parent=amira)
    assert held.status == CourseBooking.Status.PENDING_PAYMENT

    page.get_by_role("button", name="Pay").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Parenting course (course)")
    expect(page.get_by_text("you've paid and you're booked")).to_be_visible()
    expect(page.get_by_text("Paid £24")).to_be_visible()
    assert page.url == f"{base}/bookings/{held.reference}/"
    assert_accessible(page)
    held.refresh_from_db()
    assert held.status == CourseBooking.Status.CONFIRMED
    rows = Booking.objects.filter(course_booking=held)
    assert [row.status for row in rows] == [Booking.Status.CONFIRMED] * 4
    [payment] = Payment.objects.all()
    assert payment.course_booking == held and payment.amount_pence == 2400

    # Ben chooses to pay at the centre: no payment page.
    ben = UserFactory(email="ben@example.org", first_name="Ben")
    ChildFactory(parent=ben, first_name="Cleo")
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    ben_page = context.new_page()
    sign_in(ben_page, ben)
    ben_page.goto(f"{base}/courses/{course.pk}/book/")
    ben_page.get_by_label(re.compile(r"^Cleo")).check()
    ben_page.get_by_label("At the centre on the day").check()
    assert_accessible(ben_page)
    ben_page.get_by_role("button", name="Book", exact=True).click()

    expect(ben_page.get_by_text("Please pay £24 at the centre.")).to_be_visible()
    expect(ben_page.get_by_text(re.compile(r"To pay at the centre:\s*£24"))).to_be_visible()
    assert_accessible(ben_page)
    assert CourseBooking.objects.get(parent=ben).payment_due_at_centre
    assert len(online_payment.calls("POST", "/v1/checkout/sessions")) == 1
    context.close()
