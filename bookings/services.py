"""Writes for sessions and bookings: a family booking, cancelling or leaving the waiting list, the
centre cancelling or changing a session, and a waiting household offered a place out of turn.
Each runs under the session lock (`bookings.locking`): lock, re-read, check, write."""

import dataclasses
import datetime
from collections.abc import Iterable

from django.db import IntegrityError
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from startwell.languages import language_of
from startwell.models import Child
from startwell.selectors import has_verified_email

from . import (
    audit,
    capacity,
    families,
    money,
    notifications,
    selectors,
    stripe_gateway,
    transitions,
)
from . import drop_off as drop_off_rules
from .errors import BookingError
from .locking import locked_course, locked_session, locking_enabled, session_transaction
from .models import Booking, ContactChild, Course, CourseBooking, FamilyContact, Session
from .pricing import SMALLEST_CARD_PAYMENT_PENCE, format_pence

NOT_VERIFIED = _("Please confirm your e-mail address before booking. We have sent you a link.")
STARTED = selectors.STARTED
DUPLICATE = _("You already have a booking for this session (reference {reference}).")
DUPLICATE_FOR_FAMILY = _(
    "This family already has a booking for this session (reference {reference})."
)
NOT_THEIR_CHILD = _("Choose from the family's own children.")
TOO_MANY_PLACES = ngettext_lazy(
    "You can book up to %(max)d place on this session.",
    "You can book up to %(max)d places on this session.",
    "max",
)
NO_PLACES = _("Choose at least one child to book for.")
NO_ADULTS = _("Choose how many adults are coming (at least one).")
NOT_YOUR_CHILD = _("Choose from your own children.")
FULL = _("Sorry, this session is full.")
FULL_NOT_ENOUGH = ngettext_lazy(
    "Sorry, only %(left)d place left on this session.",
    "Sorry, only %(left)d places left on this session.",
    "left",
)
CUTOFF_PASSED = _("It is too late to cancel this booking online. Please call the centre.")
NOT_CANCELLABLE = _("This booking is not active, so there is nothing to cancel.")
NOT_WAITING = _("You are not on the waiting list for this session.")
ALREADY_CANCELLED = _("This session is already cancelled.")
REASON_REQUIRED = _("Say why the session is cancelled: families will read it.")
AMOUNT_MISSING = _("Enter how much you will pay for each place.")
AMOUNT_TOO_LOW = _("The least you can pay is {minimum} a place.")
AMOUNT_TOO_SMALL_FOR_CARD = _("We can't take less than 30p by card. Enter 0 or at least 30p.")
PAY_AT_CENTRE_NOT_OFFERED = _(
    "Paying at the centre is not offered for this session. Please choose to pay by card online."
)
COURSE_PAY_AT_CENTRE_NOT_OFFERED = _(
    "Paying at the centre is not offered for this course. Please choose to pay by card online."
)

# How long a booking waiting for online payment keeps its places.
PAYMENT_HOLD = datetime.timedelta(minutes=30)
CAPACITY_BELOW_BOOKED = ngettext_lazy(
    "%(taken)d place already booked, so the capacity cannot be lower than %(taken)d.",
    "%(taken)d places already booked, so the capacity cannot be lower than %(taken)d.",
    "taken",
)
CANNOT_EDIT_CANCELLED = _("This session has been cancelled, so it can no longer be changed.")
PART_OF_COURSE = _("This session is part of a course: families book the whole course.")
COURSE_PLACE = _("This place is part of a course booking ({reference}): cancel the course booking.")
COURSE_DUPLICATE = _("You already have a booking for this course (reference {reference}).")
COURSE_FULL = _("Sorry, this course is full.")
COURSE_FULL_NOT_ENOUGH = ngettext_lazy(
    "Sorry, only %(left)d place left on this course.",
    "Sorry, only %(left)d places left on this course.",
    "left",
)
COURSE_CUTOFF_PASSED = _("It is too late to cancel this course online. Please call the centre.")
COURSE_ALREADY_CANCELLED = _("This course is already cancelled.")
COURSE_REASON_REQUIRED = _("Say why the course is cancelled: families will read it.")


def _amount_due(
    session: Session,
    places: int,
    *,
    amount_pence: int | None,
    funded_place: bool,
    online: bool = True,
) -> tuple[int, bool]:
    """What the booking costs in pence, and whether it is a funded place. A fixed price comes
    from the session, never from the request. `online` is False when the family pays at the
    centre (staff booking for them), where no card minimum applies."""
    pricing = session.pricing
    if pricing.is_free:
        return 0, False
    if funded_place:
        return 0, True
    if pricing.is_fixed:
        return pricing.price_pence * places, False
    if amount_pence is None:
        raise BookingError(AMOUNT_MISSING, field="amount")
    if amount_pence < pricing.minimum_pence:
        minimum = format_pence(pricing.minimum_pence)
        raise BookingError(AMOUNT_TOO_LOW.format(minimum=minimum), field="amount")
    card = online and stripe_gateway.is_configured()
    if 0 < amount_pence < SMALLEST_CARD_PAYMENT_PENCE and card:
        raise BookingError(AMOUNT_TOO_SMALL_FOR_CARD, field="amount")
    return amount_pence * places, False


def paid_online(session: Session | Course, amount: int, *, pay_at_centre: bool) -> bool:
    """Whether a booking costing `amount` is paid by card when it is made (held for payment)
    rather than at the centre on the day. With online payment on, paying at the centre is the
    family's choice only where the session (or course) offers it; asking for it elsewhere is
    refused."""
    if not amount or not stripe_gateway.is_configured():
        return False
    if pay_at_centre and not session.allow_pay_at_centre:
        not_offered = (
            COURSE_PAY_AT_CENTRE_NOT_OFFERED
            if isinstance(session, Course)
            else PAY_AT_CENTRE_NOT_OFFERED
        )
        raise BookingError(not_offered, field="payment_method")
    return not pay_at_centre


@dataclasses.dataclass(frozen=True)
class _Charge:
    """What a new booking costs and how it is paid, decided from the session's (or course's)
    price, never from the request's."""

    amount_pence: int
    funded: bool
    pays_online: bool
    chose_to_pay_at_centre: bool

    def fields(self) -> dict:
        return {
            "amount_pence": self.amount_pence,
            "funded": self.funded,
            "chose_to_pay_at_centre": self.chose_to_pay_at_centre,
        }


def _charge_for(
    priced: Session | Course,
    places: int,
    *,
    amount_pence: int | None,
    funded_place: bool,
    pay_at_centre: bool,
    on_behalf: bool = False,
) -> _Charge:
    """The charge for `places` on a session or a whole course: the amount, whether it is a
    funded place, and whether the family pays by card now. Staff booking for a family never
    send it to pay online, and a booking paid at the centre has no card minimum."""
    amount, funded = _amount_due(
        priced,
        places,
        amount_pence=amount_pence,
        funded_place=funded_place,
        online=not on_behalf and not pay_at_centre,
    )
    pays_online = not on_behalf and paid_online(priced, amount, pay_at_centre=pay_at_centre)
    return _Charge(amount, funded, pays_online, bool(amount) and pay_at_centre)


def _starting_status(
    places: int, left: int, *, charge: _Charge, join_waiting_list: bool, full, full_not_enough
) -> str:
    """The status a new booking starts in, with `left` places free: booked (or held while the
    family pays), on the waiting list if the household asked and does not fit, or refused as
    full (`full`, `full_not_enough` say of what: a session or a course)."""
    if places <= left:
        return Booking.Status.PENDING_PAYMENT if charge.pays_online else Booking.Status.CONFIRMED
    if join_waiting_list:
        return Booking.Status.WAITING
    if left > 0:
        raise BookingError(full_not_enough % {"left": left})
    raise BookingError(full)


def _refuse_unverified(parent) -> None:
    """A family books for itself only once its e-mail address is confirmed."""
    if not has_verified_email(parent):
        raise BookingError(NOT_VERIFIED)


def _age_problem(session: Session, child: Child) -> str | None:
    activity = session.activity
    day = timezone.localtime(session.start).date()
    age = child.age_in_months_on(day)
    if age < 0:
        return gettext("{name} will not be born yet on {day}.").format(
            name=child.first_name, day=dateformat.format(day, "j E")
        )
    too_young = activity.min_age_months is not None and age < activity.min_age_months
    too_old = activity.max_age_months is not None and age > activity.max_age_months
    if too_young or too_old:
        return gettext(
            "{activity} is for children aged {ages}; {name} will be {age} old on {day}."
        ).format(
            activity=activity.title,
            ages=activity.audience.lower(),
            name=child.first_name,
            age=child.age_on(day),
            day=dateformat.format(day, "j E"),
        )
    return None


def _check_window(session: Session, now: datetime.datetime) -> None:
    if session.course_id:
        raise BookingError(PART_OF_COURSE)
    refusal = selectors.window_refusal(session, now)
    if refusal:
        raise BookingError(refusal)


def _check_party(session: Session, family: dict, children: list[Child], adults: int) -> int:
    """Checks who the booking is for and returns the number of places it needs. `family` is
    `{"parent": user}` or `{"family_contact": contact}`."""
    if session.activity.adults_only:
        if adults < 1:
            raise BookingError(NO_ADULTS, field="adults")
        places = adults
    else:
        if not children:
            raise BookingError(NO_PLACES, field="children")
        contact = family.get("family_contact")
        if contact is not None:
            theirs = set(
                ContactChild.objects.filter(contact=contact).values_list("child_id", flat=True)
            )
            if any(child.pk not in theirs for child in children):
                raise BookingError(NOT_THEIR_CHILD, field="children")
        elif any(child.parent_id != family["parent"].pk for child in children):
            raise BookingError(NOT_YOUR_CHILD, field="children")
        problems = {child.pk: _age_problem(session, child) for child in children}
        problems = {pk: problem for pk, problem in problems.items() if problem}
        if problems:
            # Names the children refused, so the form marks only them.
            raise BookingError(
                " ".join(problems.values()), field="children", extra={"children": list(problems)}
            )
        places = len(children)
    if places > session.max_places_per_booking:
        limit = session.max_places_per_booking
        raise BookingError(TOO_MANY_PLACES % {"max": limit}, field="children")
    return places


def _family(parent, family_contact, booked_by) -> dict:
    if (parent is None) == (family_contact is None):
        raise ValueError("A booking is for a parent's account or for a family contact.")
    if family_contact is not None and booked_by is None:
        raise ValueError("A family contact is booked for by staff: say who (`booked_by`).")
    return {"parent": parent} if parent is not None else {"family_contact": family_contact}


def book_session(
    *,
    parent=None,
    family_contact: FamilyContact | None = None,
    booked_by=None,
    session_id: int,
    children: Iterable[Child] = (),
    adults: int = 0,
    join_waiting_list: bool = False,
    amount_pence: int | None = None,
    funded_place: bool = False,
    pay_at_centre: bool = False,
    access_notes: str = "",
    drop_off: dict[int, drop_off_rules.ChildDetails] | None = None,
    session_as_read: Session | None = None,
) -> Booking:
    """Books places for the parent's children (or a number of adults) on a session.

    Confirmed at once when places remain. When the session is full the household joins the
    waiting list as a unit if it asked to; otherwise `BookingError(FULL)` is raised.

    On a paid session `amount_pence` is what the family chose to pay per place (pay what you
    can) and `funded_place` claims a funded place. With online payment on, a paid booking waits
    for payment holding its places for 30 minutes (`bookings.checkout.start_checkout` sends the
    family to pay), unless the family chose `pay_at_centre` where the session offers it; without
    online payment, the booking is confirmed and paid at the centre.

    Staff book on a family's behalf (`booked_by`, from a register) for a family contact
    (`family_contact`) or an account (`parent`), under the same rules and lock; such a booking
    is never paid online: it is paid at the centre, or a funded place.

    A drop-off session needs `drop_off`: each child's emergency contact, notes and photo
    consent, by child id (`bookings.drop_off`); it is refused without them, whoever books.

    `session_as_read` is the session (with its activity) as the caller has just read it: the
    refusals asked before the lock use it rather than reading it again. Everything that books
    is decided on the session as read under the lock.
    """
    family = _family(parent, family_contact, booked_by)
    booked_by = booked_by or parent
    on_behalf = family_contact is not None or booked_by.pk != parent.pk
    if not on_behalf:
        _refuse_unverified(parent)
    duplicate = DUPLICATE_FOR_FAMILY if on_behalf else DUPLICATE
    children = list(children)
    access_notes = (access_notes or "").strip()[:500]
    if not join_waiting_list and locking_enabled():
        _refuse_before_locking(
            session_id, family, children, adults, duplicate=duplicate, session=session_as_read
        )
    try:
        with session_transaction(), locked_session(session_id) as session:
            now = timezone.now()
            _check_window(session, now)
            places = _check_party(session, family, children, adults)
            left_with_us = None
            # Staff booking for a family record what the family told them: the same questions.
            if session.activity.drop_off and not session.activity.adults_only:
                left_with_us = drop_off_rules.cleaned(children, drop_off)
            if capacity.release_lapsed_holds(session, now):
                # Families already waiting come before newcomers.
                capacity.promote_waiting(session)
            existing = Booking.objects.filter(
                session=session, **family, status__in=Booking.ACTIVE_STATUSES
            ).first()
            if existing:
                raise BookingError(duplicate.format(reference=existing.reference))
            charge = _charge_for(
                session,
                places,
                amount_pence=amount_pence,
                funded_place=funded_place,
                pay_at_centre=pay_at_centre,
                on_behalf=on_behalf,
            )
            status = _starting_status(
                places,
                session.capacity - selectors.places_taken(session),
                charge=charge,
                join_waiting_list=join_waiting_list,
                full=FULL,
                full_not_enough=FULL_NOT_ENOUGH,
            )
            if charge.funded and status != Booking.Status.WAITING:
                capacity.check_funded_places(session, places)
            booking = transitions.create(
                status,
                now=now,
                hold_until=now + PAYMENT_HOLD,
                session=session,
                **family,
                booked_by=booked_by,
                places=places,
                adults=adults if session.activity.adults_only else 0,
                access_notes=access_notes,
                **charge.fields(),
            )
            # A family paying online hears once the payment arrives.
            notify = {
                Booking.Status.CONFIRMED: notifications.booking_confirmed,
                Booking.Status.WAITING: notifications.waiting_list_joined,
            }.get(status)
            if children and not session.activity.adults_only:
                booking.children.set(children)
            if left_with_us:
                drop_off_rules.record(booking, left_with_us)
            if notify:
                notify(booking)
            if family_contact is not None:
                families.touch(family_contact)
            return booking
    except IntegrityError as error:
        # Two requests for the same household crossed; the constraint kept one.
        raise BookingError(duplicate.format(reference=_("already made"))) from error


def _refuse_before_locking(
    session_id: int,
    family: dict,
    children: list[Child],
    adults: int,
    *,
    duplicate: str,
    session: Session | None = None,
) -> None:
    """The refusals `book_session` would give under the lock, asked without it: when a popular
    session is full, hundreds of families are told so without queueing for the session's lock
    (or, on SQLite, the database's write lock). Only a refusal is trusted here; anything else
    is asked again under the lock. Places held for payment past their time count as free, since
    the locked path releases them first."""
    if session is None or session.pk != session_id:
        try:
            session = Session.objects.select_related("activity").get(pk=session_id)
        except Session.DoesNotExist:
            return
    _check_window(session, timezone.now())
    _check_party(session, family, children, adults)
    existing, places_left = selectors.family_booking_and_places_left(session, family)
    if existing:
        raise BookingError(duplicate.format(reference=existing))
    if places_left <= 0:
        raise BookingError(FULL)


def cancel_booking(*, booking_id: int, by, on_behalf: bool = False) -> Booking:
    """Cancels a confirmed booking (or leaves the waiting list) and offers the freed places to
    the waiting list. Families may cancel until the cutoff; staff acting on a family's behalf
    (`on_behalf=True`) may cancel at any time before the start."""
    session_id = Booking.objects.values_list("session_id", flat=True).get(pk=booking_id)
    with session_transaction(), locked_session(session_id) as session:
        booking = Booking.objects.get(pk=booking_id)
        now = timezone.now()
        if booking.course_booking_id:
            raise BookingError(COURSE_PLACE.format(reference=booking.course_booking.reference))
        if booking.status == Booking.Status.WAITING:
            to = Booking.Status.LEFT_WAITING_LIST
        elif booking.status == Booking.Status.PENDING_PAYMENT:
            # Giving up before paying: the places go back at once.
            if now >= session.start:
                raise BookingError(STARTED)
            to = Booking.Status.CANCELLED
        elif booking.status == Booking.Status.CONFIRMED:
            moved = selectors.moved_since_booking(booking, session) and now < session.start
            if not on_behalf and now >= session.cancellable_until and not moved:
                raise BookingError(CUTOFF_PASSED)
            to = Booking.Status.CANCELLED
        else:
            raise BookingError(NOT_CANCELLABLE)
        transitions.move(booking, to, now=now, by=by)
        money.settle_cancelled_booking(booking, reason="You cancelled your booking.")
        notifications.booking_cancelled(booking, on_behalf=on_behalf)
        capacity.promote_waiting(session)
        return booking


def leave_waiting_list(*, booking_id: int, by) -> Booking:
    booking = Booking.objects.get(pk=booking_id)
    if booking.status != Booking.Status.WAITING:
        raise BookingError(NOT_WAITING)
    return cancel_booking(booking_id=booking_id, by=by)


def cancel_session(*, session_id: int, reason: str, by) -> Session:
    """The centre cancels a whole session: every booked and waiting family is told.

    A session of a course is cancelled for the course's families too, who are told the same;
    their course bookings stay, holding the rest of the run. A paid course's payment is not
    refunded in part by itself: it is flagged for the centre to decide. The course's waiting
    list is then offered any course place the session was the bottleneck for."""
    reason = (reason or "").strip()
    if not reason:
        raise BookingError(REASON_REQUIRED, field="reason")
    with session_transaction(), locked_session(session_id) as session:
        if session.is_cancelled:
            raise BookingError(ALREADY_CANCELLED)
        session.status = Session.Status.CANCELLED
        session.cancellation_reason = reason
        session.sequence += 1  # calendars mark their entry cancelled
        session.save(update_fields=["status", "cancellation_reason", "sequence", "updated_at"])
        now = timezone.now()
        affected = list(
            Booking.objects.filter(
                session=session, status__in=Booking.ACTIVE_STATUSES
            ).select_related("parent", "family_contact")
        )
        for booking in affected:
            transitions.move(booking, Booking.Status.CANCELLED, now=now, by=by)
            money.settle_cancelled_booking(booking, reason="The centre cancelled the session.")
            notifications.session_cancelled(booking, session=session)
        money.flag_course_payments_for_cancelled_session(
            [booking.course_booking_id for booking in affected if booking.course_booking_id],
            session=session,
        )
    if session.course_id:
        promote_course_waiting(course_id=session.course_id)
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
    "price_model",
    "price_pence",
    "suggested_pence",
    "minimum_pence",
    "funded_places",
    "allow_pay_at_centre",
)


# A change to any of these moves the session: families are told, calendars update their entry.
MOVING_FIELDS = ("start", "end", "venue")


def update_session(*, session_id: int, changes: dict, by) -> Session:
    """Saves changes to a session under its lock (a manager's in the admin, a hosting champion's
    on the register pages) and records what changed, from what to what, in the session's
    history. The capacity may not drop below the places already taken; places added go to the
    waiting list, first come first served.

    A session that moves (date, time or venue) raises its calendar `sequence`, and every booked
    and waiting family is told what changed; those booked before the move may then cancel online
    until the start, past the cutoff (`selectors.moved_since_booking`)."""
    unknown = set(changes) - set(EDITABLE_SESSION_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    with session_transaction(), locked_session(session_id) as session:
        if session.is_cancelled:
            raise BookingError(CANNOT_EDIT_CANCELLED)
        described = audit.describe_changes(session, changes)
        before = {name: getattr(session, name) for name in MOVING_FIELDS}
        for name, value in changes.items():
            setattr(session, name, value)
        taken = selectors.places_taken(session)
        if session.capacity < taken:
            raise BookingError(CAPACITY_BELOW_BOOKED % {"taken": taken}, field="capacity")
        moved = any(getattr(session, name) != before[name] for name in MOVING_FIELDS)
        told = 0
        if moved:
            session.sequence += 1
            session.moved_at = timezone.now()
        session.save()
        if moved:
            told = _tell_families_session_moved(session, before)
        capacity.promote_waiting(session)
        if described:
            if told:
                described += f" ({told} famil{'y' if told == 1 else 'ies'} told)"
            audit.record(session, audit.SESSION_CHANGED, user=by, detail=described, told=told)
    if session.course_id:
        promote_course_waiting(course_id=session.course_id)
    return session


def promote_course_waiting(*, course_id: int) -> None:
    """Offers freed course places to the course's waiting list, after a change to one of its
    sessions (more places on it). In a transaction of its own, after the session's: the course
    lock is always taken before its sessions' locks, never while holding one of them."""
    with session_transaction(), locked_course(course_id) as course:
        capacity.promote_course_waiting(course)


def _tell_families_session_moved(session: Session, before: dict) -> int:
    """Tells every booked and waiting family what changed, with any child the new date leaves
    outside the session's ages. Returns how many families were told."""
    affected = list(
        Booking.objects.filter(session=session, status__in=Booking.ACTIVE_STATUSES)
        .select_related("parent", "family_contact")
        .prefetch_related("children")
    )
    for booking in affected:
        booking.session = session
        # Written in the family's language, as the rest of the message is.
        with translation.override(language_of(booking.parent if booking.parent_id else None)):
            age_problems = [
                problem
                for problem in (_age_problem(session, child) for child in booking.children.all())
                if problem
            ]
        notifications.session_moved(booking, before=before, age_problems=age_problems)
    return sum(1 for booking in affected if booking.parent_id or booking.family_contact_id)


# --- A place offered out of turn ----------------------------------------------------------------


def offer_place(*, booking_id: int, by) -> Booking:
    """Gives a waiting household a place now, out of turn if the person running the register
    chooses to (a family that fits when the first in line does not, say): the same place, price,
    payment hold and funded-place limit as when the portal promotes them by itself. The family
    is told. The caller checks who may offer and keeps the audit trail."""
    session_id = Booking.objects.values_list("session_id", flat=True).get(pk=booking_id)
    with session_transaction(), locked_session(session_id) as session:
        booking = Booking.objects.select_related("parent", "family_contact").get(pk=booking_id)
        return capacity.give_place(session, booking, now=timezone.now())


# --- Courses ------------------------------------------------------------------------------------


def book_course(
    *,
    parent,
    course_id: int,
    children: Iterable[Child] = (),
    adults: int = 0,
    join_waiting_list: bool = False,
    amount_pence: int | None = None,
    funded_place: bool = False,
    pay_at_centre: bool = False,
    access_notes: str = "",
    drop_off: dict[int, drop_off_rules.ChildDetails] | None = None,
) -> CourseBooking:
    """Books the whole course: one booking, one reference, and a place on every session of the
    run still to come (all of them, unless the course has started and takes late joiners).

    The same rules as a session's, asked of the course: the window (closing when the first
    session starts unless late joiners are allowed), the party and its ages on the first
    session of the run, the course's places and every session's own, one active booking per
    household, the price of the whole course. When full, the household may join the course's
    one waiting list.

    A paid course is paid once for the whole run, as a paid session is: with online payment on,
    the booking holds its places on every session for 30 minutes while the family pays
    (`bookings.checkout.start_checkout`), unless the family chose `pay_at_centre` where the
    course offers it; a funded place costs nothing. A drop-off course needs `drop_off`, as a
    drop-off session does: given once, shown on every session's register of the run."""
    _refuse_unverified(parent)
    children = list(children)
    access_notes = (access_notes or "").strip()[:500]
    try:
        with session_transaction(), locked_course(course_id) as course:
            now = timezone.now()
            run = selectors.course_sessions(course)
            refusal = selectors.course_window_refusal(course, run, now)
            if refusal:
                raise BookingError(refusal)
            # Ages are checked on the first session of the run, as the booking form says.
            places = _check_party(
                _as_course_session(course, run[0]), {"parent": parent}, children, adults
            )
            left_with_us = None
            if course.activity.drop_off and not course.activity.adults_only:
                left_with_us = drop_off_rules.cleaned(children, drop_off)
            if capacity.release_lapsed_course_holds(course, now):
                # Families already waiting come before newcomers.
                capacity.promote_course_waiting(course)
            existing = CourseBooking.objects.filter(
                course=course, parent=parent, status__in=CourseBooking.ACTIVE_STATUSES
            ).first()
            if existing:
                raise BookingError(COURSE_DUPLICATE.format(reference=existing.reference))
            charge = _charge_for(
                course,
                places,
                amount_pence=amount_pence,
                funded_place=funded_place,
                pay_at_centre=pay_at_centre,
            )
            to_hold = selectors.sessions_to_hold(run, now)
            status = _starting_status(
                places,
                selectors.course_places_left(course, to_hold),
                charge=charge,
                join_waiting_list=join_waiting_list,
                full=COURSE_FULL,
                full_not_enough=COURSE_FULL_NOT_ENOUGH,
            )
            if charge.funded and status != Booking.Status.WAITING:
                capacity.check_funded_course_places(course, places)
            course_booking = transitions.create(
                status,
                now=now,
                hold_until=now + PAYMENT_HOLD,
                model=CourseBooking,
                course=course,
                parent=parent,
                places=places,
                adults=adults if course.activity.adults_only else 0,
                access_notes=access_notes,
                **charge.fields(),
            )
            if children and not course.activity.adults_only:
                course_booking.children.set(children)
            if status == Booking.Status.WAITING:
                notifications.course_waiting_list_joined(course_booking, session=to_hold[0])
            else:
                capacity.hold_course_sessions(course_booking, to_hold, now=now)
                if status == Booking.Status.CONFIRMED:
                    # A family paying online hears once the payment arrives.
                    notifications.course_booked(course_booking, session=to_hold[0])
            if left_with_us:
                drop_off_rules.record(course_booking, left_with_us)
            return course_booking
    except IntegrityError as error:
        raise BookingError(COURSE_DUPLICATE.format(reference="already made")) from error


def _as_course_session(course, first: Session) -> Session:
    """The first session of the run, with the course's limit on places per booking: what the
    party is checked against."""
    first.max_places_per_booking = course.max_places_per_booking
    return first


def cancel_course_booking(*, course_booking_id: int, by, on_behalf: bool = False) -> CourseBooking:
    """Cancels a course booking (or leaves the course's waiting list): the places on the sessions
    still to come are given back and offered to the next household waiting for the course.
    Families may cancel until the cutoff of the next session to come; staff acting on a family's
    behalf until the last session starts."""
    course_id = CourseBooking.objects.values_list("course_id", flat=True).get(pk=course_booking_id)
    with session_transaction(), locked_course(course_id) as course:
        course_booking = CourseBooking.objects.select_related("parent").get(pk=course_booking_id)
        now = timezone.now()
        to_come = selectors.sessions_to_hold(selectors.course_sessions(course), now)
        if course_booking.status == CourseBooking.Status.WAITING:
            to = CourseBooking.Status.LEFT_WAITING_LIST
        elif course_booking.status == CourseBooking.Status.PENDING_PAYMENT:
            # Giving up before paying: the places go back at once.
            if not to_come:
                raise BookingError(selectors.COURSE_FINISHED)
            to = CourseBooking.Status.CANCELLED
        elif course_booking.status == CourseBooking.Status.CONFIRMED:
            if not to_come:
                raise BookingError(selectors.COURSE_FINISHED)
            if not on_behalf and now >= to_come[0].cancellable_until:
                raise BookingError(COURSE_CUTOFF_PASSED)
            to = CourseBooking.Status.CANCELLED
        else:
            raise BookingError(NOT_CANCELLABLE)
        transitions.move(course_booking, to, now=now, by=by)
        capacity.release_course_sessions(course_booking, now=now, by=by)
        money.settle_cancelled_booking(course_booking, reason="You cancelled your booking.")
        if to_come:
            notifications.course_booking_cancelled(
                course_booking, session=to_come[0], on_behalf=on_behalf
            )
        capacity.promote_course_waiting(course)
        return course_booking


def cancel_course(*, course_id: int, reason: str, by) -> list[Session]:
    """The centre cancels the rest of a course: every session still to come is cancelled, and
    every course booking (booked, waiting for payment or on the waiting list) with it, since
    there is no course left to give a place on. Each family is told once, with the reason, that
    the sessions still to come will not go ahead; the money follows the rule for a session the
    centre cancels (an online payment refunded in full, money taken at the centre flagged for
    staff to give back). Sessions already held keep their registers. Returns the sessions
    cancelled."""
    reason = (reason or "").strip()
    if not reason:
        raise BookingError(COURSE_REASON_REQUIRED, field="reason")
    with session_transaction(), locked_course(course_id) as course:
        now = timezone.now()
        run = selectors.course_sessions(course)
        if not run:
            raise BookingError(COURSE_ALREADY_CANCELLED)
        to_come = selectors.sessions_to_hold(run, now)
        if not to_come:
            raise BookingError(selectors.COURSE_FINISHED)
        for session in to_come:
            session.status = Session.Status.CANCELLED
            session.cancellation_reason = reason
            session.sequence += 1  # calendars mark their entries cancelled
            session.save(update_fields=["status", "cancellation_reason", "sequence", "updated_at"])
        places = Booking.objects.filter(session__in=to_come, status__in=Booking.ACTIVE_STATUSES)
        for booking in places.select_related("parent", "family_contact"):
            transitions.move(booking, Booking.Status.CANCELLED, now=now, by=by)
            money.settle_cancelled_booking(booking, reason="The centre cancelled the session.")
        affected = CourseBooking.objects.filter(
            course=course, status__in=CourseBooking.ACTIVE_STATUSES
        ).select_related("parent")
        for course_booking in affected:
            transitions.move(course_booking, CourseBooking.Status.CANCELLED, now=now, by=by)
            money.settle_cancelled_booking(
                course_booking, reason="The centre cancelled the course."
            )
            notifications.course_cancelled(course_booking, sessions=to_come)
        return to_come
