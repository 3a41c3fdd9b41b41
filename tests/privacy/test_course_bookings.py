"""Course bookings under the family's rights and the retention schedule, as session bookings
are: in the data download (with what was given for children left with us), cancelled and
anonymised when the account is deleted, anonymised 24 months after the course's last session."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from bookings import checkout
from bookings import services as booking_services
from bookings.models import Booking, CourseBooking, DropOffDetails, Payment, StripeEvent
from privacy import retention
from privacy.selectors import deletion_summary, personal_data
from privacy.services import delete_account, remove_child_profile
from startwell.models import Child, User
from tests.accounts import confirm_password, sign_in
from tests.privacy.database_search import tables_holding
from tests.support.courses import course_of, household, paid_course
from tests.support.downloads import unzip
from tests.support.drop_off import GOOD
from tests.support.payments import post_event

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def named_household():
    parent, [child] = household()
    parent.first_name, parent.last_name = "Quillon", "Marchbanks"
    parent.save()
    child.first_name = "Zephyrine"
    child.save()
    return parent, child


def book(course, parent, child, **kwargs):
    return booking_services.book_course(
        parent=parent, course_id=course.pk, children=[child], **kwargs
    )


def a_course_that_ran(centre, parent, child, *, ended_ago) -> CourseBooking:
    """A course booked before it started, whose last session ended `ended_ago`."""
    course = course_of(centre, weeks=2, title="Past club", drop_off=True)
    course_booking = book(
        course, parent, child, drop_off={child.pk: GOOD}, access_notes="Step-free please"
    )
    last_end = timezone.now() - ended_ago
    for weeks_before, session in enumerate(reversed(course.sessions.order_by("start"))):
        end = last_end - datetime.timedelta(weeks=weeks_before)
        session.start, session.end = end - datetime.timedelta(hours=1), end
        session.save()
    return course_booking


# --- The download ------------------------------------------------------------------------------


def test_the_download_holds_the_course_bookings_with_what_was_given(client, centre):
    parent, child = named_household()
    course = course_of(centre, weeks=3, title="Holiday club week", drop_off=True)
    course_booking = book(course, parent, child, drop_off={child.pk: GOOD})
    sign_in(client, parent)

    response = client.post(reverse("privacy:download"))

    data, summary = unzip(response.content)
    [entry] = data["course_bookings"]
    starts = [s.start for s in course.sessions.order_by("start")]
    assert entry["reference"] == course_booking.reference
    assert entry["course"] == "Holiday club week" and entry["centre"] == centre.title
    assert entry["children"] == ["Zephyrine"] and entry["status"] == "Booked"
    assert entry["sessions"] == [timezone.localtime(start).isoformat() for start in starts]
    assert entry["confirmed_at"] and entry["cancelled_at"] is None
    assert entry["left_with_us"] == [
        {
            "child": "Zephyrine",
            "emergency_contact": "Sam Jones",
            "relationship": "Grandma",
            "phone": "+447911123456",
            "allergies_and_medical_notes": "Peanut allergy: EpiPen in the blue bag",
            "photos_allowed": False,
        }
    ]
    # Each session's place is in the bookings too, naming its course booking.
    assert {b["part_of_course_booking"] for b in data["bookings"]} == {course_booking.reference}
    assert "Your course bookings" in summary
    assert course_booking.reference in summary and "Sam Jones (Grandma)" in summary


def test_the_download_takes_the_same_queries_however_many_course_bookings(
    centre, django_assert_max_num_queries
):
    parent, child = named_household()
    book(course_of(centre, weeks=2, drop_off=True), parent, child, drop_off={child.pk: GOOD})
    with django_assert_max_num_queries(40) as one:
        personal_data(parent)
    for _ in range(3):
        book(course_of(centre, weeks=4, drop_off=True), parent, child, drop_off={child.pk: GOOD})
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(personal_data(parent)["course_bookings"]) == 4


# --- Deleting the account ----------------------------------------------------------------------


def test_deleting_the_account_cancels_upcoming_courses_and_anonymises_past_ones(
    client, centre, django_capture_on_commit_callbacks
):
    parent, child = named_household()
    upcoming_course = course_of(centre, weeks=3, capacity=1, title="Baby massage")
    upcoming = book(upcoming_course, parent, child)
    next_parent, [next_child] = household()
    next_in_line = book(upcoming_course, next_parent, next_child, join_waiting_list=True)
    past = a_course_that_ran(centre, parent, child, ended_ago=10 * DAY)
    past_places = list(Booking.objects.filter(course_booking=past))
    summary = deletion_summary(parent)
    assert summary.upcoming_to_cancel == 1  # one course booking, however many sessions
    sign_in(client, parent)
    confirm_password(client)
    assert set(tables_holding("Quillon", "Zephyrine", "Step-free please")) >= {
        "bookings_coursebooking"
    }

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/data/delete/", follow=True)

    assert not User.objects.filter(pk=parent.pk).exists()
    # The upcoming course is cancelled as a whole; the next household gets the place.
    upcoming.refresh_from_db()
    assert upcoming.status == CourseBooking.Status.CANCELLED
    assert not Booking.objects.filter(
        course_booking=upcoming, status__in=Booking.HOLDING_STATUSES
    ).exists()
    next_in_line.refresh_from_db()
    assert next_in_line.status == CourseBooking.Status.CONFIRMED
    # The past course booking stays, anonymous, counted as the same household as its places.
    past.refresh_from_db()
    assert past.parent is None and past.household and past.access_notes == ""
    assert {b.household for b in Booking.objects.filter(pk__in=[p.pk for p in past_places])} == {
        past.household
    }
    [stand_in] = past.children.all()
    assert stand_in.first_name == "" and stand_in.parent is None
    assert not DropOffDetails.objects.exists()
    assert tables_holding("Quillon", "Zephyrine", "Step-free please", "Sam Jones") == {}


def test_deleting_leaves_other_families_course_bookings_alone(centre):
    parent, child = named_household()
    other_parent, [other_child] = household()
    course = course_of(centre, weeks=2, drop_off=True)
    book(course, parent, child, drop_off={child.pk: GOOD})
    theirs = book(course, other_parent, other_child, drop_off={other_child.pk: GOOD})

    delete_account(user=parent)  # outside a request: runs its erasure on commit

    theirs.refresh_from_db()
    assert theirs.parent == other_parent and theirs.status == CourseBooking.Status.CONFIRMED
    assert DropOffDetails.objects.filter(course_booking=theirs).exists()


# --- The retention schedule --------------------------------------------------------------------


def test_course_bookings_lose_their_family_24_months_after_the_last_session(centre):
    parent, child = named_household()
    inside = a_course_that_ran(centre, parent, child, ended_ago=relativedelta(months=24, days=-1))
    past = a_course_that_ran(centre, parent, child, ended_ago=relativedelta(months=24, days=1))

    retention.anonymise_old_bookings(timezone.now())

    inside.refresh_from_db()
    assert inside.parent == parent and inside.access_notes == "Step-free please"
    assert list(inside.children.all()) == [child]
    past.refresh_from_db()
    assert past.parent is None and past.access_notes == "" and past.household
    assert past.children.get().first_name == ""
    # Its places on the sessions (all over 24 months ago) went with it, as one household.
    assert {b.household for b in Booking.objects.filter(course_booking=past)} == {past.household}
    assert Child.objects.get(pk=child.pk).parent == parent  # the profile itself stays


def test_a_grown_child_waiting_for_a_course_keeps_their_profile(centre, settings):
    settings.RETENTION_CHILD_PROFILE_AGE_YEARS = 2
    course = course_of(centre, weeks=2, capacity=1, min_age_months=0, max_age_months=72)
    first, [first_child] = household()
    book(course, first, first_child)
    parent, [child] = household(months_old=30)
    book(course, parent, child, join_waiting_list=True)

    retention.remove_grown_children(timezone.now())

    assert Child.objects.filter(pk=child.pk).exists()


def test_removing_a_childs_profile_keeps_their_course_bookings_with_a_stand_in(centre):
    parent, child = named_household()
    course_booking = book(course_of(centre, weeks=2), parent, child)

    remove_child_profile(child)

    [stand_in] = course_booking.children.all()
    assert stand_in.first_name == "" and stand_in.birth_year == child.birth_year


def test_a_paid_course_is_in_the_download_and_refunded_when_the_account_goes(
    client, centre, stripe_server, django_capture_on_commit_callbacks
):
    parent, child = named_household()
    course_booking = book(paid_course(centre, price_pence=3000, weeks=2), parent, child)
    checkout.start_checkout(booking=course_booking)
    payment = Payment.objects.get(course_booking=course_booking)
    post_event(client, stripe_server.pay(payment.checkout_session_id))

    [entry] = personal_data(parent)["course_bookings"]
    assert entry["status"] == "Booked"
    assert (entry["payment"]["amount"], entry["payment"]["status"]) == ("£30.00", "Paid")
    assert deletion_summary(parent).paid_to_refund == 1

    with django_capture_on_commit_callbacks(execute=True):
        delete_account(user=parent)

    payment.refresh_from_db()
    assert payment.refund_status == Payment.RefundStatus.REFUNDED
    # Stripe's notices about the family's checkout keep no trace of it.
    assert StripeEvent.objects.exists()
    assert all(event.payload == {} for event in StripeEvent.objects.all())
