"""On the day: the register. Whoever runs it (a champion or a manager; the caller checks who
may) records who came, walk-ins and payments taken at the centre. Who did each is kept in the
sessions' audit trail by the caller (`bookings.audit`), not on the booking."""

from django.db import transaction
from django.utils import dateformat, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from . import money, selectors
from .errors import BookingError
from .locking import locked_session, session_transaction
from .models import Attendance, Booking, CourseBooking, Session, WalkIn
from .selectors import SESSION_CANCELLED, places_taken

NOT_SESSION_DAY = _("Attendance can be marked from the day of the session ({day}).")
NOT_STARTED_FOR_NO_SHOW = _(
    "A family can be marked as not coming only once the session has started."
)
NOT_BOOKED = _("Only families with a confirmed booking can be marked on the register.")
WALK_IN_NOT_TODAY = _("Walk-ins can be added on the day of the session only.")
WALK_IN_NO_LABEL = _(
    "Give a first name or a label, so the family can be told apart on the register."
)
WALK_IN_NO_CHILDREN = _("Say how many children came (at least one).")
WALK_IN_NO_ADULTS = _("Say how many adults came (at least one).")
# `needed` is PLACES_NEEDED below: "3 places".
WALK_IN_OVER_CAPACITY = ngettext_lazy(
    "This walk-in needs %(needed)s but %(left)d is left. To record them anyway, tick "
    "'Take the session over capacity'.",
    "This walk-in needs %(needed)s but %(left)d are left. To record them anyway, tick "
    "'Take the session over capacity'.",
    "left",
)
PLACES_NEEDED = ngettext_lazy("%(places)d place", "%(places)d places", "places")
ALREADY_PAID = _("This booking is already marked as paid at the centre.")
PAID_ONLINE = _("This booking was paid online: there is nothing to pay at the centre.")
COURSE_NOT_BOOKED = _("Only a confirmed course booking can be marked as paid at the centre.")
COURSE_ALREADY_PAID = _("This course is already marked as paid at the centre.")
COURSE_PAID_ONLINE = _("This course was paid online: there is nothing to pay at the centre.")
COURSE_NOTHING_TO_PAY = _("This course booking has nothing to pay.")


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
            raise BookingError(NOT_SESSION_DAY.format(day=dateformat.format(day, "l j E")))
        if attendance == Attendance.NO_SHOW and now < session.start:
            raise BookingError(NOT_STARTED_FOR_NO_SHOW)
        booking.attendance = attendance
        booking.attendance_recorded_at = now
        booking.save(update_fields=["attendance", "attendance_recorded_at"])
        return booking


def record_walk_in(
    *, session_id: int, label: str, children: int, adults: int, by, over_capacity: bool = False
) -> WalkIn:
    """Records a family who came without a booking. Their places count against capacity; going
    past it needs `over_capacity=True`, which is kept on the row."""
    label = (label or "").strip()
    if not label:
        raise BookingError(WALK_IN_NO_LABEL, field="label")
    with session_transaction(), locked_session(session_id) as session:
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
                WALK_IN_OVER_CAPACITY
                % {"needed": PLACES_NEEDED % {"places": places}, "left": left},
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
    """Notes that the family paid at the centre for a confirmed booking; for a booking with an
    amount due (`payment_due_at_centre`) the payment is recorded with its amount."""
    with transaction.atomic():
        booking = Booking.objects.select_for_update().select_related("session").get(pk=booking_id)
        _check_register_open(booking.session)
        if booking.status != Booking.Status.CONFIRMED:
            raise BookingError(NOT_BOOKED)
        if booking.paid_at_centre_at:
            raise BookingError(ALREADY_PAID)
        if selectors.paid_online(booking):
            raise BookingError(PAID_ONLINE)
        now = timezone.now()
        booking.paid_at_centre_at = now
        if booking.amount_pence:
            money.record_paid_at_centre(booking, by=by, at=now)
        booking.payment_due_at_centre = False
        booking.save(update_fields=["paid_at_centre_at", "payment_due_at_centre"])
        return booking


def record_course_payment_at_centre(*, course_booking_id: int, by) -> CourseBooking:
    """Notes that the family paid the whole course's price at the centre: once for the course
    booking, whichever session's register (or the course's page) it is recorded from. The
    payment is recorded with the course booking's amount."""
    with transaction.atomic():
        course_booking = CourseBooking.objects.select_for_update().get(pk=course_booking_id)
        if course_booking.status != CourseBooking.Status.CONFIRMED:
            raise BookingError(COURSE_NOT_BOOKED)
        if course_booking.paid_at_centre_at:
            raise BookingError(COURSE_ALREADY_PAID)
        if selectors.paid_online(course_booking):
            raise BookingError(COURSE_PAID_ONLINE)
        if not course_booking.amount_pence:
            # Free and funded places: no money changes hands, so no payment to record.
            raise BookingError(COURSE_NOTHING_TO_PAY)
        now = timezone.now()
        course_booking.paid_at_centre_at = now
        money.record_paid_at_centre(course_booking, by=by, at=now)
        course_booking.payment_due_at_centre = False
        course_booking.save(update_fields=["paid_at_centre_at", "payment_due_at_centre"])
        return course_booking
