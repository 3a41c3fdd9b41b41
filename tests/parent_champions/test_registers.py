"""Running a register: the table of register actions, walk-ins and messages, each in the
sessions' audit trail; refusals change and log nothing."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from bookings.errors import BookingError
from bookings.models import Attendance, Booking, SessionLogEntry, WalkIn
from bookings.selectors import places_taken
from bookings.services import book_session
from parent_champions.errors import ChampionError
from parent_champions.models import Champion
from parent_champions.services import registers
from tests.factories import (
    ActivityPageFactory,
    ChildFactory,
    SessionFactory,
    UserFactory,
)
from tests.support.bookings import book
from tests.support.registers import act, logged
from tests.support.times import starting_later_today

pytestmark = pytest.mark.django_db


# --- Running a register -------------------------------------------------------------------------


def test_checking_in_records_attendance_and_logs_it(champion, session_today):
    booking = book(session_today)
    act("check-in", user=champion.user, session=session_today, booking_id=booking.pk)
    booking.refresh_from_db()
    assert booking.attendance == Attendance.ATTENDED
    assert logged(session_today, "checked_in") == [
        (champion.user.pk, f"Booking {booking.reference}")
    ]


def test_attendance_before_the_session_day_is_refused(champion, session_tomorrow):
    booking = book(session_tomorrow)
    with pytest.raises(BookingError, match="from the day of the session"):
        act("check-in", user=champion.user, session=session_tomorrow, booking_id=booking.pk)
    booking.refresh_from_db()
    assert booking.attendance == ""
    assert not SessionLogEntry.objects.exists()


def test_no_show_only_after_the_start(champion, activity, session_today):
    later = SessionFactory(
        activity=activity,
        start=timezone.now() + datetime.timedelta(minutes=1),
        capacity=4,
    )
    if timezone.localtime(later.start).date() != timezone.localdate():
        pytest.skip("Too close to midnight to have a session later today.")
    waiting_for_start = book(later)
    with pytest.raises(BookingError, match="once the session has started"):
        act("no-show", user=champion.user, session=later, booking_id=waiting_for_start.pk)
    # Check-in is fine before the start on the day.
    act("check-in", user=champion.user, session=later, booking_id=waiting_for_start.pk)
    started = book(session_today)
    act("no-show", user=champion.user, session=session_today, booking_id=started.pk)
    started.refresh_from_db()
    assert started.attendance == Attendance.NO_SHOW


def test_suspended_or_lapsed_champions_cannot_act(champion, session_today):
    booking = book(session_today)
    champion.dbs_checked_on = timezone.localdate() - datetime.timedelta(days=4 * 365)
    champion.save()
    with pytest.raises(ChampionError, match="not current"):
        act("check-in", user=champion.user, session=session_today, booking_id=booking.pk)
    with pytest.raises(ChampionError, match="not current"):
        registers.open_register(user=champion.user, session=session_today)
    champion.dbs_checked_on = timezone.localdate()
    champion.status = Champion.Status.SUSPENDED
    champion.save()
    with pytest.raises(ChampionError, match="suspended"):
        registers.add_walk_in(
            user=champion.user, session=session_today, label="Amira", children=1, adults=1
        )
    booking.refresh_from_db()
    assert booking.attendance == ""
    assert not WalkIn.objects.exists()
    assert not SessionLogEntry.objects.exists()


def test_lapsed_checks_still_allow_adult_sessions(centre, champion):
    champion.training_completed_on = None
    champion.save()
    adults = ActivityPageFactory(parent=centre, adults_only=True, max_age_months=None)
    session = SessionFactory(activity=adults, start=timezone.now() - datetime.timedelta(minutes=1))
    registers.open_register(user=champion.user, session=session)


def test_walk_ins_count_against_capacity(champion, session_today):
    book(session_today, children=2)
    walk_in = registers.add_walk_in(
        user=champion.user, session=session_today, label=" Amira ", children=1, adults=1
    )
    assert (walk_in.label, walk_in.places, walk_in.over_capacity) == ("Amira", 1, False)
    assert places_taken(session_today) == 3
    assert logged(session_today, "walk_in") == [(champion.user.pk, "Amira: 1 place")]


def test_walk_in_past_capacity_needs_a_logged_confirmation(champion, session_today):
    book(session_today, children=3)
    with pytest.raises(BookingError, match="1 is left") as error:
        registers.add_walk_in(
            user=champion.user, session=session_today, label="Sam", children=2, adults=1
        )
    assert error.value.field == "over_capacity"
    assert not WalkIn.objects.exists()
    assert places_taken(session_today) == 3

    walk_in = registers.add_walk_in(
        user=champion.user,
        session=session_today,
        label="Sam",
        children=2,
        adults=1,
        over_capacity=True,
    )
    assert walk_in.over_capacity
    assert places_taken(session_today) == 5
    [(actor, detail)] = logged(session_today, "walk_in_over_capacity")
    assert actor == champion.user.pk
    assert "confirmed over capacity (5 of 4 places)" in detail


def test_a_full_session_with_walk_ins_refuses_new_bookings(champion, activity):
    session = SessionFactory(activity=activity, start=starting_later_today(), capacity=2)
    registers.add_walk_in(user=champion.user, session=session, label="A", children=2, adults=1)
    parent = UserFactory()
    kid = ChildFactory(parent=parent)
    with pytest.raises(BookingError, match="full"):
        book_session(parent=parent, session_id=session.pk, children=[kid])


@pytest.mark.parametrize(
    ("label", "children", "adults", "message"),
    [
        ("  ", 1, 1, "first name or a label"),
        ("Amira", 0, 2, "how many children"),
    ],
)
def test_walk_in_bad_input_writes_nothing(
    champion, session_today, label, children, adults, message
):
    with pytest.raises(BookingError, match=message):
        registers.add_walk_in(
            user=champion.user, session=session_today, label=label, children=children, adults=adults
        )
    assert not WalkIn.objects.exists()


def test_walk_ins_only_on_the_day(champion, session_tomorrow):
    with pytest.raises(BookingError, match="on the day"):
        registers.add_walk_in(
            user=champion.user, session=session_tomorrow, label="A", children=1, adults=1
        )
    assert not WalkIn.objects.exists()


def test_paid_at_the_centre_is_recorded_once(champion, session_today):
    booking = book(session_today)
    act("paid", user=champion.user, session=session_today, booking_id=booking.pk)
    booking.refresh_from_db()
    assert booking.paid_at_centre_at
    assert logged(session_today, "paid_at_centre") == [
        (champion.user.pk, f"Booking {booking.reference}")
    ]
    with pytest.raises(BookingError, match="already marked as paid"):
        act("paid", user=champion.user, session=session_today, booking_id=booking.pk)


def test_cancelling_for_a_family_tells_them_and_promotes_the_waiting_list(
    champion, session_tomorrow
):
    booking = book(session_tomorrow, children=3)
    waiting = book(
        session_tomorrow,
        first_name="Wen",
        children=2,
        status=Booking.Status.WAITING,
        waiting_since=timezone.now(),
        confirmed_at=None,
    )
    book(session_tomorrow, first_name="One", children=1)
    mail.outbox.clear()
    act("cancel", user=champion.user, session=session_tomorrow, booking_id=booking.pk)
    booking.refresh_from_db()
    waiting.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert waiting.status == Booking.Status.CONFIRMED
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [booking.parent.email, waiting.parent.email]
    )
    cancelled_mail = next(m for m in mail.outbox if m.to == [booking.parent.email])
    assert "The centre has cancelled your booking for you." in cancelled_mail.body
    assert logged(session_tomorrow, "cancelled_for_family")


def test_offering_a_place_out_of_turn_when_it_fits(champion, session_tomorrow):
    book(session_tomorrow, children=3)
    first = book(
        session_tomorrow,
        first_name="First",
        children=2,
        status=Booking.Status.WAITING,
        waiting_since=timezone.now() - datetime.timedelta(hours=1),
        confirmed_at=None,
    )
    second = book(
        session_tomorrow,
        first_name="Second",
        children=1,
        status=Booking.Status.WAITING,
        waiting_since=timezone.now(),
        confirmed_at=None,
    )
    with pytest.raises(BookingError, match="There is 1 place left and this family needs 2"):
        act("offer", user=champion.user, session=session_tomorrow, booking_id=first.pk)
    act("offer", user=champion.user, session=session_tomorrow, booking_id=second.pk)
    second.refresh_from_db()
    assert second.status == Booking.Status.CONFIRMED
    assert [m.to for m in mail.outbox] == [[second.parent.email]]
    assert places_taken(session_tomorrow) == 4


def test_a_booking_from_another_session_is_not_found(champion, session_today, other_session):
    stranger = book(other_session)
    with pytest.raises(Booking.DoesNotExist):
        act("check-in", user=champion.user, session=session_today, booking_id=stranger.pk)


# --- Messages ------------------------------------------------------------------------------


def test_message_goes_to_each_booked_family_separately(champion, session_tomorrow, centre):
    first, second = book(session_tomorrow), book(session_tomorrow, first_name="Al")
    book(
        session_tomorrow,
        first_name="Waiting",
        status=Booking.Status.WAITING,
        waiting_since=timezone.now(),
    )
    sent = registers.message_families(
        user=champion.user,
        session=session_tomorrow,
        subject="Bring wellies",
        body="We're going outside.",
    )
    assert sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.parent.email, second.parent.email])
    for message in mail.outbox:
        assert len(message.to) == 1 and not message.cc and not message.bcc
        assert message.subject == "Bring wellies (Stay and play)"
        assert "We're going outside." in message.body
        assert "From Chris, on behalf of" in message.body
    assert logged(session_tomorrow, "messaged")


def test_a_family_without_a_first_name_is_greeted_plainly(champion, session_tomorrow):
    named = book(session_tomorrow, first_name="Priya")
    unnamed = book(session_tomorrow, first_name="")
    registers.message_families(
        user=champion.user, session=session_tomorrow, subject="Wellies", body="Bring wellies."
    )

    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert bodies[named.parent.email].startswith("Hello Priya,\n")
    assert bodies[unnamed.parent.email].startswith("Hello,\n")
    assert unnamed.parent.email.split("@")[0] not in bodies[unnamed.parent.email]


def test_a_champion_without_a_first_name_signs_off_in_each_familys_language(
    champion, session_tomorrow
):
    english = book(session_tomorrow, first_name="Priya")
    polish = book(session_tomorrow, first_name="Ola")
    polish.parent.language = "pl"
    polish.parent.save(update_fields=["language"])
    champion.user.first_name = ""
    champion.user.save(update_fields=["first_name"])

    registers.message_families(
        user=champion.user, session=session_tomorrow, subject="Wellies", body="Bring wellies."
    )

    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert "a parent champion" in bodies[english.parent.email]
    assert "rodzic-lider" in bodies[polish.parent.email]
    assert "a parent champion" not in bodies[polish.parent.email]


@pytest.mark.parametrize(
    ("subject", "body", "message"),
    [
        ("Hello", "   ", "Write a message"),
        ("", "Hello", "subject"),
        ("Hello", "x" * 2001, "2000 characters or fewer"),
    ],
)
def test_bad_messages_send_nothing(champion, session_tomorrow, subject, body, message):
    book(session_tomorrow)
    with pytest.raises(ChampionError, match=message):
        registers.message_families(
            user=champion.user, session=session_tomorrow, subject=subject, body=body
        )
    assert mail.outbox == []
    assert not SessionLogEntry.objects.exists()


def test_a_message_of_exactly_the_limit_is_sent(champion, session_tomorrow):
    book(session_tomorrow)
    registers.message_families(
        user=champion.user, session=session_tomorrow, subject="Hi", body="x" * 2000
    )
    assert len(mail.outbox) == 1
