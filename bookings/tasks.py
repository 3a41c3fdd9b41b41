"""Background tasks for bookings, run by the task worker."""

import datetime

from django_tasks import task

from startwell import periodic

from .reminders import send_reminders


@periodic.every(datetime.timedelta(hours=1))
@task()
def send_session_reminders() -> int:
    """Reminds households booked on tomorrow's sessions (each once)."""
    return send_reminders()


@periodic.every(datetime.timedelta(minutes=5))
@task()
def release_expired_holds() -> int:
    """Releases bookings whose time to pay has run out, even if Stripe never said so."""
    from . import checkout

    return checkout.release_expired_holds()
