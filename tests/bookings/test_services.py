"""The booking rules, proven against a real database through the services."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from bookings import services
from bookings.errors import BookingError
from bookings.models import Booking
from tests.factories import (
    ActivityPageFactory,
    BookingFactory,
    ChildFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def commit_hooks(django_capture_on_commit_callbacks):
    """E-mails are queued when a transaction commits; run those hooks as they are registered so
    the tests see what a family would receive."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        yield callbacks


@pytest.fixture
def activity(centre):
    return ActivityPageFactory(parent=centre, title="Stay and play", max_age_months=60)


@pytest.fixture
def session(activity):
    return SessionFactory(activity=activity, capacity=3, max_places_per_booking=2)


def household(children=1):
    parent = UserFactory()
    kids = [ChildFactory(parent=parent) for _ in range(children)]
    return parent, kids


def test_booking_is_confirmed_when_places_remain(session):
    parent, kids = household(2)
    booking = services.book_session(parent=parent, session_id=session.pk, children=kids)
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.places == 2
    assert set(booking.children.all()) == set(kids)
    assert session.centre_id == session.activity.get_parent().pk
    assert len(booking.reference) == 8
    assert [m.subject for m in mail.outbox] == ["You're booked: Stay and play"]
    assert mail.outbox[0].attachments[0][0].endswith(".ics")


def test_full_session_refuses_or_waitlists_the_household(session):
    first, first_kids = household(2)
    services.book_session(parent=first, session_id=session.pk, children=first_kids)
    second, second_kids = household(2)
    with pytest.raises(BookingError, match="only 1 place left"):
        services.book_session(parent=second, session_id=session.pk, children=second_kids)
    assert not Booking.objects.filter(parent=second).exists()
    waiting = services.book_session(
        parent=second, session_id=session.pk, children=second_kids, join_waiting_list=True
    )
    assert waiting.status == Booking.Status.WAITING


def test_cancelling_promotes_the_first_waiting_household_that_fits(session):
    first, first_kids = household(2)
    booking = services.book_session(parent=first, session_id=session.pk, children=first_kids)
    third, third_kids = household(1)
    services.book_session(parent=third, session_id=session.pk, children=third_kids)
    big, big_kids = household(2)
    small, small_kids = household(1)
    services.book_session(
        parent=big, session_id=session.pk, children=big_kids, join_waiting_list=True
    )
    services.book_session(
        parent=small, session_id=session.pk, children=small_kids, join_waiting_list=True
    )
    mail.outbox.clear()
    services.cancel_booking(booking_id=booking.pk, by=first)
    statuses = dict(Booking.objects.values_list("parent__email", "status"))
    assert statuses[big.email] == Booking.Status.CONFIRMED
    assert statuses[small.email] == Booking.Status.WAITING
    assert {m.to[0] for m in mail.outbox} == {first.email, big.email}


def test_child_outside_age_range_is_named_with_age_on_the_day(centre):
    activity = ActivityPageFactory(parent=centre, title="Baby massage", max_age_months=12)
    session = SessionFactory(activity=activity)
    parent = UserFactory()
    today = timezone.localdate()
    child = ChildFactory(
        parent=parent, first_name="Ada", birth_year=today.year - 2, birth_month=today.month
    )
    with pytest.raises(BookingError) as refused:
        services.book_session(parent=parent, session_id=session.pk, children=[child])
    assert "Baby massage is for children aged up to 12 months; Ada will be" in refused.value.message
    assert not Booking.objects.exists()


def test_unverified_parent_is_asked_to_verify(session):
    parent = UserFactory(verified=False)
    child = ChildFactory(parent=parent)
    with pytest.raises(BookingError, match="confirm your e-mail"):
        services.book_session(parent=parent, session_id=session.pk, children=[child])


def test_cannot_cancel_after_cutoff(session):
    parent, kids = household(1)
    booking = services.book_session(parent=parent, session_id=session.pk, children=kids)
    session.cancellation_cutoff = timezone.now() - datetime.timedelta(minutes=1)
    session.save()
    with pytest.raises(BookingError, match="too late"):
        services.cancel_booking(booking_id=booking.pk, by=parent)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_centre_cancelling_a_session_tells_everyone(session):
    parent, kids = household(1)
    services.book_session(parent=parent, session_id=session.pk, children=kids)
    mail.outbox.clear()
    services.cancel_session(session_id=session.pk, reason="Heating broken", by=UserFactory())
    assert Booking.objects.get().status == Booking.Status.CANCELLED
    assert "Heating broken" in mail.outbox[0].body


def test_a_full_session_refuses_at_once_and_a_lapsed_hold_is_still_a_free_place(session):
    """A full session's refusal is given before queueing for the session's lock; places held
    for a payment that never came still count as free, as the locked path releases them."""
    first, first_kids = household(2)
    services.book_session(parent=first, session_id=session.pk, children=first_kids)
    held, held_kids = household(1)
    hold = BookingFactory(
        session=session,
        parent=held,
        places=1,
        status=Booking.Status.PENDING_PAYMENT,
        hold_expires_at=timezone.now() + datetime.timedelta(minutes=10),
    )
    late, late_kids = household(1)
    with pytest.raises(BookingError, match="this session is full"):
        services.book_session(parent=late, session_id=session.pk, children=late_kids)

    Booking.objects.filter(pk=hold.pk).update(
        hold_expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    booking = services.book_session(parent=late, session_id=session.pk, children=late_kids)
    assert booking.status == Booking.Status.CONFIRMED
    hold.refresh_from_db()
    assert hold.status != Booking.Status.PENDING_PAYMENT


def test_e_mails_are_plain_text_without_html_escaping(centre):
    activity = ActivityPageFactory(parent=centre, title="St Mary's stay & play")
    session = SessionFactory(activity=activity)
    parent, kids = household()
    parent.first_name = "Siobhán O'Neill"
    parent.save()

    services.book_session(parent=parent, session_id=session.pk, children=kids)

    [message] = mail.outbox
    assert "Hello Siobhán O'Neill," in message.body
    assert "St Mary's stay & play" in message.body
    assert "&#x27;" not in message.body and "&amp;" not in message.body
