"""Reads about people: a parent's children, and what an account has confirmed."""

from allauth.account.models import EmailAddress
from django.db.models import QuerySet
from django.utils import timezone

from .models import Child, User

# Booking statuses that hold (or wait for) a place; named here because `startwell` sits below the
# bookings app and only reaches bookings through the reverse relation `child.bookings`.
HOLDING_STATUSES = ["confirmed", "waiting"]


def has_verified_email(user: User) -> bool:
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def children_of(parent: User) -> QuerySet[Child]:
    return Child.objects.filter(parent=parent).order_by("first_name")


def has_upcoming_bookings(child: Child) -> bool:
    """True while the child holds a place, or waits for one, on a session still to come."""
    return child.bookings.filter(
        status__in=HOLDING_STATUSES, session__start__gt=timezone.now()
    ).exists()
