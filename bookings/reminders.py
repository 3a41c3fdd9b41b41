"""Reminders the day before a session. Safe to run as often as you like, and from several
processes at once: each booking is claimed with a conditional update before its e-mail is queued,
so no household is reminded twice."""

import datetime

from django.db import transaction
from django.utils import timezone

from . import notifications
from .models import Booking, Session
from .series import at_local


def _due_for_reminder(now: datetime.datetime):
    """Confirmed, not yet reminded bookings of scheduled sessions starting tomorrow (local date)."""
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    return Booking.objects.filter(
        status=Booking.Status.CONFIRMED,
        reminder_sent_at__isnull=True,
        session__status=Session.Status.SCHEDULED,
        session__start__gte=at_local(tomorrow, datetime.time.min),
        session__start__lt=at_local(tomorrow + datetime.timedelta(days=1), datetime.time.min),
    )


def send_reminders(*, now: datetime.datetime | None = None) -> int:
    """Queues a reminder for every household booked on a session tomorrow; returns how many."""
    now = now or timezone.now()
    sent = 0
    for booking_id in list(_due_for_reminder(now).values_list("pk", flat=True)):
        with transaction.atomic():
            # The claim and the queued e-mail commit together: whoever updates the row sends.
            # The conditions stay on the booking row itself (no join), so that PostgreSQL
            # re-checks them on the row a concurrent run has just updated; a cancelled session
            # has cancelled its bookings, so the status covers it.
            claimed = Booking.objects.filter(
                pk=booking_id, status=Booking.Status.CONFIRMED, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if not claimed:
                continue
            booking = Booking.objects.select_related(
                "parent", "family_contact", "session__activity", "session__venue"
            ).get(pk=booking_id)
            notifications.session_reminder(booking)
            sent += 1
    return sent
