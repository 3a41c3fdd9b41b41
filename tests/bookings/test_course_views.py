"""What families and managers see of courses: the course's booking form, one booking with all
its sessions in /bookings/, its calendar file, cancelling, and the managers' course pages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from bookings import services
from bookings.models import Booking, Course, CourseBooking, Session
from startwell import pagecache
from tests.factories import ActivityPageFactory, UserFactory, VenueFactory
from tests.support.courses import course_form_data, course_of, household

pytestmark = pytest.mark.django_db


def book_url(course):
    return reverse("bookings:book_course", args=[course.pk])


@pytest.fixture
def family(client):
    parent, kids = household(2)
    client.force_login(parent)
    return parent, kids


def test_the_course_form_lists_every_session_and_says_when_ages_are_checked(client, family, centre):
    course = course_of(centre, weeks=5)
    first = course.sessions.order_by("start").first()

    page = client.get(book_url(course)).text

    assert "Book the course: Baby massage" in page
    assert "All 5 sessions" in page
    assert page.count("<li>", page.index("course-sessions")) >= 5
    day = timezone.localtime(first.start)
    assert f"Ages are checked on the first session, {day:%A %-d %B}." in page


def test_a_sessions_booking_page_leads_to_its_course(client, family, centre):
    course = course_of(centre)
    session = course.sessions.first()
    response = client.get(reverse("bookings:book", args=[session.pk]))
    assert response.status_code == 302
    assert response["Location"] == book_url(course)


def test_booking_the_course_from_the_form(client, family, centre):
    parent, kids = family
    course = course_of(centre, weeks=3)

    response = client.post(book_url(course), {"children": [kids[0].pk]}, follow=True)

    course_booking = CourseBooking.objects.get(parent=parent)
    assert f"booked on the course. Your reference is {course_booking}." in response.text
    assert "All 3 sessions" in response.text
    assert Booking.objects.filter(course_booking=course_booking).count() == 3


def test_a_refused_child_is_marked_and_nothing_is_written(client, family, centre):
    parent, kids = family
    course = course_of(centre, min_age_months=0, max_age_months=12)

    response = client.post(book_url(course), {"children": [kids[0].pk]})

    assert response.status_code == 400
    assert "is for children aged" in response.text
    assert 'aria-invalid="true"' in response.text
    assert not CourseBooking.objects.exists() and not Booking.objects.exists()


def test_a_started_course_says_so_and_refuses_a_post(client, family, centre):
    parent, kids = family
    course = course_of(centre, first_start=timezone.now() - datetime.timedelta(hours=1))

    page = client.get(book_url(course)).text
    assert "This course has already started" in page
    response = client.post(book_url(course), {"children": [kids[0].pk]})
    assert response.status_code == 400
    assert not CourseBooking.objects.exists()


def test_a_full_course_offers_its_waiting_list(client, family, centre):
    parent, kids = family
    course = course_of(centre, capacity=1)
    other, other_kids = household()
    services.book_course(parent=other, course_id=course.pk, children=other_kids)

    page = client.get(book_url(course)).text
    assert "Join the waiting list" in page
    client.post(book_url(course), {"children": [kids[0].pk], "join_waiting_list": "1"})
    assert CourseBooking.objects.get(parent=parent).status == CourseBooking.Status.WAITING


def test_an_unknown_or_unpublished_course_answers_404(client, family, centre):
    assert client.get(reverse("bookings:book_course", args=[999])).status_code == 404
    course = course_of(centre)
    course.activity.unpublish()
    assert client.get(book_url(course)).status_code == 404


def test_my_bookings_show_a_course_booking_with_all_its_sessions_in_fixed_queries(
    client, family, centre
):
    parent, kids = family

    def listing():
        # The list as built, not as kept for the family between changes.
        pagecache.invalidate()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("bookings:booking_list"))
        return response.text, len(captured)

    course = course_of(centre, weeks=4)
    course_booking = services.book_course(parent=parent, course_id=course.pk, children=kids)
    listing()  # the first page keeps the person's header facts, which later pages read again
    page, one = listing()
    assert "Baby massage (course)" in page
    assert course_booking.reference in page
    assert "All 4 sessions" in page
    for session in course.sessions.all():
        assert f"{timezone.localtime(session.start):%A %-d %B %Y}" in page
    # The course's sessions are not listed again one by one.
    for row in Booking.objects.filter(course_booking=course_booking):
        assert row.reference not in page

    for n in range(3):
        more = course_of(centre, weeks=3, title=f"Course {n}")
        services.book_course(parent=parent, course_id=more.pk, children=kids)
    _, many = listing()
    assert many == one


def test_the_course_booking_page_and_its_calendar_hold_every_session(client, family, centre):
    parent, kids = family
    course = course_of(centre, weeks=3)
    course_booking = services.book_course(parent=parent, course_id=course.pk, children=kids)

    page = client.get(reverse("bookings:booking_detail", args=[course_booking.reference])).text
    assert "One booking for the whole course" in page
    ics = client.get(reverse("bookings:booking_calendar", args=[course_booking.reference]))
    events = Calendar.from_ical(ics.content).walk("VEVENT")
    assert len(events) == 3
    assert {event.decoded("dtstart") for event in events} == set(
        course.sessions.values_list("start", flat=True)
    )


def test_a_sessions_reference_leads_to_its_course_booking(client, family, centre):
    parent, kids = family
    course = course_of(centre)
    course_booking = services.book_course(parent=parent, course_id=course.pk, children=kids)
    row = Booking.objects.filter(course_booking=course_booking).first()
    page = client.get(reverse("bookings:booking_detail", args=[row.reference])).text
    assert course_booking.reference in page and "One booking for the whole course" in page


def test_another_familys_course_booking_answers_404(client, family, centre):
    course = course_of(centre)
    other, other_kids = household()
    theirs = services.book_course(parent=other, course_id=course.pk, children=other_kids)
    for name in ("booking_detail", "cancel_booking", "booking_calendar"):
        assert client.get(reverse(f"bookings:{name}", args=[theirs.reference])).status_code == 404
    assert client.post(reverse("bookings:cancel_booking", args=[theirs.reference])).status_code == (
        404
    )
    theirs.refresh_from_db()
    assert theirs.status == CourseBooking.Status.CONFIRMED


def test_cancelling_a_course_booking(client, family, centre):
    parent, kids = family
    course = course_of(centre)
    course_booking = services.book_course(parent=parent, course_id=course.pk, children=kids)
    url = reverse("bookings:cancel_booking", args=[course_booking.reference])

    assert "Cancel this course booking?" in client.get(url).text
    response = client.post(url, follow=True)

    assert "Your course booking is cancelled." in response.text
    course_booking.refresh_from_db()
    assert course_booking.status == CourseBooking.Status.CANCELLED
    assert not Booking.objects.filter(course_booking=course_booking, status="confirmed").exists()


# --- Managers -------------------------------------------------------------------------------


def test_a_manager_adds_a_course_skipping_holidays(manager_client, centre):
    from tests.factories import HolidayPeriodFactory

    HolidayPeriodFactory(
        name="February half term",
        start_date=datetime.date(2027, 2, 15),
        end_date=datetime.date(2027, 2, 19),
    )
    activity = ActivityPageFactory(parent=centre, title="Baby massage", is_course=True)
    venue = VenueFactory(centre=centre)
    url = reverse("bookings_session:add_course")

    preview = manager_client.post(url, course_form_data(activity, venue, preview="1"))
    assert "5 sessions to create" in preview.text
    assert "School holiday: February half term" in preview.text
    assert not Course.objects.exists()

    response = manager_client.post(
        url, course_form_data(activity, venue, create="1", allow_late_joiners="on")
    )

    course = Course.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("bookings_session:course", args=[course.pk])
    assert course.capacity == 8 and course.allow_late_joiners
    assert course.sessions.count() == 5
    assert all(session.capacity == 8 for session in course.sessions.all())


def test_only_course_activities_can_have_a_course_and_not_a_plain_series(manager_client, centre):
    plain = ActivityPageFactory(parent=centre, title="Stay and play")
    course_activity = ActivityPageFactory(parent=centre, title="Baby massage", is_course=True)
    venue = VenueFactory(centre=centre)

    response = manager_client.post(
        reverse("bookings_session:add_course"), course_form_data(plain, venue, create="1")
    )
    assert response.status_code == 200
    assert not Course.objects.exists()
    response = manager_client.post(
        reverse("bookings_session:series"), course_form_data(course_activity, venue, create="1")
    )
    assert "use “Add a course”" in response.text
    assert not Session.objects.exists()


def test_the_course_page_shows_attendance_across_the_run(manager_client, centre, other_centre):
    course = course_of(centre, weeks=3)
    parent, kids = household()
    parent.first_name, parent.last_name = "Priya", "Patel"
    parent.save()
    course_booking = services.book_course(parent=parent, course_id=course.pk, children=kids)
    first = course.sessions.order_by("start").first()
    Booking.objects.filter(course_booking=course_booking, session=first).update(
        attendance="attended"
    )

    register = manager_client.get(reverse("bookings_session:inspect", args=[first.pk])).text
    assert reverse("bookings_session:course", args=[course.pk]) in register
    assert "Priya Patel" in register  # course bookings are on each session's register
    page = manager_client.get(reverse("bookings_session:course", args=[course.pk])).text

    assert "Priya Patel" in page
    assert "1 / 3" in page
    theirs = course_of(other_centre)
    response = manager_client.get(reverse("bookings_session:course", args=[theirs.pk]))
    assert response.status_code == 404


def test_a_hosts_register_shows_course_bookings_without_a_single_session_cancel(client, centre):
    from tests.factories.champions import ChampionFactory, HostingFactory

    course = course_of(centre, weeks=2)
    champion = ChampionFactory(centre=centre, user=UserFactory(first_name="Chris"))
    HostingFactory(champion=champion, activity=course.activity)
    parent, kids = household()
    parent.first_name, parent.last_name = "Priya", "Patel"
    parent.save()
    services.book_course(parent=parent, course_id=course.pk, children=kids)
    client.force_login(champion.user)

    for session in course.sessions.all():
        page = client.get(reverse("parent_champions:register", args=[session.pk])).text
        assert "Priya P." in page
        assert "Booked the whole course" in page
        assert "Cancel for the family" not in page
