"""The register of a session, one read model for everyone who runs it: the managers' register in
the Wagtail admin and the champions' register pages. Who is booked, who is paying now, who is
waiting (in the order places will be offered), who walked in, and the places left.

A fixed number of queries whatever the number of bookings."""

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Case, F, Prefetch, QuerySet, When, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import ngettext

from startwell.compiled import Compiled
from startwell.fingerprints import fingerprint
from startwell.models import Child, User

from .drop_off import details_by_booking
from .models import Booking, CourseBooking, DropOffDetails, Payment, Session, WalkIn

# The order freed places are offered in: first come, first served.
WAITING_LIST_ORDER = ("waiting_since", "pk")


# A booking whose family deleted its account, or past its retention period.
ANONYMISED = "A family (no longer named)"


def short_name(booking: Booking) -> str:
    """How a champion sees a household: first name and surname initial ("Priya P."), or the
    booking reference when the parent gave no name; never their e-mail address. A family the
    centre keeps without an account is named the same way."""
    parent = booking.parent
    if parent is None:
        if booking.family_contact_id is not None:
            return booking.family_contact.short_name
        return ANONYMISED
    first, last = parent.first_name.strip(), parent.last_name.strip()
    if first and last:
        return f"{first} {last[0]}."
    return first or last or f"Booking {booking.reference}"


@dataclass
class RegisterRow:
    booking: Booking
    # (first name, age on the day of the session)
    children: list[tuple[str, str]] = field(default_factory=list)
    # Drop-off sessions only: each child's emergency contact, notes and photo consent.
    drop_off: list[DropOffDetails] = field(default_factory=list)

    @cached_property
    def short_name(self) -> str:
        # Read up to seven times by each row of the register (its heading and its buttons'
        # labels), so worked out once.
        return short_name(self.booking)

    @cached_property
    def who_comes(self) -> str:
        """The children by first name with their ages on the day ("Kit (2 years), Sam (4
        years)"), or the number of adults on an adults' session: put together here rather than
        in the register's template, where it cost a tenth of a register's rendering."""
        if self.children:
            return ", ".join(f"{name} ({age})" for name, age in self.children)
        adults = self.booking.adults
        return ngettext("%(counter)s adult", "%(counter)s adults", adults) % {"counter": adults}

    @cached_property
    def fingerprint(self) -> tuple:
        """Everything the row holds (the booking as read, with its parent, booker, family
        and course booking; the children with their ages; the drop-off details): the register
        keeps each family's row rendered under it, so any change to a booking makes it anew."""
        return fingerprint(self.booking, self.children, self.drop_off)

    @property
    def text_failure(self) -> str:
        """Why texts to this family fail for good (Notify refused the number), for the centre's
        managers (`register_for(…, for_managers=True)`); empty when they go through or the
        family gets none. (A family contact's failures are on its family record.)"""
        parent = self.booking.parent
        mobile = getattr(parent, "mobile", None) if parent else None
        return mobile.delivery_failure if mobile and mobile.delivery_failed_at else ""

    @property
    def full_name(self) -> str:
        """For the centre's managers, who may also see contact details."""
        parent = self.booking.parent
        if parent is None and self.booking.family_contact_id is not None:
            return self.booking.family_contact.full_name
        if parent is None:
            return ANONYMISED
        return parent.get_full_name() or parent.email


@dataclass
class Register:
    session: Session
    confirmed: list[RegisterRow]
    awaiting_payment: list[RegisterRow]
    waiting: list[RegisterRow]
    walk_ins: list[WalkIn]
    # Payments a person has to look at; only for the centre's managers.
    payments_needing_attention: list[Payment]

    @property
    def booked(self) -> list[RegisterRow]:
        """Households holding places: booked, or paying now."""
        return self.confirmed + self.awaiting_payment

    @property
    def places_booked(self) -> int:
        return sum(row.booking.places for row in self.booked)

    @property
    def walk_in_places(self) -> int:
        return sum(walk_in.places for walk_in in self.walk_ins)

    @property
    def places_taken(self) -> int:
        return self.places_booked + self.walk_in_places

    @property
    def places_left(self) -> int:
        return max(self.session.capacity - self.places_taken, 0)

    @property
    def over_capacity_by(self) -> int:
        return max(self.places_taken - self.session.capacity, 0)

    @property
    def attended_count(self) -> int:
        came = sum(1 for row in self.booked if row.booking.attendance == "attended")
        return came + len(self.walk_ins)

    @property
    def funded_places_used(self) -> int:
        """How many funded places were claimed; never who claimed them."""
        return sum(row.booking.places for row in self.confirmed if row.booking.funded)


def _who_booked(bookings: list[Booking]) -> None:
    """Who made each booking. Families mostly book for themselves, and their parent is read
    already; only the bookings staff made for a family ask who that was (one query, when there
    are any)."""
    made_by_someone_else = []
    for booking in bookings:
        if booking.booked_by_id is not None and booking.booked_by_id == booking.parent_id:
            booking.booked_by = booking.parent
        else:
            made_by_someone_else.append(booking)
    prefetch_related_objects(made_by_someone_else, "booked_by")


def _read_parents(bookings: list[Booking], session_id: int) -> None:
    """Each booking's parent, in one query when any booking has one. An account erased between
    the two reads leaves its booking as the erasure does: no parent, and no booker when the
    family booked for itself."""
    if not any(booking.parent_id for booking in bookings):
        return
    parents = {parent.pk: parent for parent in _PARENTS.instances(session_id=session_id)}
    for booking in bookings:
        if booking.parent_id is None:
            continue
        parent = parents.get(booking.parent_id)
        if parent is None and booking.booked_by_id == booking.parent_id:
            booking.booked_by = None
        booking.parent = parent


def _children_by_booking(bookings: list[Booking], session_id: int) -> dict[int, list[Child]]:
    """The children on each booking, in `Child`'s own order; one query when there are
    bookings."""
    if not bookings:
        return {}
    children: dict[int, list[Child]] = {}
    for child in _CHILDREN.instances(session_id=session_id):
        children.setdefault(child.on_booking_id, []).append(child)
    return children


def _rows(bookings: list[Booking], children: dict[int, list[Child]], day) -> list[RegisterRow]:
    return [
        RegisterRow(
            booking=booking,
            children=[
                (child.first_name, child.age_on(day)) for child in children.get(booking.pk, [])
            ],
        )
        for booking in bookings
    ]


def _bookings_on_the_register(session_id: int) -> QuerySet[Booking]:
    """The places held and the waiting list, each in its own order: places held by when they
    were confirmed, the waiting list as places will be offered (WAITING_LIST_ORDER)."""
    waiting_status = Booking.Status.WAITING
    return (
        Booking.objects.filter(
            session_id=session_id, status__in=[*Booking.HOLDING_STATUSES, waiting_status]
        )
        .annotate(
            register_order=Case(
                When(status=waiting_status, then=F("waiting_since")),
                default=F("confirmed_at"),
            )
        )
        .order_by(Case(When(status=waiting_status, then=1), default=0), "register_order", "pk")
    )


# Asked each time a register is opened: their SQL is written once per process
# (`startwell.compiled`), since putting the bookings' together took the ORM 3 ms a time. What
# each booking shows of its family comes in a query per kind, and none for a kind no booking has.
_REGISTER_BOOKINGS = Compiled(_bookings_on_the_register)
_WALK_INS = Compiled(
    lambda session_id: WalkIn.objects.filter(session_id=session_id).order_by("recorded_at", "pk")
)
# The parents and the children on a session's bookings, asked by the session rather than by
# the bookings' ids, so that their SQL too is written once (a prefetch by ids is written afresh
# each time: about 1 ms of a register of fifteen families).
_PARENTS = Compiled(
    lambda session_id: User.objects.filter(bookings__session_id=session_id).distinct()
)
_CHILDREN = Compiled(
    lambda session_id: Child.objects.filter(bookings__session_id=session_id).annotate(
        on_booking_id=F("bookings__id")
    )
)


def _read_what_rows_show(bookings: list[Booking], *, for_managers: bool) -> None:
    """The families the centre keeps and the courses booked, a query per kind asked only of the
    bookings that have one (most have neither: Django's prefetching of a relation that no booking
    has still cost 0.7 ms of a register of fifteen families); for the centre's managers, the
    parents' mobiles."""
    prefetch_related_objects(
        [booking for booking in bookings if booking.family_contact_id is not None],
        "family_contact",
    )
    prefetch_related_objects(
        [booking for booking in bookings if booking.course_booking_id is not None],
        "course_booking",
    )
    if for_managers:
        prefetch_related_objects(bookings, "parent__mobile")


def register_for(session: Session, *, for_managers: bool = False) -> Register:
    """The session's register. A fixed number of queries whatever the numbers of bookings,
    children and walk-ins: the bookings, then their parents, the families the centre keeps, the
    staff who booked for a family, the courses booked and the children, each only when a
    booking has one; the walk-ins; one more on a drop-off session. The centre's managers'
    register also has the parents' mobiles (whether texts fail: `RegisterRow.text_failure`) and
    the payments that need a person, a query each."""
    day = timezone.localtime(session.start).date()
    waiting_status = Booking.Status.WAITING
    bookings = list(_REGISTER_BOOKINGS.instances(session_id=session.pk))
    _read_parents(bookings, session.pk)
    _read_what_rows_show(bookings, for_managers=for_managers)
    _who_booked(bookings)
    rows = _rows(bookings, _children_by_booking(bookings, session.pk), day)
    held = [row for row in rows if row.booking.status != waiting_status]
    waiting = [row for row in rows if row.booking.status == waiting_status]
    if session.activity.drop_off:
        # One more query, on drop-off sessions only.
        details = details_by_booking([row.booking for row in held + waiting])
        for row in held + waiting:
            by_child = details.get(row.booking.pk, {})
            row.drop_off = list(by_child.values())
    payments = []
    if for_managers:
        payments = list(
            Payment.objects.filter(booking__session=session, needs_attention=True)
            .select_related("booking")
            .order_by("pk")
        )
    return Register(
        session=session,
        confirmed=[row for row in held if row.booking.status == Booking.Status.CONFIRMED],
        awaiting_payment=[
            row for row in held if row.booking.status == Booking.Status.PENDING_PAYMENT
        ],
        waiting=waiting,
        walk_ins=list(_WALK_INS.instances(session_id=session.pk)),
        payments_needing_attention=payments,
    )


# --- A course across its run --------------------------------------------------------------------


@dataclass
class CourseAttendanceRow:
    course_booking: CourseBooking
    # One mark per session of the run, in order: "attended", "no_show", "" (not marked yet) or
    # None (the household held no place on that session: it joined late, or left).
    marks: list[str | None]

    @property
    def short_name(self) -> str:
        return short_name(self.course_booking)

    @property
    def full_name(self) -> str:
        parent = self.course_booking.parent
        return (parent.get_full_name() or parent.email) if parent else ANONYMISED

    @property
    def attended(self) -> int:
        return sum(1 for mark in self.marks if mark == "attended")


@dataclass
class CourseAttendance:
    sessions: list[Session]
    booked: list[CourseAttendanceRow]
    waiting: list[CourseBooking]
    places_held: int


def course_attendance(course) -> CourseAttendance:
    """Each household's attendance across the course's sessions, from the sessions' registers;
    and the course's waiting list in the order places will be offered. Three queries."""
    sessions = list(course.sessions.order_by("start", "pk"))
    column = {session.pk: index for index, session in enumerate(sessions)}
    course_bookings = list(
        CourseBooking.objects.filter(course=course, status__in=CourseBooking.ACTIVE_STATUSES)
        .select_related("parent")
        .prefetch_related(
            Prefetch(
                "session_bookings",
                queryset=Booking.objects.exclude(status=Booking.Status.CANCELLED).only(
                    "pk", "session_id", "attendance", "course_booking_id"
                ),
                to_attr="held",
            )
        )
        .order_by(*WAITING_LIST_ORDER)
    )
    booked, waiting = [], []
    for course_booking in course_bookings:
        if course_booking.status == CourseBooking.Status.WAITING:
            waiting.append(course_booking)
            continue
        marks: list[str | None] = [None] * len(sessions)
        for booking in course_booking.held:
            if booking.session_id in column:
                marks[column[booking.session_id]] = booking.attendance
        booked.append(CourseAttendanceRow(course_booking, marks))
    booked.sort(key=lambda row: (row.course_booking.confirmed_at, row.course_booking.pk))
    return CourseAttendance(
        sessions=sessions,
        booked=booked,
        waiting=waiting,
        places_held=sum(row.course_booking.places for row in booked),
    )
