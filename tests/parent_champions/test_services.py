"""The champions rules, proven against a real database through the services."""

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from bookings.errors import BookingError
from bookings.models import Attendance, Booking, WalkIn
from bookings.selectors import places_taken
from bookings.services import book_session
from parent_champions import services
from parent_champions.models import Champion, ChampionApplication, Hosting, RegisterLogEntry
from parent_champions.services import ChampionError
from tests.factories import (
    ActivityPageFactory,
    ChampionApplicationFactory,
    ChampionFactory,
    ChildFactory,
    SessionFactory,
    UserFactory,
)

from .conftest import book, in_days, starting_later_today

pytestmark = pytest.mark.django_db


def apply(parent, centre, **overrides):
    data = {"why": "To help.", "strengths": "Singing.", "availability": "Mornings.", **overrides}
    return services.apply_to_be_champion(parent=parent, centre_id=centre.pk, **data)


def logged(session, action):
    return list(
        RegisterLogEntry.objects.filter(session=session, action=action).values_list(
            "actor", "detail"
        )
    )


# --- Applying and deciding ----------------------------------------------------------------------


def test_a_parent_applies_and_the_centre_managers_are_told(parent, centre, manager):
    application = apply(parent, centre)
    assert application.status == ChampionApplication.Status.OPEN
    assert [m.to for m in mail.outbox] == [[manager.email]]
    assert "New champion application" in mail.outbox[0].subject


def test_applying_twice_while_open_is_refused_and_writes_nothing(parent, centre):
    apply(parent, centre)
    with pytest.raises(ChampionError, match="already have an application waiting"):
        apply(parent, centre, why="Again.")
    assert ChampionApplication.objects.filter(parent=parent).count() == 1


def test_the_database_keeps_one_open_application_per_centre(parent, centre):
    ChampionApplicationFactory(parent=parent, centre=centre)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChampionApplicationFactory(parent=parent, centre=centre)


def test_a_parent_may_apply_again_after_a_decline_and_to_another_centre(
    parent, centre, other_centre, manager
):
    first = apply(parent, centre)
    services.decline_application(application_id=first.pk, reason="No places now.", by=manager)
    apply(parent, centre)
    apply(parent, other_centre)
    assert ChampionApplication.objects.filter(parent=parent).count() == 3


@pytest.mark.parametrize("field", ["why", "strengths", "availability"])
def test_every_answer_is_needed(parent, centre, field):
    with pytest.raises(ChampionError) as error:
        apply(parent, centre, **{field: "   "})
    assert error.value.field == field
    assert not ChampionApplication.objects.exists()


def test_unverified_parents_and_existing_champions_cannot_apply(centre, champion):
    with pytest.raises(ChampionError, match="confirm your e-mail"):
        apply(UserFactory(verified=False), centre)
    with pytest.raises(ChampionError, match="already a champion"):
        apply(champion.user, centre)
    assert not ChampionApplication.objects.exists()


def test_approving_makes_an_active_champion_and_tells_the_parent(parent, centre, manager):
    application = apply(parent, centre)
    mail.outbox.clear()
    champion = services.approve_application(application_id=application.pk, by=manager)
    assert champion.is_active and champion.centre == centre and champion.approved_by == manager
    assert not champion.checks_current  # nothing recorded yet
    application.refresh_from_db()
    assert application.status == "approved" and application.decided_by == manager
    assert [m.to for m in mail.outbox] == [[parent.email]]
    assert "you are now a parent champion" in mail.outbox[0].body


def test_declining_needs_a_reason_which_the_parent_reads(parent, centre, manager):
    application = apply(parent, centre)
    with pytest.raises(ChampionError, match="Say why"):
        services.decline_application(application_id=application.pk, reason=" ", by=manager)
    application.refresh_from_db()
    assert application.is_open
    mail.outbox.clear()
    services.decline_application(application_id=application.pk, reason="Full team.", by=manager)
    application.refresh_from_db()
    assert application.status == "declined" and application.decision_reason == "Full team."
    assert "Their reason: Full team." in mail.outbox[0].body
    assert not Champion.objects.exists()


def test_decisions_are_for_that_centres_managers_once(parent, centre, manager, other_manager):
    application = apply(parent, centre)
    with pytest.raises(ChampionError, match="centre's managers"):
        services.approve_application(application_id=application.pk, by=other_manager)
    assert not Champion.objects.exists()
    services.approve_application(application_id=application.pk, by=manager)
    with pytest.raises(ChampionError, match="already been decided"):
        services.decline_application(application_id=application.pk, reason="x", by=manager)


# --- Looking after champions -------------------------------------------------------------------


def test_suspend_and_reinstate(champion, manager, other_manager):
    with pytest.raises(ChampionError):
        services.suspend_champion(champion_id=champion.pk, by=other_manager)
    services.suspend_champion(champion_id=champion.pk, by=manager)
    champion.refresh_from_db()
    assert champion.status == Champion.Status.SUSPENDED
    with pytest.raises(ChampionError, match="already suspended"):
        services.suspend_champion(champion_id=champion.pk, by=manager)
    services.reinstate_champion(champion_id=champion.pk, by=manager)
    champion.refresh_from_db()
    assert champion.is_active


def test_recording_checks_refuses_future_dates(champion, manager):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ChampionError) as error:
        services.record_checks(
            champion_id=champion.pk,
            dbs_checked_on=tomorrow,
            training_completed_on=timezone.localdate(),
            by=manager,
        )
    assert error.value.field == "dbs_checked_on"
    old = champion.dbs_checked_on
    champion.refresh_from_db()
    assert champion.dbs_checked_on == old
    services.record_checks(
        champion_id=champion.pk,
        dbs_checked_on=timezone.localdate(),
        training_completed_on=timezone.localdate(),
        by=manager,
    )
    champion.refresh_from_db()
    assert champion.dbs_checked_on == timezone.localdate()


def test_hosting_for_children_needs_current_checks(centre, activity, session_tomorrow, manager):
    unchecked = ChampionFactory(centre=centre, dbs_checked_on=None)
    for target in ({"activity_id": activity.pk}, {"session_id": session_tomorrow.pk}):
        with pytest.raises(ChampionError, match="cannot host sessions for children"):
            services.assign_host(champion_id=unchecked.pk, by=manager, **target)
    assert not Hosting.objects.exists()
    adults = ActivityPageFactory(parent=centre, adults_only=True, max_age_months=None)
    hosting = services.assign_host(champion_id=unchecked.pk, by=manager, activity_id=adults.pk)
    assert hosting.activity_id == adults.pk and hosting.assigned_by == manager


def test_hosting_stays_within_the_centre_and_is_not_repeated(
    centre, activity, other_activity, manager
):
    champion = ChampionFactory(centre=centre)
    with pytest.raises(ChampionError, match="their own centre"):
        services.assign_host(champion_id=champion.pk, by=manager, activity_id=other_activity.pk)
    services.assign_host(champion_id=champion.pk, by=manager, activity_id=activity.pk)
    with pytest.raises(ChampionError, match="already hosts"):
        services.assign_host(champion_id=champion.pk, by=manager, activity_id=activity.pk)
    with pytest.raises(ChampionError, match="one activity or one session"):
        services.assign_host(champion_id=champion.pk, by=manager)
    assert Hosting.objects.count() == 1


def test_a_hosting_is_an_activity_or_a_session_never_both(champion, activity, session_tomorrow):
    with pytest.raises(IntegrityError), transaction.atomic():
        Hosting.objects.create(champion=champion, activity=activity, session=session_tomorrow)
    with pytest.raises(IntegrityError), transaction.atomic():
        Hosting.objects.create(champion=champion)


# --- Running a register -------------------------------------------------------------------------


def test_checking_in_records_attendance_and_logs_it(champion, session_today):
    booking = book(session_today)
    services.check_in(user=champion.user, session=session_today, booking_id=booking.pk)
    booking.refresh_from_db()
    assert booking.attendance == Attendance.ATTENDED
    assert booking.attendance_recorded_by == champion.user
    assert logged(session_today, "checked_in") == [
        (champion.user.pk, f"Booking {booking.reference}")
    ]


def test_attendance_before_the_session_day_is_refused(champion, session_tomorrow):
    booking = book(session_tomorrow)
    with pytest.raises(ChampionError, match="from the day of the session"):
        services.check_in(user=champion.user, session=session_tomorrow, booking_id=booking.pk)
    booking.refresh_from_db()
    assert booking.attendance == ""
    assert not RegisterLogEntry.objects.exists()


def test_no_show_only_after_the_start(champion, activity, session_today):
    later = SessionFactory(
        activity=activity,
        start=timezone.now() + datetime.timedelta(minutes=1),
        capacity=4,
    )
    if timezone.localtime(later.start).date() != timezone.localdate():
        pytest.skip("Too close to midnight to have a session later today.")
    waiting_for_start = book(later)
    with pytest.raises(ChampionError, match="once the session has started"):
        services.mark_no_show(user=champion.user, session=later, booking_id=waiting_for_start.pk)
    # Check-in is fine before the start on the day.
    services.check_in(user=champion.user, session=later, booking_id=waiting_for_start.pk)
    started = book(session_today)
    services.mark_no_show(user=champion.user, session=session_today, booking_id=started.pk)
    started.refresh_from_db()
    assert started.attendance == Attendance.NO_SHOW


def test_suspended_or_lapsed_champions_cannot_act(champion, session_today):
    booking = book(session_today)
    champion.dbs_checked_on = timezone.localdate() - datetime.timedelta(days=4 * 365)
    champion.save()
    with pytest.raises(ChampionError, match="not current"):
        services.check_in(user=champion.user, session=session_today, booking_id=booking.pk)
    with pytest.raises(ChampionError, match="not current"):
        services.open_register(user=champion.user, session=session_today)
    champion.dbs_checked_on = timezone.localdate()
    champion.status = Champion.Status.SUSPENDED
    champion.save()
    with pytest.raises(ChampionError, match="suspended"):
        services.add_walk_in(
            user=champion.user, session=session_today, label="Amira", children=1, adults=1
        )
    booking.refresh_from_db()
    assert booking.attendance == ""
    assert not WalkIn.objects.exists()
    assert not RegisterLogEntry.objects.exists()


def test_lapsed_checks_still_allow_adult_sessions(centre, champion):
    champion.training_completed_on = None
    champion.save()
    adults = ActivityPageFactory(parent=centre, adults_only=True, max_age_months=None)
    session = SessionFactory(activity=adults, start=timezone.now() - datetime.timedelta(minutes=1))
    services.open_register(user=champion.user, session=session)


def test_walk_ins_count_against_capacity(champion, session_today):
    book(session_today, children=2)
    walk_in = services.add_walk_in(
        user=champion.user, session=session_today, label=" Amira ", children=1, adults=1
    )
    assert (walk_in.label, walk_in.places, walk_in.over_capacity) == ("Amira", 1, False)
    assert places_taken(session_today) == 3
    assert logged(session_today, "walk_in") == [(champion.user.pk, "Amira: 1 place")]


def test_walk_in_past_capacity_needs_a_logged_confirmation(champion, session_today):
    book(session_today, children=3)
    with pytest.raises(ChampionError, match="1 is left") as error:
        services.add_walk_in(
            user=champion.user, session=session_today, label="Sam", children=2, adults=1
        )
    assert error.value.field == "over_capacity"
    assert not WalkIn.objects.exists()
    assert places_taken(session_today) == 3

    walk_in = services.add_walk_in(
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
    services.add_walk_in(user=champion.user, session=session, label="A", children=2, adults=1)
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
    with pytest.raises(ChampionError, match=message):
        services.add_walk_in(
            user=champion.user, session=session_today, label=label, children=children, adults=adults
        )
    assert not WalkIn.objects.exists()


def test_walk_ins_only_on_the_day(champion, session_tomorrow):
    with pytest.raises(ChampionError, match="on the day"):
        services.add_walk_in(
            user=champion.user, session=session_tomorrow, label="A", children=1, adults=1
        )
    assert not WalkIn.objects.exists()


def test_paid_at_the_centre_is_recorded_once(champion, session_today):
    booking = book(session_today)
    services.mark_paid_at_centre(user=champion.user, session=session_today, booking_id=booking.pk)
    booking.refresh_from_db()
    assert booking.paid_at_centre_at and booking.paid_at_centre_by == champion.user
    with pytest.raises(ChampionError, match="already marked as paid"):
        services.mark_paid_at_centre(
            user=champion.user, session=session_today, booking_id=booking.pk
        )


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
    services.cancel_for_family(user=champion.user, session=session_tomorrow, booking_id=booking.pk)
    booking.refresh_from_db()
    waiting.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and booking.cancelled_by == champion.user
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
    with pytest.raises(ChampionError, match="There is 1 place left and this family needs 2"):
        services.offer_place(user=champion.user, session=session_tomorrow, booking_id=first.pk)
    services.offer_place(user=champion.user, session=session_tomorrow, booking_id=second.pk)
    second.refresh_from_db()
    assert second.status == Booking.Status.CONFIRMED
    assert [m.to for m in mail.outbox] == [[second.parent.email]]
    assert places_taken(session_tomorrow) == 4


def test_a_booking_from_another_session_is_not_found(champion, session_today, other_session):
    stranger = book(other_session)
    with pytest.raises(Booking.DoesNotExist):
        services.check_in(user=champion.user, session=session_today, booking_id=stranger.pk)


# --- Messages ------------------------------------------------------------------------------


def test_message_goes_to_each_booked_family_separately(champion, session_tomorrow, centre):
    first, second = book(session_tomorrow), book(session_tomorrow, first_name="Al")
    book(
        session_tomorrow,
        first_name="Waiting",
        status=Booking.Status.WAITING,
        waiting_since=timezone.now(),
    )
    sent = services.message_families(
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
        services.message_families(
            user=champion.user, session=session_tomorrow, subject=subject, body=body
        )
    assert mail.outbox == []
    assert not RegisterLogEntry.objects.exists()


def test_a_message_of_exactly_the_limit_is_sent(champion, session_tomorrow):
    book(session_tomorrow)
    services.message_families(
        user=champion.user, session=session_tomorrow, subject="Hi", body="x" * 2000
    )
    assert len(mail.outbox) == 1


# --- Sessions they host --------------------------------------------------------------------


def session_values(**overrides):
    start = in_days(3)
    return {
        "venue": None,
        "start": start,
        "end": start + datetime.timedelta(hours=1),
        "capacity": 8,
        "max_places_per_booking": 2,
        "booking_opens": None,
        "booking_closes": None,
        "cancellation_cutoff": None,
        **overrides,
    }


def test_a_host_creates_and_changes_a_session_and_each_change_is_logged(champion, activity):
    session = services.create_session(
        user=champion.user, activity_id=activity.pk, values=session_values()
    )
    assert session.centre_id == activity.get_parent().pk
    services.update_session(
        user=champion.user, session_id=session.pk, values=session_values(capacity=10)
    )
    session.refresh_from_db()
    assert session.capacity == 10
    entries = RegisterLogEntry.objects.filter(session=session).order_by("at", "pk")
    assert [(e.action, e.actor_id) for e in entries] == [
        ("session_created", champion.user.pk),
        ("session_changed", champion.user.pk),
    ]
    assert entries[1].detail == "capacity: 8 → 10"


def test_raising_capacity_promotes_the_waiting_list(champion, session_tomorrow):
    book(session_tomorrow, children=3)
    waiting = book(
        session_tomorrow,
        first_name="Wen",
        children=2,
        status=Booking.Status.WAITING,
        waiting_since=timezone.now(),
        confirmed_at=None,
    )
    values = {name: getattr(session_tomorrow, name) for name in services.SESSION_FIELDS} | {
        "capacity": 6
    }
    services.update_session(user=champion.user, session_id=session_tomorrow.pk, values=values)
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.CONFIRMED


def test_session_changes_that_break_the_rules_write_nothing(champion, session_tomorrow):
    book(session_tomorrow, children=3)
    values = {name: getattr(session_tomorrow, name) for name in services.SESSION_FIELDS}
    with pytest.raises(ChampionError) as error:
        services.update_session(
            user=champion.user, session_id=session_tomorrow.pk, values=values | {"capacity": 2}
        )
    assert error.value.field == "capacity"
    with pytest.raises(ChampionError, match="end after it starts"):
        services.update_session(
            user=champion.user,
            session_id=session_tomorrow.pk,
            values=values | {"end": session_tomorrow.start},
        )
    session_tomorrow.refresh_from_db()
    assert session_tomorrow.capacity == 4
    assert not RegisterLogEntry.objects.exists()


def test_only_hosts_of_the_activity_or_managers_edit_sessions(
    centre, activity, session_tomorrow, manager
):
    other = ChampionFactory(centre=centre)  # a champion here, but not hosting this activity
    with pytest.raises(ChampionError, match="activities you host"):
        services.create_session(user=other.user, activity_id=activity.pk, values=session_values())
    services.create_session(user=manager, activity_id=activity.pk, values=session_values())
    assert activity.sessions.count() == 2


def test_sessions_cannot_start_in_the_past(champion, activity):
    past = timezone.now() - datetime.timedelta(hours=1)
    with pytest.raises(ChampionError, match="in the future"):
        services.create_session(
            user=champion.user,
            activity_id=activity.pk,
            values=session_values(start=past, end=past + datetime.timedelta(hours=1)),
        )
