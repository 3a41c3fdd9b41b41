"""Writes for sessions and bookings. Every change to who holds places on a session happens here,
under a lock on the session row: lock, re-read, check, write — so a session never holds more
places than its capacity, whatever the concurrency."""

import contextlib
import datetime
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from startwell.models import Child

from . import notifications
from .models import Attendance, Booking, Session, WalkIn


class BookingError(Exception):
    """A booking rule refused the request; `message` is written for the family."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


NOT_VERIFIED = "Please confirm your e-mail address before booking. We have sent you a link."
SESSION_CANCELLED = "This session has been cancelled by the centre."
NOT_OPEN_YET = "Booking for this session opens on {opens}."
CLOSED = "Booking for this session has closed."
STARTED = "This session has already started."
DUPLICATE = "You already have a booking for this session (reference {reference})."
TOO_MANY_PLACES = "You can book up to {max} place{s} on this session."
NO_PLACES = "Choose at least one child to book for."
NO_ADULTS = "Choose how many adults are coming (at least one)."
NOT_YOUR_CHILD = "Choose from your own children."
FULL = "Sorry, this session is full."
FULL_NOT_ENOUGH = "Sorry, only {left} place{s} left on this session."
CUTOFF_PASSED = "It is too late to cancel this booking online. Please call the centre."
NOT_CANCELLABLE = "This booking is not active, so there is nothing to cancel."
NOT_WAITING = "You are not on the waiting list for this session."
ALREADY_CANCELLED = "This session is already cancelled."
REASON_REQUIRED = "Say why the session is cancelled: families will read it."
CAPACITY_BELOW_BOOKED = (
    "{taken} place{s} already booked, so the capacity cannot be lower than {taken}."
)
CANNOT_EDIT_CANCELLED = "This session has been cancelled, so it can no longer be changed."


def _plural(n: int) -> str:
    return "" if n == 1 else "s"


def _locking_enabled() -> bool:
    # Switched off only by the concurrency tests' control run, to show the race is real.
    return getattr(settings, "BOOKINGS_LOCK_SESSIONS", True)


@contextlib.contextmanager
def _locked_session(session_id: int) -> Iterator[Session]:
    """Yields the session locked for the rest of one durable transaction: the row lock on
    PostgreSQL, the database's write lock (IMMEDIATE transaction) on SQLite."""
    if not _locking_enabled():
        yield Session.objects.select_related("activity").get(pk=session_id)
        return
    with transaction.atomic(durable=True):
        yield Session.objects.select_for_update().select_related("activity").get(pk=session_id)


def places_taken(session: Session) -> int:
    """Places that count against capacity, read fresh from the rows: bookings holding places and
    the families who walked in on the day."""
    total = Booking.objects.filter(session=session, status__in=Booking.HOLDING_STATUSES).aggregate(
        total=Sum("places")
    )["total"]
    walk_ins = WalkIn.objects.filter(session=session).aggregate(total=Sum("places"))["total"]
    return (total or 0) + (walk_ins or 0)


def _age_problem(session: Session, child: Child) -> str | None:
    activity = session.activity
    day = timezone.localtime(session.start).date()
    age = child.age_in_months_on(day)
    if age < 0:
        return f"{child.first_name} will not be born yet on {day:%-d %B}."
    too_young = activity.min_age_months is not None and age < activity.min_age_months
    too_old = activity.max_age_months is not None and age > activity.max_age_months
    if too_young or too_old:
        return (
            f"{activity.title} is for children aged {activity.audience.lower()}; "
            f"{child.first_name} will be {age} month{_plural(age)} old on {day:%-d %B}."
        )
    return None


def _check_window(session: Session, now: datetime.datetime) -> None:
    if session.is_cancelled:
        raise BookingError(SESSION_CANCELLED)
    if session.start <= now:
        raise BookingError(STARTED)
    if session.booking_opens and now < session.booking_opens:
        opens = timezone.localtime(session.booking_opens)
        raise BookingError(NOT_OPEN_YET.format(opens=f"{opens:%-d %B at %H:%M}"))
    if now >= session.bookable_until:
        raise BookingError(CLOSED)


def booking_refusal(session: Session) -> str | None:
    """Why the session cannot be booked right now (cancelled, not open yet, closed, started),
    or None. For showing the state before anyone tries; `book_session` checks again under
    the lock."""
    try:
        _check_window(session, timezone.now())
    except BookingError as error:
        return error.message
    return None


def can_cancel_online(booking: Booking) -> bool:
    """Whether the family may still cancel this confirmed booking themselves."""
    return (
        booking.status == Booking.Status.CONFIRMED
        and not booking.session.is_cancelled
        and timezone.now() < booking.session.cancellable_until
    )


def _check_party(session: Session, parent, children: list[Child], adults: int) -> int:
    """Checks who the booking is for and returns the number of places it needs."""
    if session.activity.adults_only:
        if adults < 1:
            raise BookingError(NO_ADULTS, field="adults")
        places = adults
    else:
        if not children:
            raise BookingError(NO_PLACES, field="children")
        if any(child.parent_id != parent.pk for child in children):
            raise BookingError(NOT_YOUR_CHILD, field="children")
        problems = [p for p in (_age_problem(session, child) for child in children) if p]
        if problems:
            raise BookingError(" ".join(problems), field="children")
        places = len(children)
    if places > session.max_places_per_booking:
        limit = session.max_places_per_booking
        raise BookingError(TOO_MANY_PLACES.format(max=limit, s=_plural(limit)), field="children")
    return places


def has_verified_email(user) -> bool:
    return user.emailaddress_set.filter(verified=True).exists()


def book_session(
    *,
    parent,
    session_id: int,
    children: Iterable[Child] = (),
    adults: int = 0,
    join_waiting_list: bool = False,
    access_notes: str = "",
) -> Booking:
    """Books places for the parent's children (or a number of adults) on a session.

    Confirmed at once when places remain. When the session is full the household joins the
    waiting list as a unit if it asked to; otherwise `BookingError(FULL)` is raised.
    """
    if not has_verified_email(parent):
        raise BookingError(NOT_VERIFIED)
    children = list(children)
    access_notes = (access_notes or "").strip()[:500]
    try:
        with _locked_session(session_id) as session:
            now = timezone.now()
            _check_window(session, now)
            places = _check_party(session, parent, children, adults)
            existing = Booking.objects.filter(
                session=session, parent=parent, status__in=Booking.ACTIVE_STATUSES
            ).first()
            if existing:
                raise BookingError(DUPLICATE.format(reference=existing.reference))
            left = session.capacity - places_taken(session)
            if places <= left:
                booking = Booking.objects.create(
                    session=session,
                    parent=parent,
                    status=Booking.Status.CONFIRMED,
                    places=places,
                    adults=adults if session.activity.adults_only else 0,
                    access_notes=access_notes,
                    confirmed_at=now,
                )
                notify = notifications.booking_confirmed
            elif join_waiting_list:
                booking = Booking.objects.create(
                    session=session,
                    parent=parent,
                    status=Booking.Status.WAITING,
                    places=places,
                    adults=adults if session.activity.adults_only else 0,
                    access_notes=access_notes,
                    waiting_since=now,
                )
                notify = notifications.waiting_list_joined
            elif left > 0:
                raise BookingError(FULL_NOT_ENOUGH.format(left=left, s=_plural(left)))
            else:
                raise BookingError(FULL)
            if children and not session.activity.adults_only:
                booking.children.set(children)
            notify(booking)
            return booking
    except IntegrityError as error:
        # Two requests from the same household crossed; the constraint kept one.
        raise BookingError(DUPLICATE.format(reference="already made")) from error


def _promote_waiting(session: Session) -> list[Booking]:
    """Moves waiting households into freed places, first come first served, skipping any that
    need more places than are free. Call with the session locked."""
    left = session.capacity - places_taken(session)
    promoted = []
    if left <= 0 or session.is_cancelled or session.start <= timezone.now():
        return promoted
    waiting = Booking.objects.filter(session=session, status=Booking.Status.WAITING).order_by(
        "waiting_since", "pk"
    )
    now = timezone.now()
    for booking in waiting:
        if booking.places <= left:
            booking.status = Booking.Status.CONFIRMED
            booking.confirmed_at = now
            booking.save(update_fields=["status", "confirmed_at"])
            left -= booking.places
            promoted.append(booking)
            notifications.promoted_from_waiting_list(booking)
        if left <= 0:
            break
    return promoted


def cancel_booking(*, booking_id: int, by, on_behalf: bool = False) -> Booking:
    """Cancels a confirmed booking (or leaves the waiting list) and offers the freed places to
    the waiting list. Families may cancel until the cutoff; staff acting on a family's behalf
    (`on_behalf=True`) may cancel at any time before the start."""
    session_id = Booking.objects.values_list("session_id", flat=True).get(pk=booking_id)
    with _locked_session(session_id) as session:
        booking = Booking.objects.get(pk=booking_id)
        now = timezone.now()
        if booking.status == Booking.Status.WAITING:
            booking.status = Booking.Status.LEFT_WAITING_LIST
        elif booking.status == Booking.Status.CONFIRMED:
            if not on_behalf and now >= session.cancellable_until:
                raise BookingError(CUTOFF_PASSED)
            booking.status = Booking.Status.CANCELLED
        else:
            raise BookingError(NOT_CANCELLABLE)
        booking.cancelled_at = now
        booking.cancelled_by = by
        booking.save(update_fields=["status", "cancelled_at", "cancelled_by"])
        notifications.booking_cancelled(booking, on_behalf=on_behalf)
        _promote_waiting(session)
        return booking


def leave_waiting_list(*, booking_id: int, by) -> Booking:
    booking = Booking.objects.get(pk=booking_id)
    if booking.status != Booking.Status.WAITING:
        raise BookingError(NOT_WAITING)
    return cancel_booking(booking_id=booking_id, by=by)


def cancel_session(*, session_id: int, reason: str, by) -> Session:
    """The centre cancels a whole session: every booked and waiting family is told."""
    reason = (reason or "").strip()
    if not reason:
        raise BookingError(REASON_REQUIRED, field="reason")
    with _locked_session(session_id) as session:
        if session.is_cancelled:
            raise BookingError(ALREADY_CANCELLED)
        session.status = Session.Status.CANCELLED
        session.cancellation_reason = reason
        session.save(update_fields=["status", "cancellation_reason", "updated_at"])
        now = timezone.now()
        affected = list(
            Booking.objects.filter(
                session=session, status__in=Booking.ACTIVE_STATUSES
            ).select_related("parent")
        )
        Booking.objects.filter(pk__in=[b.pk for b in affected]).update(
            status=Booking.Status.CANCELLED, cancelled_at=now, cancelled_by=by
        )
        for booking in affected:
            notifications.session_cancelled(booking, session=session)
        return session


# What may change on an existing session (the activity stays: bookings were made for it).
EDITABLE_SESSION_FIELDS = (
    "venue",
    "start",
    "end",
    "capacity",
    "max_places_per_booking",
    "booking_opens",
    "booking_closes",
    "cancellation_cutoff",
)


def update_session(*, session_id: int, changes: dict, by) -> Session:
    """Saves changes to a session under its lock (a manager's in the admin, a hosting champion's
    on the register pages). The capacity may not drop below the places already taken; places
    added go to the waiting list, first come first served."""
    unknown = set(changes) - set(EDITABLE_SESSION_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    with _locked_session(session_id) as session:
        if session.is_cancelled:
            raise BookingError(CANNOT_EDIT_CANCELLED)
        for name, value in changes.items():
            setattr(session, name, value)
        taken = places_taken(session)
        if session.capacity < taken:
            raise BookingError(
                CAPACITY_BELOW_BOOKED.format(taken=taken, s=_plural(taken)), field="capacity"
            )
        session.save()
        _promote_waiting(session)
        return session


# --- On the day: the register ------------------------------------------------------------------
# Whoever runs the register (a champion or a manager; the caller checks who may) records who came,
# walk-ins, payments taken at the centre, and offers waiting households a place.

NOT_SESSION_DAY = "Attendance can be marked from the day of the session ({day})."
NOT_STARTED_FOR_NO_SHOW = "A family can be marked as not coming only once the session has started."
NOT_BOOKED = "Only families with a confirmed booking can be marked on the register."
WALK_IN_NOT_TODAY = "Walk-ins can be added on the day of the session only."
WALK_IN_NO_LABEL = "Give a first name or a label, so the family can be told apart on the register."
WALK_IN_NO_CHILDREN = "Say how many children came (at least one)."
WALK_IN_NO_ADULTS = "Say how many adults came (at least one)."
WALK_IN_OVER_CAPACITY = (
    "This walk-in needs {places} place{s} but {left} {are} left. To record them anyway, tick "
    "'Take the session over capacity'."
)
ALREADY_PAID = "This booking is already marked as paid at the centre."
NOT_WAITING_FOR_OFFER = "This family is not on the waiting list any more."
NO_ROOM_FOR_OFFER = "There {are} {left} place{s} left and this family needs {places}."


def _session_day(session: Session):
    return timezone.localtime(session.start).date()


def _check_register_open(session: Session) -> None:
    if session.is_cancelled:
        raise BookingError(SESSION_CANCELLED)


def mark_attendance(*, booking_id: int, attendance: str, by) -> Booking:
    """Marks a confirmed booking as attended (from the session day) or as a no-show (once the
    session has started). Marking again replaces the earlier mark."""
    if attendance not in (Attendance.ATTENDED, Attendance.NO_SHOW):
        raise ValueError(f"Not a booking attendance: {attendance}")
    with transaction.atomic():
        booking = Booking.objects.select_for_update().select_related("session").get(pk=booking_id)
        session = booking.session
        _check_register_open(session)
        if booking.status != Booking.Status.CONFIRMED:
            raise BookingError(NOT_BOOKED)
        now = timezone.now()
        day = _session_day(session)
        if timezone.localdate(now) < day:
            raise BookingError(NOT_SESSION_DAY.format(day=f"{day:%A %-d %B}"))
        if attendance == Attendance.NO_SHOW and now < session.start:
            raise BookingError(NOT_STARTED_FOR_NO_SHOW)
        booking.attendance = attendance
        booking.attendance_recorded_at = now
        booking.attendance_recorded_by = by
        booking.save(
            update_fields=["attendance", "attendance_recorded_at", "attendance_recorded_by"]
        )
        return booking


def record_walk_in(
    *, session_id: int, label: str, children: int, adults: int, by, over_capacity: bool = False
) -> WalkIn:
    """Records a family who came without a booking. Their places count against capacity; going
    past it needs `over_capacity=True`, which is kept on the row."""
    label = (label or "").strip()
    if not label:
        raise BookingError(WALK_IN_NO_LABEL, field="label")
    with _locked_session(session_id) as session:
        _check_register_open(session)
        if timezone.localdate() != _session_day(session):
            raise BookingError(WALK_IN_NOT_TODAY)
        if session.activity.adults_only:
            if adults < 1:
                raise BookingError(WALK_IN_NO_ADULTS, field="adults")
            places = adults
        else:
            if children < 1:
                raise BookingError(WALK_IN_NO_CHILDREN, field="children")
            places = children
        left = max(session.capacity - places_taken(session), 0)
        past_capacity = places > left
        if past_capacity and not over_capacity:
            raise BookingError(
                WALK_IN_OVER_CAPACITY.format(
                    places=places, s=_plural(places), left=left, are="is" if left == 1 else "are"
                ),
                field="over_capacity",
            )
        return WalkIn.objects.create(
            session=session,
            label=label,
            children=children,
            adults=adults,
            places=places,
            over_capacity=past_capacity,
            recorded_by=by,
        )


def record_payment_at_centre(*, booking_id: int, by) -> Booking:
    """Notes that the family paid at the centre for a confirmed booking."""
    with transaction.atomic():
        booking = Booking.objects.select_for_update().select_related("session").get(pk=booking_id)
        _check_register_open(booking.session)
        if booking.status != Booking.Status.CONFIRMED:
            raise BookingError(NOT_BOOKED)
        if booking.paid_at_centre_at:
            raise BookingError(ALREADY_PAID)
        booking.paid_at_centre_at = timezone.now()
        booking.paid_at_centre_by = by
        booking.save(update_fields=["paid_at_centre_at", "paid_at_centre_by"])
        return booking


def offer_place(*, booking_id: int, by) -> Booking:
    """Gives a waiting household a place now, out of turn if the person running the register
    chooses to (a family that fits when the first in line does not, say). The family is told."""
    session_id = Booking.objects.values_list("session_id", flat=True).get(pk=booking_id)
    with _locked_session(session_id) as session:
        booking = Booking.objects.get(pk=booking_id)
        _check_register_open(session)
        if booking.status != Booking.Status.WAITING:
            raise BookingError(NOT_WAITING_FOR_OFFER)
        if session.start <= timezone.now():
            raise BookingError(STARTED)
        left = max(session.capacity - places_taken(session), 0)
        if booking.places > left:
            raise BookingError(
                NO_ROOM_FOR_OFFER.format(
                    are="is" if left == 1 else "are",
                    left=left,
                    s=_plural(left),
                    places=booking.places,
                )
            )
        booking.status = Booking.Status.CONFIRMED
        booking.confirmed_at = timezone.now()
        booking.save(update_fields=["status", "confirmed_at"])
        notifications.promoted_from_waiting_list(booking)
        return booking
