"""E-mails to families about their bookings. Messages go through the queued mail backend, so
each is sent only once the transaction that caused it has committed."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from startwell.site_address import site_url

from .calendar import booking_ics


def _send(booking, template: str, subject: str, *, session=None, attach_ics=False, **extra):
    if booking.parent_id is None:
        return  # anonymised: the family deleted its account, there is nobody to tell
    session = session or booking.session
    context = {
        "booking": booking,
        "session": session,
        "activity": session.activity,
        "site_url": site_url(),
        **extra,
    }
    body = render_to_string(f"bookings/email/{template}.txt", context)
    message = EmailMultiAlternatives(
        subject=f"{subject}: {session.activity.title}",
        body=body,
        to=[booking.parent.email],
    )
    if attach_ics:
        message.attach(f"start-well-{booking.reference}.ics", booking_ics(booking), "text/calendar")
    message.send()


def booking_confirmed(booking):
    _send(booking, "booking_confirmed", "You're booked", attach_ics=True)


def waiting_list_joined(booking):
    _send(booking, "waiting_list_joined", "You're on the waiting list")


def promoted_from_waiting_list(booking):
    _send(booking, "promoted", "A place has come up and it's yours", attach_ics=True)


def booking_cancelled(booking, *, on_behalf: bool = False):
    _send(booking, "booking_cancelled", "Booking cancelled", on_behalf=on_behalf)


def session_cancelled(booking, *, session):
    _send(booking, "session_cancelled", "Session cancelled", session=session)


def _when(start, end) -> str:
    start, end = timezone.localtime(start), timezone.localtime(end)
    return f"{start:%A %-d %B %Y}, {start:%H:%M} to {end:%H:%M}"


def _where(venue) -> str:
    return f"{venue.name}, {venue.postcode}" if venue else "venue to be confirmed"


def moved_lines(session, before: dict) -> list[str]:
    """What moved, old → new, one line each: "When: … → …", "Where: … → …"."""
    lines = []
    if (before["start"], before["end"]) != (session.start, session.end):
        old, new = _when(before["start"], before["end"]), _when(session.start, session.end)
        lines.append(f"When: {old} → {new}")
    if before["venue"] != session.venue:
        lines.append(f"Where: {_where(before['venue'])} → {_where(session.venue)}")
    return lines


def session_moved(booking, *, before: dict, age_problems: list[str]):
    """The session moved: what changed, and how to cancel without the cutoff."""
    _send(
        booking,
        "session_moved",
        "Your session has changed",
        attach_ics=booking.status == booking.Status.CONFIRMED,
        changes=moved_lines(booking.session, before),
        age_problems=age_problems,
    )


def session_reminder(booking):
    _send(booking, "reminder", "See you tomorrow", attach_ics=True)


def hold_released(booking):
    _send(booking, "hold_released", "Your held places were released")


def refund_started(booking, *, payment):
    _send(booking, "refund_started", "Your refund is on its way", payment=payment)


def refund_in_hand(booking, *, payment):
    _send(booking, "refund_in_hand", "We're sorting out your refund", payment=payment)
