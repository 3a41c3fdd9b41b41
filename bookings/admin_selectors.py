"""Reads for centre managers in the admin: their sessions with places booked (a session's register
is `bookings.registers`)."""

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from cms.selectors import centres_managed_by

from .models import Booking, Course, Payment, Session


def sessions_managed_by(user) -> QuerySet[Session]:
    """Sessions at the centres this person manages, with the places booked and the number of
    households waiting counted in the same query."""
    return (
        Session.objects.filter(centre__in=centres_managed_by(user))
        .select_related("activity", "centre", "venue")
        .annotate(
            places_booked=Coalesce(
                # Places held while a family pays are taken too.
                Sum("bookings__places", filter=Q(bookings__status__in=Booking.HOLDING_STATUSES)),
                0,
            ),
            households_waiting=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITING)),
        )
        .order_by("start", "pk")
    )


def courses_managed_by(user) -> QuerySet[Course]:
    """Courses at the centres this person manages."""
    return Course.objects.filter(centre__in=centres_managed_by(user)).select_related(
        "activity", "centre"
    )


def course_payments_needing_attention(course: Course) -> list[Payment]:
    """Payments for the course that need a person: a refund Stripe refused, money taken at the
    centre for a cancelled booking, part of the price for a session the centre cancelled."""
    return list(
        Payment.objects.filter(course_booking__course=course, needs_attention=True)
        .select_related("course_booking")
        .order_by("pk")
    )
