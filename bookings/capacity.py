"""Who holds the places on a session: giving back places whose time to pay ran out, the funded
places' limit, and moving waiting households into freed places. Every function here is called
with the session locked (`bookings.locking`), so the counts it reads stay true until it writes."""

import datetime

from django.utils import timezone

from . import money, notifications, selectors, stripe_gateway
from .errors import BookingError, plural
from .models import Booking, Session

NO_FUNDED_PLACES = "There are no funded places left on this session. You can still book and pay."
NO_FUNDED_PLACES_ENOUGH = "Only {left} funded place{s} left on this session."

# A waiting household promoted into a paid place has longer to pay: the offer may come at night.
PROMOTED_PAYMENT_HOLD = datetime.timedelta(hours=12)


def check_funded_places(session: Session, places: int) -> None:
    left = selectors.funded_places_left(session)
    if left <= 0:
        raise BookingError(NO_FUNDED_PLACES, field="funded_place")
    if places > left:
        raise BookingError(
            NO_FUNDED_PLACES_ENOUGH.format(left=left, s=plural(left)), field="funded_place"
        )


def release_lapsed_holds(session: Session, now: datetime.datetime) -> list[Booking]:
    """Gives back the places of bookings whose time to pay has run out. The caller then offers
    the places to the waiting list."""
    lapsed = list(
        Booking.objects.filter(
            session=session, status=Booking.Status.PENDING_PAYMENT, hold_expires_at__lte=now
        ).select_related("parent")
    )
    for booking in lapsed:
        booking.status = Booking.Status.PAYMENT_EXPIRED
        booking.save(update_fields=["status"])
        money.close_unpaid_checkout(booking)
        notifications.hold_released(booking)
    return lapsed


def promote_waiting(session: Session) -> list[Booking]:
    """Moves waiting households into freed places, first come first served, skipping any that
    need more places than are free."""
    left = session.capacity - selectors.places_taken(session)
    promoted = []
    if left <= 0 or session.is_cancelled or session.start <= timezone.now():
        return promoted
    waiting = Booking.objects.filter(session=session, status=Booking.Status.WAITING).order_by(
        "waiting_since", "pk"
    )
    now = timezone.now()
    funded_left = selectors.funded_places_left(session)
    for booking in waiting:
        if booking.places > left or (booking.funded and booking.places > funded_left):
            continue
        if booking.amount_pence and stripe_gateway.is_configured():
            # Promoted into a paid place: held while the family pays, as for a new booking.
            booking.status = Booking.Status.PENDING_PAYMENT
            booking.hold_expires_at = min(now + PROMOTED_PAYMENT_HOLD, session.start)
        else:
            booking.status = Booking.Status.CONFIRMED
            booking.confirmed_at = now
            booking.payment_due_at_centre = booking.amount_pence > 0
        booking.save(
            update_fields=["status", "confirmed_at", "hold_expires_at", "payment_due_at_centre"]
        )
        left -= booking.places
        if booking.funded:
            funded_left -= booking.places
        promoted.append(booking)
        notifications.promoted_from_waiting_list(booking)
        if left <= 0:
            break
    return promoted
