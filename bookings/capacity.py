"""Who holds the places on a session: giving back places whose time to pay ran out, the funded
places' limit, and giving waiting households a place — the one function (`give_place`) behind both
the automatic promotion when places free up and an offer made from the register. Every function
here is called with the session locked (`bookings.locking`), so the counts it reads stay true
until it writes."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from . import money, notifications, selectors, stripe_gateway
from .errors import BookingError
from .models import Booking, Course, CourseBooking, Session
from .transitions import create, move

NO_FUNDED_PLACES = _("There are no funded places left on this session. You can still book and pay.")
NO_FUNDED_PLACES_ENOUGH = ngettext_lazy(
    "Only %(left)d funded place left on this session.",
    "Only %(left)d funded places left on this session.",
    "left",
)
NO_ROOM = ngettext_lazy(
    "There is %(left)d place left and this family needs %(places)d.",
    "There are %(left)d places left and this family needs %(places)d.",
    "left",
)
NO_FUNDED_ROOM = ngettext_lazy(
    "This family asked for a funded place and there is %(left)d funded place left: "
    "they stay on the waiting list.",
    "This family asked for a funded place and there are %(left)d funded places left: "
    "they stay on the waiting list.",
    "left",
)
NOT_WAITING = _("This family is not on the waiting list any more.")

# A waiting household promoted into a paid place has longer to pay: the offer may come at night.
PROMOTED_PAYMENT_HOLD = datetime.timedelta(hours=12)


def check_funded_places(session: Session, places: int) -> None:
    left = selectors.funded_places_left(session)
    if left <= 0:
        raise BookingError(NO_FUNDED_PLACES, field="funded_place")
    if places > left:
        raise BookingError(NO_FUNDED_PLACES_ENOUGH % {"left": left}, field="funded_place")


def release_lapsed_holds(session: Session, now: datetime.datetime) -> list[Booking]:
    """Gives back the places of bookings whose time to pay has run out. The caller then offers
    the places to the waiting list."""
    lapsed = list(
        Booking.objects.filter(
            session=session,
            status=Booking.Status.PENDING_PAYMENT,
            hold_expires_at__lte=now,
            # A course's places are held and released with its course booking, all together.
            course_booking__isnull=True,
        ).select_related("parent", "family_contact")
    )
    for booking in lapsed:
        move(booking, Booking.Status.PAYMENT_EXPIRED, now=now)
        money.close_unpaid_checkout(booking)
        notifications.hold_released(booking)
    return lapsed


def places_left(session: Session) -> int:
    return max(session.capacity - selectors.places_taken(session), 0)


def give_place(session: Session, booking: Booking, *, now: datetime.datetime) -> Booking:
    """Gives a waiting household its place, and tells the family. The price is what they agreed
    when they joined the list; a paid place is held for payment while the family pays online (a
    longer hold than for a new booking: the offer may come at night), or confirmed with the
    amount due at the centre when online payment is off or the family chose to pay there.
    Refuses when the household does not fit the places, or the funded places, left."""
    if session.is_cancelled:
        raise BookingError(selectors.SESSION_CANCELLED)
    if booking.status != Booking.Status.WAITING:
        raise BookingError(NOT_WAITING)
    if session.start <= now:
        raise BookingError(selectors.STARTED)
    left = places_left(session)
    if booking.places > left:
        raise BookingError(NO_ROOM % {"left": left, "places": booking.places})
    if booking.funded:
        funded_left = max(selectors.funded_places_left(session), 0)
        if booking.places > funded_left:
            raise BookingError(
                NO_FUNDED_ROOM % {"left": funded_left},
                field="funded_place",
            )
    if _pays_online_when_promoted(booking):
        hold_until = min(now + PROMOTED_PAYMENT_HOLD, session.start)
        move(booking, Booking.Status.PENDING_PAYMENT, now=now, hold_until=hold_until)
    else:
        move(booking, Booking.Status.CONFIRMED, now=now)
    notifications.promoted_from_waiting_list(booking)
    return booking


def _pays_online_when_promoted(booking: Booking | CourseBooking) -> bool:
    """A waiting household given a paid place pays online, unless it chose to pay at the centre
    (where offered) or was booked by staff: it may have no account to pay online with."""
    return bool(
        booking.amount_pence
        and stripe_gateway.is_configured()
        and not getattr(booking, "made_on_behalf", False)
        and not booking.chose_to_pay_at_centre
    )


def promote_waiting(session: Session) -> list[Booking]:
    """Moves waiting households into freed places, first come first served, skipping any that
    need more places (or funded places) than are free."""
    now = timezone.now()
    promoted = []
    if session.is_cancelled or session.start <= now:
        return promoted
    waiting = Booking.objects.filter(session=session, status=Booking.Status.WAITING).order_by(
        "waiting_since", "pk"
    )
    for booking in waiting.select_related("parent", "family_contact"):
        if places_left(session) <= 0:
            break
        try:
            give_place(session, booking, now=now)
        except BookingError:
            continue  # does not fit: the next household in line may
        promoted.append(booking)
    return promoted


# --- Courses: one place on every session still to come ------------------------------------------
# Called with the course locked (`locking.locked_course`), which locks its sessions too.

NO_COURSE_ROOM = ngettext_lazy(
    "There is %(left)d place left on the course and this family needs %(places)d.",
    "There are %(left)d places left on the course and this family needs %(places)d.",
    "left",
)
NO_FUNDED_COURSE_PLACES = _(
    "There are no funded places left on this course. You can still book and pay."
)


def check_funded_course_places(course: Course, places: int) -> None:
    left = selectors.funded_course_places_left(course)
    if left <= 0:
        raise BookingError(NO_FUNDED_COURSE_PLACES, field="funded_place")
    if places > left:
        raise BookingError(NO_FUNDED_PLACES_ENOUGH % {"left": left}, field="funded_place")


def hold_course_sessions(
    course_booking: CourseBooking, sessions: list[Session], *, now: datetime.datetime
) -> None:
    """Takes the course booking's places on each session still to come: one booking per
    session, which registers, attendance and each session's capacity count, in the course
    booking's own status (booked, or held while the family pays, until the same time). Nothing
    is owed on these: the course booking carries the price."""
    children = list(course_booking.children.all())
    for session in sessions:
        booking = create(
            course_booking.status,
            now=now,
            hold_until=course_booking.hold_expires_at,
            session=session,
            parent=course_booking.parent,
            booked_by=course_booking.parent,
            places=course_booking.places,
            adults=course_booking.adults,
            access_notes=course_booking.access_notes,
            course_booking=course_booking,
        )
        if children:
            booking.children.set(children)


def release_course_sessions(
    course_booking: CourseBooking, *, now: datetime.datetime, by=None
) -> None:
    """Cancels the course booking's places on the sessions still to come; sessions already held
    keep their bookings and attendance."""
    remaining = Booking.objects.filter(
        course_booking=course_booking,
        status__in=Booking.HOLDING_STATUSES,
        session__start__gt=now,
    )
    for booking in remaining:
        move(booking, Booking.Status.CANCELLED, now=now, by=by)


def confirm_course_sessions(course_booking: CourseBooking, *, now: datetime.datetime) -> None:
    """The course booking is paid: its places held for payment on the sessions still to come
    are booked (those released when the time to pay ran out come back too, for a payment that
    arrived late while the places were still free)."""
    held = Booking.objects.filter(
        course_booking=course_booking,
        status__in=[Booking.Status.PENDING_PAYMENT, Booking.Status.PAYMENT_EXPIRED],
        session__start__gt=now,
        session__status=Session.Status.SCHEDULED,
    )
    for booking in held:
        move(booking, Booking.Status.CONFIRMED, now=now)


def release_unpaid_course_booking(course_booking: CourseBooking, *, now: datetime.datetime) -> None:
    """The time to pay for a course booking ran out: its places on every session are given
    back together, its payment page closed, and the family told. The caller then offers the
    places to the course's waiting list."""
    move(course_booking, CourseBooking.Status.PAYMENT_EXPIRED, now=now)
    held = Booking.objects.filter(
        course_booking=course_booking, status=Booking.Status.PENDING_PAYMENT
    )
    for booking in held:
        move(booking, Booking.Status.PAYMENT_EXPIRED, now=now)
    money.close_unpaid_checkout(course_booking)
    notifications.hold_released(course_booking)


def release_lapsed_course_holds(course: Course, now: datetime.datetime) -> list[CourseBooking]:
    """Gives back the places of course bookings whose time to pay has run out."""
    lapsed = list(
        CourseBooking.objects.filter(
            course=course, status=CourseBooking.Status.PENDING_PAYMENT, hold_expires_at__lte=now
        ).select_related("parent")
    )
    for course_booking in lapsed:
        release_unpaid_course_booking(course_booking, now=now)
    return lapsed


def give_course_place(
    course: Course, course_booking: CourseBooking, *, now: datetime.datetime
) -> CourseBooking:
    """Gives a waiting household its course place, on every session still to come, and tells
    the family with the same message as a session's waiting list. Refuses when it does not fit."""
    if course_booking.status != CourseBooking.Status.WAITING:
        raise BookingError(NOT_WAITING)
    run = selectors.course_sessions(course)
    refusal = selectors.course_window_refusal(course, run, now)
    if refusal:
        raise BookingError(refusal)
    to_hold = selectors.sessions_to_hold(run, now)
    left = selectors.course_places_left(course, to_hold)
    if course_booking.places > left:
        raise BookingError(NO_COURSE_ROOM % {"left": left, "places": course_booking.places})
    if course_booking.funded and course_booking.places > max(
        selectors.funded_course_places_left(course), 0
    ):
        raise BookingError(NO_FUNDED_COURSE_PLACES, field="funded_place")
    if _pays_online_when_promoted(course_booking):
        hold_until = min(now + PROMOTED_PAYMENT_HOLD, to_hold[0].start)
        move(course_booking, CourseBooking.Status.PENDING_PAYMENT, now=now, hold_until=hold_until)
    else:
        move(course_booking, CourseBooking.Status.CONFIRMED, now=now)
    hold_course_sessions(course_booking, to_hold, now=now)
    notifications.course_promoted(course_booking, session=to_hold[0])
    return course_booking


def promote_course_waiting(course: Course) -> list[CourseBooking]:
    """Moves waiting households into freed course places, first come first served, skipping
    any that need more places (or funded places) than are free."""
    now = timezone.now()
    promoted = []
    waiting = CourseBooking.objects.filter(
        course=course, status=CourseBooking.Status.WAITING
    ).order_by("waiting_since", "pk")
    for course_booking in waiting.select_related("parent"):
        try:
            give_course_place(course, course_booking, now=now)
        except BookingError:
            continue
        promoted.append(course_booking)
    return promoted
