"""Reads for sessions and bookings: the public timetable and a parent's own bookings. Each is
a fixed number of queries however many sessions or bookings there are."""

import datetime
from dataclasses import dataclass

from django.db.models import (
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractIsoWeekDay, ExtractMonth, ExtractYear
from django.utils import timezone

from cms.models import CentrePage
from startwell.models import Child

from .models import Booking, Session, WalkIn


def with_places(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """Adds `places_taken` (bookings holding places and walk-ins, as `services.places_taken`
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
    if centre is not None:
        sessions = sessions.filter(centre=centre)
    if activity is not None:
        sessions = sessions.filter(activity=activity)
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
    return (
        with_places(Session.objects.filter(pk=session_id, activity__live=True))
        .select_related("activity", "venue", "centre")
        .get()
    )


def active_booking(*, parent, session) -> Booking | None:
    """The parent's booking or waiting-list place on this session, if they have one."""
    return Booking.objects.filter(
        session=session, parent=parent, status__in=Booking.ACTIVE_STATUSES
    ).first()


@dataclass
class ParentBookings:
    upcoming: list[Booking]
    past: list[Booking]


PAST_BOOKINGS_SHOWN = 30


def _parent_bookings(user) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(parent=user)
        .select_related("session__activity", "session__venue", "session__centre")
        .prefetch_related(Prefetch("children", queryset=Child.objects.order_by("first_name")))
    )


def bookings_for_parent(user) -> ParentBookings:
    """The parent's bookings: upcoming (soonest first, cancelled ones included so that the
    family sees what happened) and the most recent past ones."""
    now = timezone.now()
    bookings = _parent_bookings(user)
    upcoming = bookings.filter(session__start__gt=now).order_by("session__start", "pk")
    past = bookings.filter(session__start__lte=now).order_by("-session__start", "-pk")
    return ParentBookings(upcoming=list(upcoming), past=list(past[:PAST_BOOKINGS_SHOWN]))


def booking_for_parent(user, reference: str) -> Booking:
    """The parent's own booking by reference. Raises `Booking.DoesNotExist` for anyone
    else's."""
    return _parent_bookings(user).get(reference=reference.upper())


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
