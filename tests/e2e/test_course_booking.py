"""A parent books a five-week course for her baby from the timetable: one booking, one reference,
and all five sessions under My bookings; every page on the way passes axe."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bookings.models import Booking, CourseBooking
from tests.factories import ChildFactory, UserFactory
from tests.support.accessibility import assert_accessible
from tests.support.courses import course_of


@pytest.fixture
def course(centre):
    first = (timezone.localtime() + datetime.timedelta(days=7)).replace(
        hour=13, minute=30, second=0, microsecond=0
    )
    return course_of(centre, weeks=5, capacity=6, first_start=first, max_age_months=12)


def test_parent_books_a_course_and_sees_every_session_in_her_bookings(
    live_server, page, course, sign_in
):
    base = live_server.url
    parent = UserFactory(email="nadia@example.org", first_name="Nadia")
    today = timezone.localdate()
    baby_born = today - datetime.timedelta(days=100)
    ChildFactory(
        parent=parent, first_name="Leo", birth_month=baby_born.month, birth_year=baby_born.year
    )
    sign_in(page, parent)

    page.goto(base + "/sessions/")
    course_note = page.get_by_text("Part of a course: one booking for every session.")
    expect(course_note.first).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Book the course")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book the course: Baby massage")
    expect(page.get_by_text("All 5 sessions")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Ages are checked on the first session"))).to_be_visible()
    assert_accessible(page)

    page.get_by_label(re.compile(r"^Leo")).check()
    page.get_by_role("button", name="Book", exact=True).click()

    course_booking = CourseBooking.objects.get(parent=parent)
    expect(page.get_by_text(f"Your reference is {course_booking.reference}")).to_be_visible()
    assert_accessible(page)
    assert Booking.objects.filter(course_booking=course_booking).count() == 5

    page.goto(base + "/bookings/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My bookings")
    card = page.locator("article", has_text=course_booking.reference)
    expect(card.get_by_role("link", name="Baby massage (course)")).to_be_visible()
    dates = card.locator("ol.course-sessions li")
    expect(dates).to_have_count(5)
    for index, session in enumerate(course.sessions.order_by("start")):
        day = timezone.localtime(session.start)
        expect(dates.nth(index)).to_contain_text(f"{day:%A %-d %B %Y}, {day:%H:%M}")
    assert_accessible(page)
