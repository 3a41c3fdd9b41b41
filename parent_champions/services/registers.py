"""What a champion (or a manager) does with a register: open it, act on a booking (one table of
actions, each run the same way: who may, the bookings rule, the audit entry), add a walk-in and
message the families booked. Everything is written to the sessions' audit trail."""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from bookings import audit
from bookings import register as booking_register
from bookings import selectors as booking_selectors
from bookings import services as booking_services
from bookings.models import Attendance, Booking, Session, WalkIn
from bookings.registers import short_name
from startwell.errors import ApplicationError
from startwell.languages import speaking_to

from ..errors import ChampionError
from ..models import Practitioner
from ..selectors import run_refusal

MESSAGE_EMPTY = _("Write a message to send.")
MESSAGE_TOO_LONG = _("Keep the message to {max} characters or fewer (it has {n}).")
SUBJECT_EMPTY = _("Give the message a subject.")
NOBODY_BOOKED = _("Nobody is booked on this session yet, so there is nobody to message.")


def check_can_run(*, user, session: Session) -> None:
    refusal = run_refusal(user, session)
    if refusal:
        raise ChampionError(refusal)


def open_register(*, user, session: Session) -> None:
    """Logs that this person looked at the register (after checking they may)."""
    check_can_run(user=user, session=session)
    looked_at = (
        [audit.VIEWED, audit.DROP_OFF_VIEWED] if session.activity.drop_off else [audit.VIEWED]
    )
    audit.record_looks(session, looked_at, user=user)


@dataclass(frozen=True)
class RegisterAction:
    """One thing done to a booking from the register: the bookings rule that does it, the kind
    of audit entry it leaves, and what the person is told when it is done."""

    run: Callable[[Booking, object], object]
    logged_as: str
    done: str  # "{name}" is the family's short name


def _check_in(booking: Booking, by) -> Booking:
    return booking_register.mark_attendance(
        booking_id=booking.pk, attendance=Attendance.ATTENDED, by=by
    )


def _no_show(booking: Booking, by) -> Booking:
    return booking_register.mark_attendance(
        booking_id=booking.pk, attendance=Attendance.NO_SHOW, by=by
    )


def _paid_at_centre(booking: Booking, by) -> Booking:
    return booking_register.record_payment_at_centre(booking_id=booking.pk, by=by)


NOT_A_COURSE_BOOKING = _("This family booked this session on its own, not as part of a course.")


def _course_paid_at_centre(booking: Booking, by) -> Booking:
    # The course's price is paid once, for the whole run, from any of its sessions' registers.
    if not booking.course_booking_id:
        raise ChampionError(NOT_A_COURSE_BOOKING)
    booking_register.record_course_payment_at_centre(
        course_booking_id=booking.course_booking_id, by=by
    )
    return booking


def _cancel_for_family(booking: Booking, by) -> Booking:
    # The family is told by e-mail, and freed places go to the waiting list.
    return booking_services.cancel_booking(booking_id=booking.pk, by=by, on_behalf=True)


def _offer_place(booking: Booking, by) -> Booking:
    return booking_services.offer_place(booking_id=booking.pk, by=by)


REGISTER_ACTIONS = {
    "check-in": RegisterAction(_check_in, audit.CHECKED_IN, _("{name} is checked in.")),
    "no-show": RegisterAction(_no_show, audit.NO_SHOW, _("{name} is marked as not coming.")),
    "paid": RegisterAction(
        _paid_at_centre, audit.PAID_AT_CENTRE, _("{name} is marked as paid at the centre.")
    ),
    "course-paid": RegisterAction(
        _course_paid_at_centre,
        audit.PAID_AT_CENTRE,
        _("{name} is marked as paid at the centre for the whole course."),
    ),
    "cancel": RegisterAction(
        _cancel_for_family,
        audit.CANCELLED_FOR_FAMILY,
        _("{name}'s booking is cancelled; they have been told."),
    ),
    "offer": RegisterAction(
        _offer_place, audit.OFFERED_PLACE, _("{name} has been given a place and told by e-mail.")
    ),
}


def run_register_action(*, user, session: Session, booking_id: int, action: str) -> str:
    """Runs one action of `REGISTER_ACTIONS` on a booking of this session: checks the person may
    run the register, applies the bookings rule, logs it. Returns what to tell them."""
    register_action = REGISTER_ACTIONS[action]
    check_can_run(user=user, session=session)
    booking = Booking.objects.select_related("parent").get(pk=booking_id, session=session)
    register_action.run(booking, user)
    audit.record(
        session,
        register_action.logged_as,
        user=user,
        detail=f"Booking {booking.reference}",
        booking=booking.reference,
    )
    return register_action.done.format(name=short_name(booking))


OFFLINE_NOT_BOOKED = _(
    "{name}: not checked in. Their booking is now {status}, since you went offline. "
    "If they are here, add them as a walk-in."
)
OFFLINE_NOT_ON_REGISTER = _("This family is not on this session's register any more.")


def check_in_from_offline(*, user, session: Session, booking_id: int) -> str:
    """A check-in the champion made without a signal, sent once the phone is back online: the
    same person and second-factor rules as the button, and a plain account of what changed in
    the meantime when it can no longer be done."""
    check_can_run(user=user, session=session)
    booking = (
        Booking.objects.select_related("parent").filter(pk=booking_id, session=session).first()
    )
    if booking is None:
        raise ChampionError(OFFLINE_NOT_ON_REGISTER)
    if booking.status != Booking.Status.CONFIRMED:
        raise ChampionError(
            OFFLINE_NOT_BOOKED.format(
                name=short_name(booking), status=booking.get_status_display().lower()
            )
        )
    try:
        return run_register_action(
            user=user, session=session, booking_id=booking.pk, action="check-in"
        )
    except ApplicationError as error:
        raise ChampionError(f"{short_name(booking)}: {error.message}") from None


def add_walk_in(
    *,
    user,
    session: Session,
    label: str,
    children: int,
    adults: int,
    over_capacity: bool = False,
) -> WalkIn:
    check_can_run(user=user, session=session)
    walk_in = booking_register.record_walk_in(
        session_id=session.pk,
        label=label,
        children=children,
        adults=adults,
        by=user,
        over_capacity=over_capacity,
    )
    who = f"{walk_in.label}: {walk_in.places} place{'s' if walk_in.places != 1 else ''}"
    facts = {"walk_in": walk_in.pk, "places": walk_in.places}
    if walk_in.over_capacity:
        taken = booking_selectors.places_taken(session)
        audit.record(
            session,
            audit.WALK_IN_OVER_CAPACITY,
            user=user,
            detail=f"{who}; confirmed over capacity ({taken} of {session.capacity} places)",
            places_taken=taken,
            capacity=session.capacity,
            **facts,
        )
    else:
        audit.record(session, audit.WALK_IN, user=user, detail=who, **facts)
    return walk_in


def _sender(user, session: Session) -> str:
    """How the families' e-mail signs off: a practitioner with their organisation. Without a
    name, words (lazy) that each family's message puts in its own language."""
    role = (
        Practitioner.objects.filter(
            user=user, centre_id=session.centre_id, partner_id=session.activity.partner_id
        )
        .select_related("partner")
        .first()
    )
    if role is not None:
        return f"{user.first_name}, {role.partner.name}" if user.first_name else role.partner.name
    return user.first_name or _("a parent champion")


def _message_family(booking, session, centre, subject: str, body: str, sender: str) -> None:
    text = render_to_string(
        "parent_champions/email/message_to_families.txt",
        {
            "booking": booking,
            "session": session,
            "body": body,
            "sender": sender,
            "centre": centre,
        },
    )
    EmailMessage(
        subject=f"{subject} ({session.activity.title})",
        body=text,
        to=[booking.parent.email],
        reply_to=[centre.email] if centre.email else None,
    ).send()


def message_families(*, user, session: Session, subject: str, body: str) -> int:
    """E-mails everyone with a confirmed booking, one message each, so no family sees another's
    address (and the sender sees none). Returns how many families were written to."""
    check_can_run(user=user, session=session)
    subject = (subject or "").strip()
    body = (body or "").strip()
    limit = settings.CHAMPION_MESSAGE_MAX_LENGTH
    if not subject:
        raise ChampionError(SUBJECT_EMPTY, field="subject")
    if not body:
        raise ChampionError(MESSAGE_EMPTY, field="body")
    if len(body) > limit:
        raise ChampionError(MESSAGE_TOO_LONG.format(max=limit, n=len(body)), field="body")
    bookings = list(
        # Anonymised bookings (the family deleted its account) have nobody to write to.
        Booking.objects.filter(
            session=session, status__in=Booking.HOLDING_STATUSES, parent__isnull=False
        ).select_related("parent")
    )
    if not bookings:
        raise ChampionError(NOBODY_BOOKED)
    centre = session.centre
    sender = _sender(user, session)
    for booking in bookings:
        # The champion's own words stay as written; the rest is in each family's language.
        with speaking_to(booking.parent):
            _message_family(booking, session, centre, subject, body, sender)
    audit.record(
        session,
        audit.MESSAGED,
        user=user,
        detail=f"To {len(bookings)} families. Subject: {subject}\n\n{body}",
        subject=subject,
        body=body,
        families=len(bookings),
    )
    return len(bookings)
