"""Reads for parent champions: who is a champion where, the sessions they host, registers and the
manager's view of their champions. Every listing here runs a fixed number of queries."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from bookings.models import Booking, Session, WalkIn
from bookings.selectors import with_places
from cms.models import ActivityPage, CentrePage
from cms.selectors import centres_managed_by

from .models import Champion, ChampionApplication, Hosting, RegisterLogEntry


def champion_roles(user) -> QuerySet[Champion]:
    """Every centre where this person is a champion, suspended or not."""
    if not user.is_authenticated:
        return Champion.objects.none()
    return Champion.objects.filter(user=user).select_related("centre")


def centres_championed_by(user) -> QuerySet[CentrePage]:
    """Centres where this person is an active (not suspended) champion."""
    if not user.is_authenticated:
        return CentrePage.objects.none()
    return CentrePage.objects.filter(champions__user=user, champions__status=Champion.Status.ACTIVE)


def champion_at(user, centre_id: int) -> Champion | None:
    if not user.is_authenticated:
        return None
    return Champion.objects.filter(user=user, centre_id=centre_id).first()


def manages_centre(user, centre_id: int) -> bool:
    return centres_managed_by(user).filter(pk=centre_id).exists()


def applications_of(user) -> QuerySet[ChampionApplication]:
    return ChampionApplication.objects.filter(parent=user).select_related("centre")


def register_sessions_for(user) -> QuerySet[Session]:
    """Sessions whose register this person may ask for: every session of a centre they manage or
    champion at (whether their role lets them act is the services' question). Others' → 404."""
    if not user.is_authenticated:
        return Session.objects.none()
    if user.is_superuser:
        return Session.objects.all()
    champion_centres = Champion.objects.filter(user=user).values("centre")
    return Session.objects.filter(
        Q(centre__in=centres_managed_by(user).values("pk")) | Q(centre__in=champion_centres)
    )


def _start_of_today() -> datetime.datetime:
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def hosted_sessions(user, *, days: int = 60) -> QuerySet[Session]:
    """Sessions from today on that this person hosts as an active champion, directly or through
    the activity, with places taken counted."""
    if not user.is_authenticated:
        return Session.objects.none()
    active = {"champion__user": user, "champion__status": Champion.Status.ACTIVE}
    by_session = Hosting.objects.filter(**active, session__isnull=False).values("session")
    by_activity = Hosting.objects.filter(**active, activity__isnull=False).values("activity")
    start = _start_of_today()
    sessions = Session.objects.filter(
        Q(pk__in=by_session) | Q(activity__in=by_activity),
        start__gte=start,
        start__lt=start + datetime.timedelta(days=days),
    ).select_related("activity", "venue", "centre")
    return with_places(sessions).order_by("start", "pk")


def activities_hosted_by(user) -> QuerySet[ActivityPage]:
    """Activities this person hosts as an active champion: they may add and change sessions."""
    if not user.is_authenticated:
        return ActivityPage.objects.none()
    return ActivityPage.objects.filter(
        hostings__champion__user=user, hostings__champion__status=Champion.Status.ACTIVE
    ).order_by("title")


def hosts_activity(user, activity_id: int, *, active_only: bool = True) -> bool:
    hostings = Hosting.objects.filter(champion__user=user, activity_id=activity_id)
    if active_only:
        hostings = hostings.filter(champion__status=Champion.Status.ACTIVE)
    return hostings.exists()


def family_name(booking: Booking) -> str:
    """How the register names a household: the parent's name, or the booking reference when they
    gave no name (never their e-mail address)."""
    return booking.parent.get_full_name() or f"Booking {booking.reference}"


@dataclass
class RegisterRow:
    booking: Booking
    children: list[tuple[str, str]] = field(default_factory=list)  # (first name, age)

    @property
    def name(self) -> str:
        return family_name(self.booking)


@dataclass
class Register:
    session: Session
    booked: list[RegisterRow]
    waiting: list[RegisterRow]
    walk_ins: list[WalkIn]
    places_taken: int

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


def describe_age(months: int) -> str:
    if months < 0:
        return "not born yet"
    if months < 24:
        return f"{months} month{'s' if months != 1 else ''}"
    return f"{months // 12} years"


def register_for(session: Session) -> Register:
    """Who is booked, who is waiting and who walked in: only what the host needs (a parent's name,
    children's first names and ages, access notes). Three queries, whatever the numbers."""
    bookings = list(
        Booking.objects.filter(session=session, status__in=Booking.ACTIVE_STATUSES)
        .select_related("parent")
        .prefetch_related(Prefetch("children"))
        .order_by("confirmed_at", "waiting_since", "pk")
    )
    walk_ins = list(WalkIn.objects.filter(session=session).order_by("recorded_at", "pk"))
    day = timezone.localtime(session.start).date()

    def row(booking):
        kids = [
            (child.first_name, describe_age(child.age_in_months_on(day)))
            for child in booking.children.all()
        ]
        return RegisterRow(booking=booking, children=kids)

    booked = [row(b) for b in bookings if b.status in Booking.HOLDING_STATUSES]
    waiting = sorted(
        (row(b) for b in bookings if b.status == Booking.Status.WAITING),
        key=lambda r: (r.booking.waiting_since or r.booking.created_at, r.booking.pk),
    )
    taken = sum(r.booking.places for r in booked) + sum(w.places for w in walk_ins)
    return Register(
        session=session, booked=booked, waiting=waiting, walk_ins=walk_ins, places_taken=taken
    )


def champions_at(centres: QuerySet[CentrePage]) -> QuerySet[Champion]:
    return (
        Champion.objects.filter(centre__in=centres)
        .select_related("user", "centre")
        .prefetch_related(
            Prefetch(
                "hostings",
                queryset=Hosting.objects.select_related("activity", "session__activity"),
            )
        )
        .order_by("centre__title", "user__first_name", "user__last_name", "pk")
    )


def applications_at(centres: QuerySet[CentrePage]) -> QuerySet[ChampionApplication]:
    return ChampionApplication.objects.filter(centre__in=centres).select_related(
        "parent", "centre", "decided_by"
    )


def register_log_at(centre: CentrePage) -> QuerySet[RegisterLogEntry]:
    return RegisterLogEntry.objects.filter(centre=centre).select_related(
        "actor", "session__activity"
    )


def centre_sessions_to_host(centre: CentrePage) -> QuerySet[Session]:
    """Upcoming sessions of a centre a manager may assign a host to."""
    return (
        Session.objects.filter(
            centre=centre, start__gte=_start_of_today(), status=Session.Status.SCHEDULED
        )
        .select_related("activity")
        .order_by("start", "pk")
    )


def centre_activities(centre: CentrePage) -> QuerySet[ActivityPage]:
    return ActivityPage.objects.descendant_of(centre).order_by("title")


def may_edit_activity(user, activity_id: int, centre_id: int | None) -> bool:
    """Managers of the centre and champions hosting the activity may add and change its sessions
    (whether a champion may act right now, suspended or with lapsed checks, is the services'
    question: they are told why, not shown a 404)."""
    return (
        user.is_superuser
        or (centre_id is not None and manages_centre(user, centre_id))
        or hosts_activity(user, activity_id, active_only=False)
    )


def may_edit_session(user, session: Session) -> bool:
    return may_edit_activity(user, session.activity_id, session.centre_id)


def shows_champions_link(user) -> bool:
    if not user.is_authenticated:
        return False
    return (
        user.is_superuser
        or Champion.objects.filter(user=user).exists()
        or (centres_managed_by(user).exists())
    )
