"""Writes for parent champions: applying, a manager's decisions and records, hosting, and what a
champion (or manager) does with a register. Every register view and change is logged."""

import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from bookings import register as booking_register
from bookings import selectors as booking_selectors
from bookings import services as booking_services
from bookings.errors import BookingError
from bookings.models import Attendance, Booking, Session
from cms.models import ActivityPage, CentrePage

from . import notifications
from .models import Champion, ChampionApplication, Hosting, RegisterLogEntry
from .selectors import hosts_activity, manages_centre


class ChampionError(Exception):
    """A champions rule refused the request; `message` is written for the person asking."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


NOT_VERIFIED = "Please confirm your e-mail address before applying. We have sent you a link."
ALREADY_APPLIED = (
    "You already have an application waiting for a decision at {centre}. "
    "We will e-mail you when the centre has decided."
)
ALREADY_CHAMPION = "You are already a champion at {centre}."
FIELD_REQUIRED = "Please fill this in."
NOT_OPEN = "This application has already been decided."
REASON_REQUIRED = "Say why the application is declined: the parent will read it."
NOT_MANAGER = "Only the centre's managers can do this."
ALREADY_SUSPENDED = "This champion is already suspended."
NOT_SUSPENDED = "This champion is not suspended."
DATE_IN_FUTURE = "This date is in the future. Enter the date the check was done."
HOST_ONE_THING = "Choose one activity or one session to host."
HOST_OTHER_CENTRE = "Champions can only host activities and sessions at their own centre."
HOST_SUSPENDED = "A suspended champion cannot host."
HOST_NO_CHECKS = (
    "{name} cannot host sessions for children until their DBS check and safeguarding training "
    "are both recorded and current."
)
ALREADY_HOSTING = "{name} already hosts this."
SUSPENDED = (
    "Your champion role at {centre} is suspended, so you cannot run registers or sessions. "
    "Please talk to the centre manager."
)
CHECKS_LAPSED = (
    "Your DBS check or safeguarding training is not current, so you cannot run sessions for "
    "children. Please talk to the centre manager to renew them."
)
NOT_HOST = "You can only create and change sessions for the activities you host."
MESSAGE_EMPTY = "Write a message to send."
MESSAGE_TOO_LONG = "Keep the message to {max} characters or fewer (it has {n})."
SUBJECT_EMPTY = "Give the message a subject."
NOBODY_BOOKED = "Nobody is booked on this session yet, so there is nobody to message."
SESSION_ENDS_BEFORE_START = "The session must end after it starts."
VENUE_OTHER_CENTRE = "Choose one of this centre's venues."
START_IN_PAST = "Choose a start time in the future."


def _required(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ChampionError(FIELD_REQUIRED, field=field)
    return value


def _log(*, session: Session, actor, action: str, detail: str = "") -> RegisterLogEntry:
    return RegisterLogEntry.objects.create(
        session=session, centre_id=session.centre_id, actor=actor, action=action, detail=detail
    )


# --- Applying and a manager's decisions --------------------------------------------------------


def apply_to_be_champion(
    *, parent, centre_id: int, why: str, strengths: str, availability: str
) -> ChampionApplication:
    if not booking_selectors.has_verified_email(parent):
        raise ChampionError(NOT_VERIFIED)
    why = _required(why, "why")
    strengths = _required(strengths, "strengths")
    availability = _required(availability, "availability")
    centre = CentrePage.objects.get(pk=centre_id)
    if Champion.objects.filter(user=parent, centre=centre).exists():
        raise ChampionError(ALREADY_CHAMPION.format(centre=centre.title), field="centre")
    if ChampionApplication.objects.filter(
        parent=parent, centre=centre, status=ChampionApplication.Status.OPEN
    ).exists():
        raise ChampionError(ALREADY_APPLIED.format(centre=centre.title), field="centre")
    try:
        with transaction.atomic():
            application = ChampionApplication.objects.create(
                parent=parent,
                centre=centre,
                why=why,
                strengths=strengths,
                availability=availability,
            )
    except IntegrityError as error:
        # A second submission crossed the first; the constraint kept one.
        raise ChampionError(ALREADY_APPLIED.format(centre=centre.title), field="centre") from error
    notifications.application_received(application)
    return application


def _check_manager(by, centre_id: int) -> None:
    if not manages_centre(by, centre_id):
        raise ChampionError(NOT_MANAGER)


def _open_application_locked(application_id: int) -> ChampionApplication:
    application = (
        ChampionApplication.objects.select_for_update()
        .select_related("centre", "parent")
        .get(pk=application_id)
    )
    if not application.is_open:
        raise ChampionError(NOT_OPEN)
    return application


@transaction.atomic
def approve_application(*, application_id: int, by) -> Champion:
    """Approves an open application: the parent becomes an active champion at the centre (their
    checks still need recording before they host for children)."""
    application = _open_application_locked(application_id)
    _check_manager(by, application.centre_id)
    now = timezone.now()
    application.status = ChampionApplication.Status.APPROVED
    application.decided_by = by
    application.decided_at = now
    application.save(update_fields=["status", "decided_by", "decided_at"])
    champion, _ = Champion.objects.get_or_create(
        user=application.parent,
        centre=application.centre,
        defaults={"approved_by": by, "approved_at": now},
    )
    notifications.application_decided(application)
    return champion


@transaction.atomic
def decline_application(*, application_id: int, reason: str, by) -> ChampionApplication:
    reason = (reason or "").strip()
    if not reason:
        raise ChampionError(REASON_REQUIRED, field="reason")
    application = _open_application_locked(application_id)
    _check_manager(by, application.centre_id)
    application.status = ChampionApplication.Status.DECLINED
    application.decision_reason = reason
    application.decided_by = by
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
    notifications.application_decided(application)
    return application


def _champion_locked(champion_id: int, by) -> Champion:
    champion = (
        Champion.objects.select_for_update().select_related("user", "centre").get(pk=champion_id)
    )
    _check_manager(by, champion.centre_id)
    return champion


@transaction.atomic
def suspend_champion(*, champion_id: int, by) -> Champion:
    champion = _champion_locked(champion_id, by)
    if not champion.is_active:
        raise ChampionError(ALREADY_SUSPENDED)
    champion.status = Champion.Status.SUSPENDED
    champion.status_changed_at = timezone.now()
    champion.save(update_fields=["status", "status_changed_at"])
    return champion


@transaction.atomic
def reinstate_champion(*, champion_id: int, by) -> Champion:
    champion = _champion_locked(champion_id, by)
    if champion.is_active:
        raise ChampionError(NOT_SUSPENDED)
    champion.status = Champion.Status.ACTIVE
    champion.status_changed_at = timezone.now()
    champion.save(update_fields=["status", "status_changed_at"])
    return champion


@transaction.atomic
def record_checks(
    *,
    champion_id: int,
    dbs_checked_on: datetime.date | None,
    training_completed_on: datetime.date | None,
    by,
) -> Champion:
    """Records the dates of a champion's DBS check and safeguarding training."""
    today = timezone.localdate()
    for name, day in [
        ("dbs_checked_on", dbs_checked_on),
        ("training_completed_on", training_completed_on),
    ]:
        if day and day > today:
            raise ChampionError(DATE_IN_FUTURE, field=name)
    champion = _champion_locked(champion_id, by)
    champion.dbs_checked_on = dbs_checked_on
    champion.training_completed_on = training_completed_on
    champion.save(update_fields=["dbs_checked_on", "training_completed_on"])
    return champion


def _for_children(activity: ActivityPage) -> bool:
    return not activity.adults_only


@transaction.atomic
def assign_host(
    *, champion_id: int, by, activity_id: int | None = None, session_id: int | None = None
) -> Hosting:
    """Makes a champion the host of an activity (all its sessions) or of one session. Hosting
    anything for children needs both checks current."""
    if (activity_id is None) == (session_id is None):
        raise ChampionError(HOST_ONE_THING, field="what")
    champion = _champion_locked(champion_id, by)
    if activity_id is not None:
        activity = ActivityPage.objects.get(pk=activity_id)
        session = None
        centre_id = CentrePage.objects.ancestor_of(activity).values_list("pk", flat=True).first()
    else:
        session = Session.objects.select_related("activity").get(pk=session_id)
        activity = session.activity
        centre_id = session.centre_id
    name = champion.user.get_full_name() or champion.user.display_name
    if centre_id != champion.centre_id:
        raise ChampionError(HOST_OTHER_CENTRE, field="what")
    if not champion.is_active:
        raise ChampionError(HOST_SUSPENDED, field="what")
    if _for_children(activity) and not champion.checks_current:
        raise ChampionError(HOST_NO_CHECKS.format(name=name), field="what")
    hosting_filter = {"session": session} if session else {"activity": activity}
    if Hosting.objects.filter(champion=champion, **hosting_filter).exists():
        raise ChampionError(ALREADY_HOSTING.format(name=name), field="what")
    return Hosting.objects.create(
        champion=champion,
        activity=None if session else activity,
        session=session,
        assigned_by=by,
    )


@transaction.atomic
def remove_hosting(*, hosting_id: int, by) -> None:
    hosting = Hosting.objects.select_related("champion").get(pk=hosting_id)
    _check_manager(by, hosting.champion.centre_id)
    hosting.delete()


# --- Running a register -----------------------------------------------------------------------


def check_can_run(*, user, session: Session) -> None:
    """Whether this person may see and change the session's register (or edit it). Managers of
    the centre and superusers may; a champion of the centre only while active, and for children's
    sessions only with current checks. Callers have already scoped the session to the person
    (another centre's session is a 404 before it gets here)."""
    if user.is_superuser or manages_centre(user, session.centre_id):
        return
    champion = Champion.objects.filter(user=user, centre_id=session.centre_id).first()
    if champion is None:
        raise ChampionError(NOT_MANAGER)
    if not champion.is_active:
        raise ChampionError(SUSPENDED.format(centre=session.centre.title))
    if _for_children(session.activity) and not champion.checks_current:
        raise ChampionError(CHECKS_LAPSED)


def _run(user, session: Session, action, detail: str, write):
    """Checks who is asking, makes the change through the bookings rules, then logs it."""
    check_can_run(user=user, session=session)
    try:
        result = write()
    except BookingError as error:
        raise ChampionError(error.message, field=error.field) from error
    _log(session=session, actor=user, action=action, detail=detail)
    return result


def open_register(*, user, session: Session) -> None:
    """Logs that this person looked at the register (after checking they may)."""
    check_can_run(user=user, session=session)
    _log(session=session, actor=user, action=RegisterLogEntry.Action.VIEWED)


def _booking_on(session: Session, booking_id: int) -> Booking:
    return Booking.objects.get(pk=booking_id, session=session)


def check_in(*, user, session: Session, booking_id: int) -> Booking:
    booking = _booking_on(session, booking_id)
    return _run(
        user,
        session,
        RegisterLogEntry.Action.CHECKED_IN,
        f"Booking {booking.reference}",
        lambda: booking_register.mark_attendance(
            booking_id=booking.pk, attendance=Attendance.ATTENDED, by=user
        ),
    )


def mark_no_show(*, user, session: Session, booking_id: int) -> Booking:
    booking = _booking_on(session, booking_id)
    return _run(
        user,
        session,
        RegisterLogEntry.Action.NO_SHOW,
        f"Booking {booking.reference}",
        lambda: booking_register.mark_attendance(
            booking_id=booking.pk, attendance=Attendance.NO_SHOW, by=user
        ),
    )


def mark_paid_at_centre(*, user, session: Session, booking_id: int) -> Booking:
    booking = _booking_on(session, booking_id)
    return _run(
        user,
        session,
        RegisterLogEntry.Action.PAID_AT_CENTRE,
        f"Booking {booking.reference}",
        lambda: booking_register.record_payment_at_centre(booking_id=booking.pk, by=user),
    )


def cancel_for_family(*, user, session: Session, booking_id: int) -> Booking:
    """Cancels a booking (or a place on the waiting list) on the family's behalf; the family is
    told by e-mail and freed places go to the waiting list."""
    booking = _booking_on(session, booking_id)
    return _run(
        user,
        session,
        RegisterLogEntry.Action.CANCELLED_FOR_FAMILY,
        f"Booking {booking.reference}",
        lambda: booking_services.cancel_booking(booking_id=booking.pk, by=user, on_behalf=True),
    )


def offer_place(*, user, session: Session, booking_id: int) -> Booking:
    booking = _booking_on(session, booking_id)
    return _run(
        user,
        session,
        RegisterLogEntry.Action.OFFERED_PLACE,
        f"Booking {booking.reference}",
        lambda: booking_services.offer_place(booking_id=booking.pk, by=user),
    )


def add_walk_in(
    *,
    user,
    session: Session,
    label: str,
    children: int,
    adults: int,
    over_capacity: bool = False,
):
    check_can_run(user=user, session=session)
    try:
        walk_in = booking_register.record_walk_in(
            session_id=session.pk,
            label=label,
            children=children,
            adults=adults,
            by=user,
            over_capacity=over_capacity,
        )
    except BookingError as error:
        raise ChampionError(error.message, field=error.field) from error
    who = f"{walk_in.label}: {walk_in.places} place{'s' if walk_in.places != 1 else ''}"
    if walk_in.over_capacity:
        taken = booking_selectors.places_taken(session)
        _log(
            session=session,
            actor=user,
            action=RegisterLogEntry.Action.WALK_IN_OVER_CAPACITY,
            detail=f"{who}; confirmed over capacity ({taken} of {session.capacity} places)",
        )
    else:
        _log(session=session, actor=user, action=RegisterLogEntry.Action.WALK_IN, detail=who)
    return walk_in


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
        Booking.objects.filter(session=session, status__in=Booking.HOLDING_STATUSES).select_related(
            "parent"
        )
    )
    if not bookings:
        raise ChampionError(NOBODY_BOOKED)
    centre = session.centre
    for booking in bookings:
        text = render_to_string(
            "parent_champions/email/message_to_families.txt",
            {
                "booking": booking,
                "session": session,
                "body": body,
                "sender": user.first_name or "a parent champion",
                "centre": centre,
            },
        )
        EmailMessage(
            subject=f"{subject} ({session.activity.title})",
            body=text,
            to=[booking.parent.email],
            reply_to=[centre.email] if centre.email else None,
        ).send()
    _log(
        session=session,
        actor=user,
        action=RegisterLogEntry.Action.MESSAGED,
        detail=f"To {len(bookings)} families. Subject: {subject}\n\n{body}",
    )
    return len(bookings)


# --- Sessions a champion hosts ----------------------------------------------------------------

SESSION_FIELDS = (
    "venue",
    "start",
    "end",
    "capacity",
    "max_places_per_booking",
    "booking_opens",
    "booking_closes",
    "cancellation_cutoff",
)


def check_can_edit_activity(*, user, activity: ActivityPage, centre_id: int) -> None:
    """Managers of the centre may add and change its sessions; a champion only for activities
    they host, while active, and (for children's activities) with current checks."""
    if user.is_superuser or manages_centre(user, centre_id):
        return
    champion = Champion.objects.filter(user=user, centre_id=centre_id).first()
    if champion is not None and not champion.is_active:
        raise ChampionError(SUSPENDED.format(centre=champion.centre.title))
    if not hosts_activity(user, activity.pk):
        raise ChampionError(NOT_HOST)
    if _for_children(activity) and not champion.checks_current:
        raise ChampionError(CHECKS_LAPSED)


def _check_session_values(values: dict, centre_id: int) -> None:
    if values["end"] <= values["start"]:
        raise ChampionError(SESSION_ENDS_BEFORE_START, field="end")
    venue = values.get("venue")
    if venue is not None and venue.centre_id != centre_id:
        raise ChampionError(VENUE_OTHER_CENTRE, field="venue")


def _describe(value) -> str:
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value):%-d %b %Y %H:%M}"
    if value is None or value == "":
        return "(none)"
    return str(value)


def create_session(*, user, activity_id: int, values: dict) -> Session:
    activity = ActivityPage.objects.get(pk=activity_id)
    centre = CentrePage.objects.ancestor_of(activity).get()
    check_can_edit_activity(user=user, activity=activity, centre_id=centre.pk)
    _check_session_values(values, centre.pk)
    if values["start"] <= timezone.now():
        raise ChampionError(START_IN_PAST, field="start")
    with transaction.atomic():
        session = Session(activity=activity, centre=centre)
        for name in SESSION_FIELDS:
            if name in values:
                setattr(session, name, values[name])
        session.save()
        summary = "; ".join(f"{name}: {_describe(values.get(name))}" for name in SESSION_FIELDS)
        _log(
            session=session,
            actor=user,
            action=RegisterLogEntry.Action.SESSION_CREATED,
            detail=summary,
        )
    return session


def update_session(*, user, session_id: int, values: dict) -> Session:
    """Saves changes to a session through the bookings rules (capacity not below the places
    taken; places added go to the waiting list) and logs what changed, from what to what."""
    session = Session.objects.select_related("activity", "centre").get(pk=session_id)
    check_can_edit_activity(user=user, activity=session.activity, centre_id=session.centre_id)
    _check_session_values(values, session.centre_id)
    changes = {
        name: values[name]
        for name in SESSION_FIELDS
        if name in values and getattr(session, name) != values[name]
    }
    if "start" in changes and changes["start"] <= timezone.now():
        raise ChampionError(START_IN_PAST, field="start")
    if not changes:
        return session
    described = "; ".join(
        f"{name}: {_describe(getattr(session, name))} → {_describe(new)}"
        for name, new in changes.items()
    )
    try:
        session = booking_services.update_session(session_id=session.pk, changes=changes, by=user)
    except BookingError as error:
        raise ChampionError(error.message, field=error.field) from error
    _log(
        session=session,
        actor=user,
        action=RegisterLogEntry.Action.SESSION_CHANGED,
        detail=described,
    )
    return session
