"""Reminders the day before: only tomorrow's confirmed bookings of sessions that still happen,
each household once, even when runs overlap."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from bookings.models import Booking, Session
from bookings.reminders import send_reminders
from bookings.tasks import send_session_reminders
from tests.factories import ActivityPageFactory, BookingFactory, SessionFactory

pytestmark = pytest.mark.django_db(transaction=True)

LONDON = ZoneInfo("Europe/London")
NOW = datetime.datetime(2027, 3, 27, 12, 0, tzinfo=LONDON)  # the day before the clocks change


def session_at(activity, local: datetime.datetime, **kwargs):
    return SessionFactory(
        activity=activity, start=local, end=local + datetime.timedelta(hours=1), **kwargs
    )


@pytest.fixture
def activity(centre):
    return ActivityPageFactory(parent=centre, title="Stay and play")


def test_only_tomorrows_confirmed_bookings_are_reminded(activity):
    tomorrow_early = session_at(activity, datetime.datetime(2027, 3, 28, 0, 30, tzinfo=LONDON))
    tomorrow_late = session_at(activity, datetime.datetime(2027, 3, 28, 23, 30, tzinfo=LONDON))
    today = session_at(activity, datetime.datetime(2027, 3, 27, 15, 0, tzinfo=LONDON))
    # 00:30 on Monday in summer time is still Sunday in UTC: not tomorrow.
    day_after = session_at(activity, datetime.datetime(2027, 3, 29, 0, 30, tzinfo=LONDON))
    cancelled = session_at(
        activity,
        datetime.datetime(2027, 3, 28, 10, 0, tzinfo=LONDON),
        status=Session.Status.CANCELLED,
    )
    due = [BookingFactory(session=tomorrow_early), BookingFactory(session=tomorrow_late)]
    BookingFactory(session=tomorrow_early, status=Booking.Status.CANCELLED)
    BookingFactory(
        session=tomorrow_late, status=Booking.Status.WAITING, confirmed_at=None, waiting_since=NOW
    )
    for session in (today, day_after, cancelled):
        BookingFactory(session=session)

    assert send_reminders(now=NOW) == 2

    assert sorted(m.to[0] for m in mail.outbox) == sorted(b.parent.email for b in due)
    assert all(m.subject == "See you tomorrow: Stay and play" for m in mail.outbox)
    assert all(m.attachments[0][0].endswith(".ics") for m in mail.outbox)
    reminded = Booking.objects.filter(reminder_sent_at__isnull=False)
    assert set(reminded.values_list("pk", flat=True)) == {b.pk for b in due}


def test_a_second_run_sends_nothing_again(activity):
    session = session_at(activity, datetime.datetime(2027, 3, 28, 10, 0, tzinfo=LONDON))
    BookingFactory(session=session)
    assert send_reminders(now=NOW) == 1
    assert send_reminders(now=NOW + datetime.timedelta(hours=1)) == 0
    assert len(mail.outbox) == 1


def test_overlapping_runs_remind_each_household_once(activity):
    session = session_at(
        activity, datetime.datetime(2027, 3, 28, 10, 0, tzinfo=LONDON), capacity=50
    )
    bookings = [BookingFactory(session=session) for _ in range(12)]
    counts = []
    errors = []
    start = threading.Barrier(4)

    def run():
        try:
            start.wait()
            counts.append(send_reminders(now=NOW))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(counts) == len(bookings)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(b.parent.email for b in bookings)


def test_the_command_and_the_task_send_reminders(activity, now_local):
    tomorrow = (now_local + datetime.timedelta(days=1)).replace(hour=10, minute=0)
    first = BookingFactory(session=session_at(activity, tomorrow))
    call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    second = BookingFactory(session=session_at(activity, tomorrow + datetime.timedelta(hours=2)))
    result = send_session_reminders.enqueue()
    assert result.return_value == 1
    assert [m.to[0] for m in mail.outbox] == [first.parent.email, second.parent.email]


@pytest.fixture
def now_local():
    from django.utils import timezone

    return timezone.localtime()
