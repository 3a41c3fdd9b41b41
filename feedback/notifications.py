"""The one message about feedback: asking a family the day after a session they came to, by the
channels they chose (e-mail, text or both), whether they have an account or the centre keeps them
without one (`bookings.notifications.family_channels`). Both are queued and go only once the
transaction that asked has committed."""

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.translation import gettext

from bookings.notifications import family_channels
from startwell import sms
from startwell.languages import speaking_to
from startwell.site_address import site_url


def ask_for_feedback(booking, *, url: str) -> None:
    # Sent by the task worker: in the family's language, not the worker's (a family kept by
    # staff has no language saved: English).
    with speaking_to(booking.parent if booking.parent_id else None):
        _ask(booking, url)


def _ask(booking, url: str) -> None:
    session = booking.session
    greeting, email, number, _ = family_channels(booking)
    context = {
        "booking": booking,
        "session": session,
        "activity": session.activity,
        "url": url,
        "site_url": site_url(),
        "greeting": greeting,
    }
    if number:
        text = render_to_string("feedback/sms/ask.txt", context).strip()
        sms.send_text(to=number, body=text, user_id=booking.parent_id)
    if email:
        EmailMessage(
            subject=gettext("How was %(title)s?") % {"title": session.activity.title},
            body=render_to_string("feedback/email/ask.txt", context),
            to=[email],
        ).send()
