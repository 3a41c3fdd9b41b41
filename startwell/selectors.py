"""Reads about people: a parent's children, and what an account has confirmed."""

from allauth.account.models import EmailAddress
from django.db.models import QuerySet
from django.utils import timezone

from .models import Child, User

# Booking statuses that hold (or wait for) a place; named here because `startwell` sits below the
# bookings app and only reaches bookings through the reverse relation `child.bookings`.
HOLDING_STATUSES = ["confirmed", "waiting"]


def has_verified_email(user: User) -> bool:
    """Kept on the user once true: an address confirmed stays confirmed for the request, which
    asks several times (the page, then the booking service)."""
    if getattr(user, "_startwell_verified_email", False):
        return True
    verified = EmailAddress.objects.filter(user=user, verified=True).exists()
    if verified:
        user._startwell_verified_email = True
    return verified


def children_of(parent: User) -> QuerySet[Child]:
    return Child.objects.filter(parent=parent).order_by("first_name")


def has_upcoming_bookings(child: Child) -> bool:
    """True while the child holds a place, or waits for one, on a session still to come."""
    return child.bookings.filter(
        status__in=HOLDING_STATUSES, session__start__gt=timezone.now()
    ).exists()
