"""Drop-off courses: booking a course whose children are left with us asks each child's emergency
contact, notes and photo consent once, refuses without an emergency contact, shows the details
on the register of every session of the run (each look logged), and keeps them until 30 days
after the course's last session."""

import datetime
import html

import pytest
from django.urls import reverse

from bookings import audit, services
from bookings.errors import BookingError
from bookings.models import Booking, CourseBooking, DropOffDetails, SessionLogEntry
from bookings.registers import register_for
from privacy import retention
from tests.factories import ChampionFactory, HostingFactory
from tests.support.courses import course_of, household
from tests.support.drop_off import GOOD

pytestmark = pytest.mark.django_db


@pytest.fixture
def club(centre):
    return course_of(
        centre, weeks=3, title="Holiday club week", drop_off=True, delivered_by="champions"
    )


def book(course, parent, kids, **kwargs):
    return services.book_course(parent=parent, course_id=course.pk, children=kids, **kwargs)


def test_the_details_are_kept_once_with_the_course_booking(club):
    parent, [child] = household()

    course_booking = book(club, parent, [child], drop_off={child.pk: GOOD})

    [details] = DropOffDetails.objects.all()
    assert (details.course_booking, details.booking, details.child) == (course_booking, None, child)
    assert details.emergency_phone == "+447911123456" and details.photo_consent is False
    assert Booking.objects.filter(course_booking=course_booking).count() == 3


def test_a_course_booking_without_an_emergency_contact_is_refused_and_nothing_written(club):
    parent, [child] = household()
    missing = {child.pk: GOOD.__class__(**{**GOOD.__dict__, "emergency_name": ""})}

    for given in (None, missing):
        with pytest.raises(BookingError) as refused:
            book(club, parent, [child], drop_off=given)
        assert refused.value.field == f"drop_off_{child.pk}_emergency_name"
        assert "Give the name of someone we can call" in refused.value.message

    assert not CourseBooking.objects.exists()
    assert not Booking.objects.exists()
    assert not DropOffDetails.objects.exists()


def test_the_waiting_list_keeps_them_for_when_a_place_comes(club):
    club.capacity = 1
    club.save()
    first, [first_child] = household()
    book(club, first, [first_child], drop_off={first_child.pk: GOOD})
    parent, [child] = household()

    waiting = book(club, parent, [child], join_waiting_list=True, drop_off={child.pk: GOOD})

    assert waiting.status == CourseBooking.Status.WAITING
    assert DropOffDetails.objects.filter(course_booking=waiting).count() == 1


def test_the_course_booking_page_asks_and_refuses_then_books(client, club):
    parent, [child] = household()
    client.force_login(parent)
    url = reverse("bookings:book_course", args=[club.pk])
    prefix = f"drop_off_{child.pk}_"

    page = html.unescape(client.get(url).content.decode())
    assert "Emergency contact for" in page
    assert "we delete it 30 days after the course's last session" in page

    refused = client.post(url, {"children": [child.pk], prefix + "photo_consent": "yes"})
    assert refused.status_code == 400
    assert "Give the name of someone we can call in an emergency" in refused.content.decode()
    assert not CourseBooking.objects.exists()

    booked = client.post(
        url,
        {
            "children": [child.pk],
            prefix + "emergency_name": "Sam Jones",
            prefix + "emergency_relationship": "Grandma",
            prefix + "emergency_phone": "07911 123456",
            prefix + "medical_notes": "Peanut allergy",
            prefix + "photo_consent": "no",
        },
    )
    assert booked.status_code == 302
    assert DropOffDetails.objects.get().course_booking == CourseBooking.objects.get()


def test_every_session_of_the_run_shows_them_to_its_host_and_logs_each_look(client, centre, club):
    parent, [child] = household()
    book(club, parent, [child], drop_off={child.pk: GOOD})
    champion = ChampionFactory(centre=centre)
    HostingFactory(champion=champion, activity=club.activity)
    client.force_login(champion.user)

    for session in club.sessions.all():
        [row] = register_for(session).confirmed
        assert [details.emergency_name for details in row.drop_off] == ["Sam Jones"]
        page = client.get(reverse("parent_champions:register", args=[session.pk]))
        assert page.status_code == 200
        assert "Sam Jones (Grandma)" in page.content.decode()
        assert SessionLogEntry.objects.filter(
            action=audit.DROP_OFF_VIEWED, user=champion.user, session=session
        ).exists()


def test_someone_who_does_not_run_the_session_sees_nothing(client, other_centre, club):
    parent, [child] = household()
    book(club, parent, [child], drop_off={child.pk: GOOD})
    outsider = ChampionFactory(centre=other_centre)
    client.force_login(outsider.user)

    page = client.get(reverse("parent_champions:register", args=[club.sessions.first().pk]))

    assert page.status_code == 404 and "Sam Jones" not in page.content.decode()


def test_they_are_kept_until_30_days_after_the_courses_last_session(club):
    parent, [child] = household()
    book(club, parent, [child], drop_off={child.pk: GOOD})
    first, *_, last = club.sessions.order_by("start")
    days_30 = datetime.timedelta(days=30)

    # Long after the first session, but the course is still running.
    assert retention.delete_old_drop_off_details(first.end + days_30 + datetime.timedelta(1)) == 0
    assert retention.delete_old_drop_off_details(last.end + days_30 - datetime.timedelta(1)) == 0
    assert DropOffDetails.objects.count() == 1

    assert retention.delete_old_drop_off_details(last.end + days_30 + datetime.timedelta(1)) == 1
    assert not DropOffDetails.objects.exists()
    assert CourseBooking.objects.count() == 1  # the booking stays for the figures
