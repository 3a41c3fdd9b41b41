"""Reads for centre managers in the admin: their sessions with places booked, and a session's
bookings and waiting list."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from cms.selectors import centres_managed_by

from .models import Booking, Session, WalkIn


def sessions_managed_by(user) -> QuerySet[Session]:
    """Sessions at the centres this person manages, with the places booked and the number of
    households waiting counted in the same query."""
    return (
        Session.objects.filter(centre__in=centres_managed_by(user))
        .select_related("activity", "centre", "venue")
        .annotate(
            places_booked=Coalesce(
                Sum("bookings__places", filter=Q(bookings__status=Booking.Status.CONFIRMED)), 0
            ),
            households_waiting=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITING)),
        )
        .order_by("start", "pk")
    )


@dataclass(frozen=True)
class SessionRegister:
    confirmed: list[Booking]
    waiting: list[Booking]
    places_booked: int
    places_left: int
    walk_in_places: int = 0


def session_register(session: Session) -> SessionRegister:
    """Who is booked on a session and who is waiting, in the order they will be offered places."""
    active = list(
        Booking.objects.filter(session=session, status__in=Booking.ACTIVE_STATUSES)
        .select_related("parent")
        .prefetch_related("children")
        .order_by("confirmed_at", "waiting_since", "pk")
    )
    confirmed = [b for b in active if b.status == Booking.Status.CONFIRMED]
    waiting = sorted(
        (b for b in active if b.status == Booking.Status.WAITING),
        key=lambda b: (b.waiting_since, b.pk),
    )
    booked = sum(b.places for b in confirmed)
    # Families who walked in on the day take places too.
    walked_in = WalkIn.objects.filter(session=session).aggregate(total=Sum("places"))["total"] or 0
    return SessionRegister(
        confirmed=confirmed,
        waiting=waiting,
        places_booked=booked,
        places_left=max(session.capacity - booked - walked_in, 0),
        walk_in_places=walked_in,
    )
