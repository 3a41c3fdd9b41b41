"""E-mails to families about their bookings. Messages go through the queued mail backend, so
each is sent only once the transaction that caused it has committed."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

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


def session_reminder(booking):
    _send(booking, "reminder", "See you tomorrow", attach_ics=True)


def hold_released(booking):
    _send(booking, "hold_released", "Your held places were released")


def refund_started(booking, *, payment):
    _send(booking, "refund_started", "Your refund is on its way", payment=payment)


def refund_in_hand(booking, *, payment):
    _send(booking, "refund_in_hand", "We're sorting out your refund", payment=payment)
