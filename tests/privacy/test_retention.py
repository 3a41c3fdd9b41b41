"""The retention schedule: each rule at its boundary (a day inside the period keeps, a day past
removes), and the daily task that runs them all."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.core.files.base import ContentFile
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bookings import audit
from bookings.models import Booking, SessionLogEntry, StripeEvent
from cms.models import CentrePage
from privacy import retention, services
from privacy.models import AnonymousChild, DataExport, HouseholdKey, IdleAccountWarning
from reports.registry import REPORTS
from startwell import periodic
from startwell.mail import deliver_email
from startwell.models import Child, User
from tests.factories import BookingFactory, ChildFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def test_the_schedule_runs_daily_from_the_periodic_scheduler():
    periodic.discover()
    [rule] = [p for p in periodic.registered() if p.name.endswith("enforce_retention")]
    assert rule.interval == DAY


# Children ---------------------------------------------------------------------------------


def test_a_child_profile_goes_in_the_month_they_turn_six_unless_something_is_booked(centre):
    first_of_month = timezone.localdate().replace(day=1)
    born = first_of_month - relativedelta(years=6)
    turning_six = ChildFactory(first_name="Sixer", birth_year=born.year, birth_month=born.month)
    booked_ahead = ChildFactory(birth_year=born.year, birth_month=born.month)
    upcoming = BookingFactory(parent=booked_ahead.parent)
    upcoming.children.set([booked_ahead])
    past = BookingFactory(
        parent=turning_six.parent,
        session=SessionFactory(start=timezone.now() - 30 * DAY),
        attendance="attended",
    )
    past.children.set([turning_six])

    # The last day of the month before: still five.
    assert retention.remove_grown_children(local_midnight(first_of_month) - DAY / 2) == 0
    assert Child.objects.filter(pk=turning_six.pk).exists()

    assert retention.remove_grown_children(local_midnight(first_of_month) + DAY / 2) == 1
    assert not Child.objects.filter(pk=turning_six.pk).exists()
    assert Child.objects.filter(pk=booked_ahead.pk).exists()
    # The booking they came to still counts a child of that age, with no name.
    [anonymous] = past.children.all()
    assert anonymous.parent is None and anonymous.first_name == ""
    assert (anonymous.birth_year, anonymous.birth_month) == (born.year, born.month)


def test_the_age_limit_is_a_setting(settings):
    settings.RETENTION_CHILD_PROFILE_AGE_YEARS = 8
    born = timezone.localdate() - relativedelta(years=7)
    child = ChildFactory(birth_year=born.year, birth_month=born.month)
    assert retention.remove_grown_children(timezone.now()) == 0
    assert Child.objects.filter(pk=child.pk).exists()


# Bookings ---------------------------------------------------------------------------------


def test_bookings_anonymised_leave_the_familys_bookings_list_at_once(client, centre):
    parent = UserFactory()
    end = timezone.now() - relativedelta(months=25)
    session = SessionFactory(start=end - datetime.timedelta(hours=1), end=end)
    booking = BookingFactory(session=session, parent=parent)
    client.force_login(parent)
    assert booking.reference in client.get("/bookings/").content.decode()
    assert retention.anonymise_old_bookings(timezone.now()) == 1
    assert booking.reference not in client.get("/bookings/").content.decode()


def test_bookings_lose_their_family_24_months_after_the_session(centre):
    now = timezone.now()
    cutoff = now - relativedelta(months=24)
    parent = UserFactory()
    child = ChildFactory(parent=parent)

    def booking_ending(end):
        session = SessionFactory(start=end - datetime.timedelta(hours=1), end=end)
        booking = BookingFactory(session=session, parent=parent, access_notes="Step-free please")
        booking.children.set([child])
        return booking

    inside = booking_ending(cutoff + DAY)
    past = booking_ending(cutoff - DAY)
    also_past = booking_ending(cutoff - 2 * DAY)

    assert retention.anonymise_old_bookings(now) == 2

    inside.refresh_from_db()
    assert inside.parent == parent and inside.access_notes == "Step-free please"
    assert list(inside.children.all()) == [child]
    past.refresh_from_db()
    also_past.refresh_from_db()
    assert past.parent is None and past.access_notes == ""
    # One household, one child: counted once in the figures, as before.
    assert past.household == also_past.household
    assert list(past.children.all()) == list(also_past.children.all())
    assert past.children.get().parent is None
    assert Child.objects.get(pk=child.pk).parent == parent  # the profile itself stays


# Register logs and messages ---------------------------------------------------------------


def reach(start, end):
    return REPORTS["reach"].figures(centres=CentrePage.objects.all(), start=start, end=end)


def test_a_family_stays_one_household_and_one_child_whichever_day_it_is_anonymised(centre):
    """The schedule runs daily: a family's bookings cross the 24 months on different days,
    and each run keeps the same household key and the same anonymous child, so the figures of
    any period stay as they were. Running again changes nothing."""
    now = timezone.now()
    cutoff = now - relativedelta(months=24)
    parent = UserFactory()
    child = ChildFactory(parent=parent)
    bookings = []
    for end in (cutoff - DAY, cutoff + 10 * DAY):
        session = SessionFactory(start=end - datetime.timedelta(hours=1), end=end)
        bookings.append(BookingFactory(session=session, parent=parent))
        bookings[-1].children.set([child])
    period = ((cutoff - 5 * DAY).date(), (cutoff + 15 * DAY).date())
    before = reach(*period)

    assert retention.anonymise_old_bookings(now) == 1
    assert retention.anonymise_old_bookings(now) == 0
    first = Booking.objects.get(pk=bookings[0].pk)
    key, stand_in = first.household, first.children.get()
    assert retention.anonymise_old_bookings(now + 11 * DAY) == 1
    assert retention.anonymise_old_bookings(now + 11 * DAY) == 0

    for booking in Booking.objects.filter(pk__in=[b.pk for b in bookings]):
        assert booking.parent is None
        assert booking.household == key
        assert list(booking.children.all()) == [stand_in]
    assert Child.objects.filter(parent__isnull=True).count() == 1
    assert reach(*period) == before
    # The key and the stand-in are kept only while the account and the profile are: then
    # nothing links the anonymous rows to anyone.
    services.remove_child_profile(child)
    assert not AnonymousChild.objects.exists()
    assert Booking.objects.get(pk=bookings[0].pk).children.get() == stand_in
    parent.delete()
    assert not HouseholdKey.objects.exists()
    assert Booking.objects.get(pk=bookings[0].pk).household == key


def test_register_logs_and_message_bodies_go_after_12_months():
    now = timezone.now()
    session = SessionFactory()

    cutoff = now - relativedelta(months=12)

    def entry(action, at, **data):
        logged = audit.record(session, action, user=None, detail="", **data)
        SessionLogEntry.objects.filter(pk=logged.pk).update(timestamp=at)
        return logged.pk

    old_message = entry(audit.MESSAGED, cutoff - DAY, body="Bring wellies")
    old_view = entry(audit.VIEWED, cutoff - DAY)
    recent_message = entry(audit.MESSAGED, cutoff + DAY, body="Bring a coat")
    old_session_change = entry(audit.SESSION_CHANGED, cutoff - DAY)

    assert retention.delete_old_register_logs(now) == 2

    left = set(SessionLogEntry.objects.values_list("pk", flat=True))
    assert old_message not in left and old_view not in left
    assert {recent_message, old_session_change} <= left


# Stripe events ----------------------------------------------------------------------------


def test_stripe_event_payloads_are_emptied_after_90_days():
    now = timezone.now()
    old = StripeEvent.objects.create(
        event_id="evt_old",
        type="checkout.session.completed",
        payload={"customer_details": {"email": "payer@example.org"}},
        received_at=now - datetime.timedelta(days=91),
    )
    recent = StripeEvent.objects.create(
        event_id="evt_recent",
        type="checkout.session.completed",
        payload={"customer_details": {"email": "payer@example.org"}},
        received_at=now - datetime.timedelta(days=89),
    )

    assert retention.clear_old_stripe_payloads(now) == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.payload == {} and old.event_id == "evt_old"  # still recognised if replayed
    assert recent.payload["customer_details"]["email"] == "payer@example.org"


# Sent e-mails and data downloads ----------------------------------------------------------


def task_row(path, finished_at, status="SUCCESSFUL"):
    return DBTaskResult.objects.create(
        task_path=path,
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        status=status,
        finished_at=finished_at,
    )


def test_email_records_and_data_downloads_go_after_7_days(parent):
    now = timezone.now()
    old_sent = task_row(deliver_email.module_path, now - 8 * DAY)
    old_failed = task_row(deliver_email.module_path, now - 8 * DAY, status="FAILED")
    recent = task_row(deliver_email.module_path, now - 6 * DAY)
    other_task = task_row("privacy.tasks.enforce_retention", now - 8 * DAY)
    old_download = DataExport(user=parent, created_at=now - 8 * DAY)
    old_download.file.save("old.zip", ContentFile(b"zip"), save=True)
    recent_download = DataExport(user=parent, created_at=now - 6 * DAY)
    recent_download.file.save("recent.zip", ContentFile(b"zip"), save=True)
    storage = old_download.file.storage
    old_name = old_download.file.name

    assert retention.delete_old_email_records(now) == 3

    left = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert left == {recent.pk, other_task.pk}
    assert old_sent.pk not in left and old_failed.pk not in left
    assert list(DataExport.objects.all()) == [recent_download]
    assert not storage.exists(old_name)
    assert storage.exists(recent_download.file.name)


# Idle accounts ----------------------------------------------------------------------------


def test_accounts_idle_for_24_months_are_warned_once(settings):
    now = timezone.now()
    cutoff = now - relativedelta(months=24)
    idle = UserFactory(last_login=cutoff - DAY)
    never_signed_in = UserFactory(last_login=None)
    User.objects.filter(pk=never_signed_in.pk).update(date_joined=cutoff - DAY)
    active = UserFactory(last_login=cutoff + DAY)
    staff = UserFactory(last_login=cutoff - DAY, is_staff=True)

    assert retention.warn_idle_accounts(now) == 2
    assert retention.warn_idle_accounts(now) == 0  # once

    warned = set(IdleAccountWarning.objects.values_list("user_id", flat=True))
    assert warned == {idle.pk, never_signed_in.pk}
    assert active.pk not in warned and staff.pk not in warned
    assert sorted(m.to[0] for m in mail.outbox) == sorted([idle.email, never_signed_in.email])
    assert "will be deleted" in mail.outbox[0].subject
    assert "sign in" in mail.outbox[0].body


def test_warned_accounts_are_erased_a_month_later_unless_they_signed_in(
    django_capture_on_commit_callbacks,
):
    now = timezone.now()
    long_ago = now - relativedelta(months=30)
    gone = UserFactory(last_login=long_ago)
    came_back = UserFactory(last_login=now - DAY)
    recently_warned = UserFactory(last_login=long_ago)
    IdleAccountWarning.objects.create(user=gone, warned_at=now - 31 * DAY)
    IdleAccountWarning.objects.create(user=came_back, warned_at=now - 31 * DAY)
    IdleAccountWarning.objects.create(user=recently_warned, warned_at=now - 29 * DAY)
    booking = BookingFactory(parent=gone, session=SessionFactory(start=now - 300 * DAY))

    with django_capture_on_commit_callbacks(execute=True):
        assert retention.erase_idle_accounts(now) == 1

    assert not User.objects.filter(pk=gone.pk).exists()
    assert Booking.objects.get(pk=booking.pk).parent is None
    assert User.objects.filter(pk=came_back.pk).exists()
    assert not IdleAccountWarning.objects.filter(user=came_back).exists()
    assert IdleAccountWarning.objects.filter(user=recently_warned).exists()


def test_enforce_runs_every_rule_and_says_what_it_did():
    done = retention.enforce()
    assert set(done) == {rule.__name__ for rule in retention.RULES}
    assert all(count == 0 for count in done.values())
