"""Messages to families about their bookings, by the channels each family chose (e-mail, text
or both; `startwell.mobiles.channels`). E-mail goes through the queued mail backend and texts
through `startwell.sms`, so each is sent only once the transaction that caused it has
committed."""

import functools

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from startwell import mobiles, sms
from startwell.languages import language_of
from startwell.site_address import site_url

from .calendar import booking_ics
from .families import contact_channels
from .models import Session

# Messages that also go by text, to families who chose it (`bookings/sms/<name>.txt`: one short,
# plain text of at most 160 GSM characters with a link to the booking).
TEXTED = {
    "booking_confirmed",
    "waiting_list_joined",
    "promoted",
    "booking_cancelled",
    "session_cancelled",
    "course_cancelled",
    "session_moved",
    "reminder",
}


def family_channels(booking) -> tuple[str, str | None, str | None, str | None]:
    """How to greet the family, where to e-mail and text them, and the address to fall back on
    for messages that go only by e-mail."""
    if booking.parent_id is not None:
        email, number = mobiles.channels(booking.parent)
        return booking.parent.greeting, email, number, booking.parent.email
    contact = booking.family_contact
    email, number = contact_channels(contact)
    return contact.greeting, email, number, contact.email or None


def in_the_familys_language(notify):
    """Each message is written in the family's language, whoever caused it (a manager's click,
    the task worker): the subject, the body, the text, the calendar entry and any lines worked
    out on the way (what moved)."""

    @functools.wraps(notify)
    def notify_in_their_language(booking, *args, **kwargs):
        # A family kept by staff without an account has no language saved: English.
        with translation.override(language_of(booking.parent if booking.parent_id else None)):
            return notify(booking, *args, **kwargs)

    return notify_in_their_language


def _session_named(booking):
    """The session a message is about: the booking's own, or for a course booking the next
    session of the course still to come (the first of the run once it has all started; the
    first cancelled one once the centre has cancelled the course)."""
    if not hasattr(booking, "course_id"):
        return booking.session
    run = Session.objects.filter(course_id=booking.course_id)
    run = run.select_related("activity", "venue").order_by("start", "pk")
    scheduled = run.filter(status=Session.Status.SCHEDULED)
    return (
        scheduled.filter(start__gt=timezone.now()).first()
        or scheduled.first()
        or run.filter(start__gt=timezone.now()).first()
        or run.first()
    )


def _send(booking, template: str, subject: str, *, session=None, attach_ics=False, **extra):
    if booking.parent_id is None and booking.family_contact_id is None:
        return  # anonymised: the family deleted its account, there is nobody to tell
    session = session or _session_named(booking)
    greeting, email, number, fallback_email = family_channels(booking)
    context = {
        "booking": booking,
        "session": session,
        "activity": session.activity,
        "site_url": site_url(),
        "greeting": greeting,
        **extra,
    }
    if number and template in TEXTED:
        text = render_to_string(f"bookings/sms/{template}.txt", context).strip()
        sms.send_text(to=number, body=text, user_id=booking.parent_id)
    else:
        # Money matters (holds, refunds) always go by e-mail: they need more than a text holds.
        email = fallback_email
    if not email:
        return
    body = render_to_string(f"bookings/email/{template}.txt", context)
    message = EmailMultiAlternatives(
        subject=f"{subject}: {session.activity.title}", body=body, to=[email]
    )
    if attach_ics:
        message.attach(f"start-well-{booking.reference}.ics", booking_ics(booking), "text/calendar")
    message.send()


@in_the_familys_language
def booking_confirmed(booking):
    _send(booking, "booking_confirmed", gettext_lazy("You're booked"), attach_ics=True)


@in_the_familys_language
def waiting_list_joined(booking):
    _send(booking, "waiting_list_joined", gettext_lazy("You're on the waiting list"))


@in_the_familys_language
def promoted_from_waiting_list(booking):
    _send(booking, "promoted", gettext_lazy("A place has come up and it's yours"), attach_ics=True)


@in_the_familys_language
def booking_cancelled(booking, *, on_behalf: bool = False):
    _send(booking, "booking_cancelled", gettext_lazy("Booking cancelled"), on_behalf=on_behalf)


@in_the_familys_language
def session_cancelled(booking, *, session):
    _send(booking, "session_cancelled", gettext_lazy("Session cancelled"), session=session)


def _when(start, end) -> str:
    start, end = timezone.localtime(start), timezone.localtime(end)
    # Django's date format names the weekday and month in the language of the message.
    return _("{day}, {start} to {end}").format(
        day=dateformat.format(start, "l j E Y"), start=f"{start:%H:%M}", end=f"{end:%H:%M}"
    )


def _where(venue) -> str:
    return f"{venue.name}, {venue.postcode}" if venue else _("venue to be confirmed")


def moved_lines(session, before: dict) -> list[str]:
    """What moved, old → new, one line each: "When: … → …", "Where: … → …"."""
    lines = []
    if (before["start"], before["end"]) != (session.start, session.end):
        old, new = _when(before["start"], before["end"]), _when(session.start, session.end)
        lines.append(_("When: {old} → {new}").format(old=old, new=new))
    if before["venue"] != session.venue:
        lines.append(
            _("Where: {old} → {new}").format(old=_where(before["venue"]), new=_where(session.venue))
        )
    return lines


@in_the_familys_language
def session_moved(booking, *, before: dict, age_problems: list[str]):
    """The session moved: what changed, and how to cancel without the cutoff."""
    _send(
        booking,
        "session_moved",
        gettext_lazy("Your session has changed"),
        attach_ics=booking.status == booking.Status.CONFIRMED,
        changes=moved_lines(booking.session, before),
        age_problems=age_problems,
    )


@in_the_familys_language
def session_reminder(booking):
    _send(booking, "reminder", gettext_lazy("See you tomorrow"), attach_ics=True)


@in_the_familys_language
def hold_released(booking):
    _send(booking, "hold_released", gettext_lazy("Your held places were released"))


@in_the_familys_language
def refund_started(booking, *, payment):
    _send(booking, "refund_started", gettext_lazy("Your refund is on its way"), payment=payment)


@in_the_familys_language
def refund_in_hand(booking, *, payment):
    _send(booking, "refund_in_hand", gettext_lazy("We're sorting out your refund"), payment=payment)


# --- Courses: the same messages, about the course booking and its first session to come ---------


@in_the_familys_language
def course_booked(course_booking, *, session):
    _send(
        course_booking,
        "booking_confirmed",
        gettext_lazy("You're booked"),
        session=session,
        attach_ics=True,
    )


@in_the_familys_language
def course_waiting_list_joined(course_booking, *, session):
    _send(
        course_booking,
        "waiting_list_joined",
        gettext_lazy("You're on the waiting list"),
        session=session,
    )


@in_the_familys_language
def course_promoted(course_booking, *, session):
    _send(
        course_booking,
        "promoted",
        gettext_lazy("A place has come up and it's yours"),
        session=session,
        attach_ics=True,
    )


@in_the_familys_language
def course_booking_cancelled(course_booking, *, session, on_behalf: bool = False):
    _send(
        course_booking,
        "booking_cancelled",
        gettext_lazy("Booking cancelled"),
        session=session,
        on_behalf=on_behalf,
    )


@in_the_familys_language
def course_cancelled(course_booking, *, sessions: list):
    """The centre cancelled the rest of the course: one message about the whole run still to
    come (how many sessions, from which day), with the reason; `sessions` are those cancelled,
    first first."""
    _send(
        course_booking,
        "course_cancelled",
        gettext_lazy("Course cancelled"),
        session=sessions[0],
        sessions_cancelled=len(sessions),
    )
