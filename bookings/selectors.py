"""Reads for sessions and bookings: the public timetable, a parent's own bookings, and what a
person may do right now (book this session, cancel this booking). Listing reads are a fixed
number of queries however many sessions or bookings there are; the writes in `services`,
`capacity` and `checkout` ask the same questions here, under the session lock."""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, ExtractIsoWeekDay, ExtractMonth, ExtractYear
from django.utils import dateformat, timezone
from django.utils.translation import gettext_lazy as _

from cms.models import CentrePage
from startwell.compiled import Compiled
from startwell.models import Child

from . import stripe_gateway
from .models import Booking, Course, CourseBooking, Payment, Session, WalkIn

SESSION_CANCELLED = _("This session has been cancelled by the centre.")
NOT_OPEN_YET = _("Booking for this session opens on {opens}.")
CLOSED = _("Booking for this session has closed.")
STARTED = _("This session has already started.")


def with_places(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """Adds `places_taken` (bookings holding places and walk-ins, as `places_taken`
    counts them) and `places_left` to each session, in the same query."""
    taken = (
        Booking.objects.filter(session=OuterRef("pk"), status__in=Booking.HOLDING_STATUSES)
        .order_by()
        .values("session")
        .annotate(total=Sum("places"))
        .values("total")
    )
    walked_in = (
        WalkIn.objects.filter(session=OuterRef("pk"))
        .order_by()
        .values("session")
        .annotate(total=Sum("places"))
        .values("total")
    )
    return sessions.annotate(
        places_taken=Coalesce(Subquery(taken, output_field=IntegerField()), Value(0))
        + Coalesce(Subquery(walked_in, output_field=IntegerField()), Value(0))
    ).annotate(places_left=F("capacity") - F("places_taken"))


def _age_on_the_day(child_age_months: int, today: datetime.date):
    """A child `child_age_months` old today, as an expression for their age in months on each
    session's day (counted as `Child.age_in_months_on` counts it: by calendar month)."""
    birth_index = today.year * 12 + (today.month - 1) - child_age_months
    return ExtractYear("start") * 12 + (ExtractMonth("start") - 1) - birth_index


def upcoming_sessions(
    *,
    centre: CentrePage | int | None = None,
    activity=None,
    category: str | None = None,
    child_age_months: int | None = None,
    weekday: int | None = None,
    has_places: bool = False,
) -> QuerySet[Session]:
    """Scheduled sessions of published activities that have not started yet, soonest first.

    `child_age_months` is a child's age today: sessions are kept when the child is within the
    activity's age range on the session's own day (adult sessions are left out).
    `weekday` is 1 for Monday to 7 for Sunday, in the centre's time zone.
    """
    now = timezone.now()
    sessions = Session.objects.filter(
        start__gt=now, status=Session.Status.SCHEDULED, activity__live=True
    )
    # A centre or activity page in any language: sessions point at the English page, and its
    # translations share its translation key.
    if isinstance(centre, CentrePage):
        sessions = sessions.filter(centre__translation_key=centre.translation_key)
    elif centre is not None:
        sessions = sessions.filter(centre=centre)
    if activity is not None:
        sessions = sessions.filter(activity__translation_key=activity.translation_key)
    if category:
        sessions = sessions.filter(activity__category=category)
    if weekday:
        sessions = sessions.annotate(weekday=ExtractIsoWeekDay("start")).filter(weekday=weekday)
    if child_age_months is not None:
        sessions = sessions.annotate(
            age_on_the_day=_age_on_the_day(child_age_months, timezone.localdate())
        ).filter(
            Q(activity__min_age_months__isnull=True)
            | Q(activity__min_age_months__lte=F("age_on_the_day")),
            Q(activity__max_age_months__isnull=True)
            | Q(activity__max_age_months__gte=F("age_on_the_day")),
            activity__adults_only=False,
        )
    sessions = with_places(sessions)
    if has_places:
        sessions = sessions.filter(places_left__gt=0)
    return sessions.select_related("activity", "venue", "centre").order_by("start", "pk")


def bookable_session(session_id: int) -> Session:
    """One session with its places, for the booking form. Raises `Session.DoesNotExist`."""
    # The centre is read only where the form's facts are not kept already (`book.html`), and
    # then on its own: see `_BOOKING_SHOWS`.
    return (
        with_places(Session.objects.filter(pk=session_id, activity__live=True))
        .select_related("activity", "venue")
        .get()
    )


def _active_bookings(session_id: int, parent_id: int) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(
            session_id=session_id, parent_id=parent_id, status__in=Booking.ACTIVE_STATUSES
        )
        .only("id", "reference", "status", "places")
        .order_by("pk")[:1]
    )


# The booking form asks it on every look, and the ORM took longer to put the question together
# than the database took to answer it: its SQL is written once per process.
_ACTIVE_BOOKING = Compiled(_active_bookings)


def active_booking(*, parent, session) -> Booking | None:
    """The parent's booking or waiting-list place on this session, if they have one: its
    reference, status and places (what the booking form says of it; anything else is read when
    used)."""
    found = _ACTIVE_BOOKING.instances(session_id=session.pk, parent_id=parent.pk)
    return next(iter(found), None)


@dataclass
class ParentBookings:
    upcoming: list[Booking]
    past: list[Booking]
    # Upcoming sessions the family is no longer coming to: cancelled by them or by the centre,
    # taken off the waiting list, or not paid in time.
    cancelled: list[Booking]


PAST_BOOKINGS_SHOWN = 30


# What a booking shows besides its own row. The activity and the centre are Wagtail pages, two
# tables each: joined into the booking's query with its session, venue and payment, PostgreSQL
# spends milliseconds choosing the join order of eight tables for a query that runs in a tenth
# of one, so the pages come in queries of their own.
_BOOKING_SHOWS = (
    "session__activity",
    "session__centre",
    Prefetch("children", queryset=Child.objects.order_by("first_name")),
)


def _parent_bookings(user) -> QuerySet[Booking]:
    return Booking.objects.filter(parent=user).select_related("session__venue", "payment")


def bookings_for_parent(user) -> ParentBookings:
    """The parent's bookings: upcoming (soonest first), those cancelled for upcoming sessions
    (kept so that the family sees what happened) and the most recent past ones. Five queries."""
    now = timezone.now()
    bookings = _parent_bookings(user)
    # A course's sessions to come are shown with the course booking (`course_bookings_for_parent`)
    upcoming = list(
        bookings.filter(session__start__gt=now, course_booking__isnull=True).order_by(
            "session__start", "pk"
        )
    )
    past = list(
        bookings.filter(session__start__lte=now).order_by("-session__start", "-pk")[
            :PAST_BOOKINGS_SHOWN
        ]
    )
    prefetch_related_objects(upcoming + past, *_BOOKING_SHOWS)
    coming, cancelled = [], []
    for booking in upcoming:
        still_on = booking.is_active and not booking.session.is_cancelled
        (coming if still_on else cancelled).append(booking)
    return ParentBookings(upcoming=coming, cancelled=cancelled, past=past)


def booking_for_parent(user, reference: str) -> Booking:
    """The parent's own booking by reference. Raises `Booking.DoesNotExist` for anyone
    else's."""
    booking = _parent_bookings(user).get(reference=reference.upper())
    prefetch_related_objects([booking], *_BOOKING_SHOWS)
    return booking


def centre_feed_sessions(centre: CentrePage) -> QuerySet[Session]:
    """The centre's upcoming scheduled sessions for its public calendar feed."""
    return (
        Session.objects.filter(
            centre=centre,
            start__gt=timezone.now(),
            status=Session.Status.SCHEDULED,
            activity__live=True,
        )
        .select_related("activity", "venue")
        .order_by("start", "pk")
    )


def next_change_by_itself(now: datetime.datetime) -> datetime.datetime | None:
    """The next moment pages change with nobody writing anything: a session starts (a scheduled
    one leaves the timetable and counts as held; any one moves to the family's past bookings)
    or a scheduled session's booking opens or closes. One query; the page cache keeps nothing
    past it (`startwell.pagecache`)."""
    scheduled = Q(status=Session.Status.SCHEDULED)
    moments = Session.objects.aggregate(
        start=Min("start", filter=Q(start__gt=now)),
        opens=Min("booking_opens", filter=scheduled & Q(booking_opens__gt=now)),
        closes=Min("booking_closes", filter=scheduled & Q(booking_closes__gt=now)),
    )
    return min((moment for moment in moments.values() if moment is not None), default=None)


# --- Places and what a person may do ------------------------------------------------------------


def places_taken(session: Session) -> int:
    """Places that count against capacity, read fresh from the rows: bookings holding places and
    the families who walked in on the day. Under the session lock, the count the writes trust."""
    total = Booking.objects.filter(session=session, status__in=Booking.HOLDING_STATUSES).aggregate(
        total=Sum("places")
    )["total"]
    walk_ins = WalkIn.objects.filter(session=session).aggregate(total=Sum("places"))["total"]
    return (total or 0) + (walk_ins or 0)


def places_left_counting_lapsed_holds_as_free(session: Session) -> int:
    """Places left if every payment hold past its time were released (as the writes do first,
    under the lock). One query: the walk-ins are a subquery."""
    held = Booking.objects.filter(_holding_counting_lapsed_holds_as_free(), session=session)
    total = held.aggregate(total=Coalesce(Sum("places"), 0) + _walk_in_places(session))["total"]
    return session.capacity - total


def family_booking_and_places_left(session: Session, family: dict) -> tuple[str | None, int]:
    """The reference of the family's active booking on the session (None without one) and the
    places left counting lapsed holds as free: what an attempt asks before the lock, in one
    query. `family` is `{"parent": user}` or `{"family_contact": contact}`.

    Written in SQL: when a popular session fills, this is the question hundreds of families'
    attempts ask within seconds, and the ORM took 1.6 ms to put it together against 0.02 ms to
    ask it."""
    [(owner, who)] = family.items()
    booking, walk_in = Booking._meta, WalkIn._meta
    quote = connection.ops.quote_name
    bookings, walk_ins = quote(booking.db_table), quote(walk_in.db_table)
    session_id, places, status = (
        quote(booking.get_field(name).column) for name in ("session", "places", "status")
    )
    holds_until = quote(booking.get_field("hold_expires_at").column)
    family_id = quote(booking.get_field(owner).column)
    reference = quote(booking.get_field("reference").column)
    active = ", ".join(["%s"] * len(Booking.ACTIVE_STATUSES))
    # Only names from the models and placeholders are put together here.
    sql = (
        f"SELECT (SELECT MIN({reference}) FROM {bookings} "  # noqa: S608  # nosec B608
        f"WHERE {session_id} = %s AND {family_id} = %s AND {status} IN ({active})), "
        f"COALESCE((SELECT SUM({places}) FROM {bookings} WHERE {session_id} = %s "
        f"AND ({status} = %s OR ({status} = %s AND {holds_until} > %s))), 0) "
        f"+ COALESCE((SELECT SUM({quote(walk_in.get_field('places').column)}) FROM {walk_ins} "
        f"WHERE {quote(walk_in.get_field('session').column)} = %s), 0)"
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = [session.pk, who.pk, *Booking.ACTIVE_STATUSES, session.pk]
    params += [Booking.Status.CONFIRMED, Booking.Status.PENDING_PAYMENT, now, session.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        existing, held = cursor.fetchone()
    return existing, session.capacity - held


def _holding_counting_lapsed_holds_as_free() -> Q:
    return Q(status=Booking.Status.CONFIRMED) | Q(
        status=Booking.Status.PENDING_PAYMENT, hold_expires_at__gt=timezone.now()
    )


def _walk_in_places(session: Session) -> Coalesce:
    walk_ins = (
        WalkIn.objects.filter(session=session)
        .order_by()
        .values("session")
        .annotate(total=Sum("places"))
        .values("total")
    )
    return Coalesce(Subquery(walk_ins, output_field=IntegerField()), 0)


def pay_at_centre_offered(session) -> bool:
    """Whether families booking a paid session (or course) choose between paying by card now and
    paying at the centre. Without online payment everyone pays at the centre: there is no
    choice to make."""
    return (
        not session.pricing.is_free
        and session.allow_pay_at_centre
        and stripe_gateway.is_configured()
    )


def funded_places_used(session: Session) -> int:
    """How many funded places are taken; the only thing about funded places staff see."""
    total = Booking.objects.filter(
        session=session, status__in=Booking.HOLDING_STATUSES, funded=True
    ).aggregate(total=Sum("places"))["total"]
    return total or 0


def funded_places_left(session: Session) -> int:
    return session.pricing.funded_places - funded_places_used(session)


def window_refusal(session: Session, now: datetime.datetime) -> str | None:
    """Why the session cannot be booked at `now` (cancelled, started, not open yet, closed),
    or None."""
    if session.is_cancelled:
        return SESSION_CANCELLED
    if session.start <= now:
        return STARTED
    if session.booking_opens and now < session.booking_opens:
        opens = timezone.localtime(session.booking_opens)
        return NOT_OPEN_YET.format(
            opens=_("{day} at {time}").format(
                day=dateformat.format(opens, "j E"), time=f"{opens:%H:%M}"
            )
        )
    if now >= session.bookable_until:
        return CLOSED
    return None


def booking_refusal(session: Session) -> str | None:
    """Why the session cannot be booked right now, or None. For showing the state before anyone
    tries; `services.book_session` asks again under the lock."""
    return window_refusal(session, timezone.now())


def moved_since_booking(booking: Booking, session: Session | None = None) -> bool:
    """Whether the session moved (date, time or venue) after this booking was confirmed: the
    family booked a session that will not run as booked, so the cutoff no longer binds them."""
    session = session or booking.session
    return bool(
        session.moved_at and booking.confirmed_at and booking.confirmed_at < session.moved_at
    )


def can_cancel_online(booking: Booking) -> bool:
    """Whether the family may still cancel this booking themselves: a confirmed one until the
    cutoff (until the start if the session moved since they booked), one waiting for payment
    until the start (nothing has been paid)."""
    session = booking.session
    now = timezone.now()
    if session.is_cancelled:
        return False
    if booking.status == Booking.Status.PENDING_PAYMENT:
        return now < session.start
    if booking.status != Booking.Status.CONFIRMED:
        return False
    if moved_since_booking(booking, session):
        return now < session.start
    return now < session.cancellable_until


def paid_online(booking: Booking | CourseBooking) -> bool:
    paid_for = (
        {"course_booking": booking} if isinstance(booking, CourseBooking) else {"booking": booking}
    )
    return Payment.objects.filter(
        **paid_for, method=Payment.Method.ONLINE, status=Payment.Status.PAID
    ).exists()


# --- Courses ------------------------------------------------------------------------------------

COURSE_STARTED = _("This course has already started, so it can no longer be booked.")
COURSE_FINISHED = _("This course has finished.")
COURSE_NOT_OPEN_YET = _("Booking for this course opens on {opens}.")
COURSE_CLOSED = _("Booking for this course has closed.")
COURSE_CANCELLED = _("This course has been cancelled by the centre.")


def course_sessions(course) -> list[Session]:
    """The course's sessions that will run (or ran), first first."""
    return list(
        Session.objects.filter(course=course, status=Session.Status.SCHEDULED)
        .select_related("activity", "venue")
        .order_by("start", "pk")
    )


def sessions_to_hold(sessions: list[Session], now: datetime.datetime) -> list[Session]:
    """The sessions a course place taken at `now` holds: those not started yet."""
    return [session for session in sessions if session.start > now]


def course_window_refusal(course, sessions: list[Session], now: datetime.datetime) -> str | None:
    """Why the course cannot be booked at `now`, or None. Booking opens and closes with the
    first session's window; once it has started, only where late joiners are allowed, until
    the last session starts."""
    if not sessions:
        return COURSE_CANCELLED
    first = sessions[0]
    if first.booking_opens and now < first.booking_opens:
        opens = timezone.localtime(first.booking_opens)
        return COURSE_NOT_OPEN_YET.format(
            opens=_("{day} at {time}").format(
                day=dateformat.format(opens, "j E"), time=f"{opens:%H:%M}"
            )
        )
    if now < first.bookable_until:
        return None
    if not course.allow_late_joiners:
        return COURSE_STARTED if first.start <= now else COURSE_CLOSED
    if not sessions_to_hold(sessions, now):
        return COURSE_FINISHED
    return None


def course_places_held(course) -> int:
    total = CourseBooking.objects.filter(
        course=course, status__in=CourseBooking.HOLDING_STATUSES
    ).aggregate(total=Sum("places"))["total"]
    return total or 0


def course_places_left(course, sessions: list[Session]) -> int:
    """Course places free for a booking holding `sessions`: the course's own places, and no
    more than any of those sessions has left (a walk-in on one session takes a place there)."""
    left = course.capacity - course_places_held(course)
    for session in sessions:
        left = min(left, session.capacity - places_taken(session))
    return max(left, 0)


def funded_course_places_left(course) -> int:
    used = CourseBooking.objects.filter(
        course=course, status__in=CourseBooking.HOLDING_STATUSES, funded=True
    ).aggregate(total=Sum("places"))["total"]
    return course.pricing.funded_places - (used or 0)


def bookable_course(course_id: int):
    """A course of a published activity, with its sessions (`run`), the sessions a booking made
    now would hold (`to_hold`), and `places_left`. Raises `Course.DoesNotExist`."""
    course = Course.objects.select_related("activity", "centre").get(
        pk=course_id, activity__live=True
    )
    course.run = course_sessions(course)
    if not course.run:
        raise Course.DoesNotExist
    course.to_hold = sessions_to_hold(course.run, timezone.now())
    course.places_left = course_places_left(course, course.to_hold)
    # The session the booking form describes, and whose day the ages are checked on.
    course.first = course.run[0]
    course.start = course.first.start
    return course


def course_booking_refusal(course) -> str | None:
    return course_window_refusal(course, course.run, timezone.now())


def active_course_booking(*, parent, course):
    return CourseBooking.objects.filter(
        course=course, parent=parent, status__in=CourseBooking.ACTIVE_STATUSES
    ).first()


def _parent_course_bookings(user) -> QuerySet[CourseBooking]:
    return (
        CourseBooking.objects.filter(parent=user)
        .select_related("course", "payment")
        .prefetch_related(
            # In queries of their own, as a booking's are (`_BOOKING_SHOWS`).
            "course__activity",
            "course__centre",
            Prefetch("children", queryset=Child.objects.order_by("first_name")),
            Prefetch(
                "course__sessions",
                queryset=Session.objects.filter(status=Session.Status.SCHEDULED)
                .select_related("venue")
                .order_by("start", "pk"),
                to_attr="run",
            ),
            Prefetch(
                "session_bookings",
                queryset=Booking.objects.select_related("session__venue").order_by(
                    "session__start", "pk"
                ),
                to_attr="held",
            ),
        )
    )


def _with_sessions(course_booking: CourseBooking) -> CourseBooking:
    """`sessions`: the sessions the course booking holds places on; the course's whole run for
    a household still waiting (the sessions it would hold)."""
    held = [booking.session for booking in course_booking.held]
    course_booking.sessions = held or course_booking.course.run
    course_booking.last_start = max(
        (session.start for session in course_booking.course.run), default=None
    )
    return course_booking


def course_bookings_for_parent(user) -> tuple[list[CourseBooking], list[CourseBooking]]:
    """The parent's course bookings for courses with sessions still to come, each with all its
    sessions: those still on, and those cancelled or left. Four queries."""
    now = timezone.now()
    coming, cancelled = [], []
    for course_booking in _parent_course_bookings(user).order_by("created_at", "pk"):
        _with_sessions(course_booking)
        if course_booking.last_start is None or course_booking.last_start <= now:
            continue
        (coming if course_booking.is_active else cancelled).append(course_booking)
    return coming, cancelled


def course_booking_for_parent(user, reference: str) -> CourseBooking:
    """The parent's own course booking by reference. Raises `CourseBooking.DoesNotExist` for
    anyone else's."""
    return _with_sessions(_parent_course_bookings(user).get(reference=reference.upper()))


def can_cancel_course_online(course_booking: CourseBooking) -> bool:
    """A family may cancel a course booking until the cutoff of the next session to come; one
    waiting for payment until the last session starts (nothing has been paid)."""
    if course_booking.status not in CourseBooking.HOLDING_STATUSES:
        return False
    now = timezone.now()
    to_come = [session for session in course_booking.sessions if session.start > now]
    if course_booking.status == CourseBooking.Status.PENDING_PAYMENT:
        return bool(to_come)
    return bool(to_come) and now < to_come[0].cancellable_until
