"""A booking's life in one table. Every change of a booking's status goes through `move`, which
refuses a change the table does not allow and sets the fields that go with the new status, so a
booking held for payment always has a hold, a confirmed one its confirmation time, and so on.

A booking is born (`create`) confirmed, waiting or held for payment; from there (`move`):

    waiting          -> confirmed (a place, free or paid at the centre), held for payment
                        (a paid place when the family pays online), left the waiting list,
                        cancelled (the centre cancelled the session)
    held for payment -> confirmed (paid), not paid in time, cancelled
    not paid in time -> confirmed (paid late while places were still free)
    confirmed        -> cancelled
"""

import datetime

from .errors import BookingError
from .models import Booking

S = Booking.Status

# What a new booking may be: booked, on the waiting list, or holding its places while it is paid.
BORN = frozenset({S.CONFIRMED, S.WAITING, S.PENDING_PAYMENT})

TRANSITIONS: dict[str, frozenset[str]] = {
    S.WAITING: frozenset({S.CONFIRMED, S.PENDING_PAYMENT, S.LEFT_WAITING_LIST, S.CANCELLED}),
    S.PENDING_PAYMENT: frozenset({S.CONFIRMED, S.PAYMENT_EXPIRED, S.CANCELLED}),
    S.PAYMENT_EXPIRED: frozenset({S.CONFIRMED}),
    S.CONFIRMED: frozenset({S.CANCELLED}),
    S.CANCELLED: frozenset(),
    S.LEFT_WAITING_LIST: frozenset(),
}

VERBS = {
    S.CONFIRMED: "confirmed",
    S.WAITING: "put on the waiting list",
    S.PENDING_PAYMENT: "held for payment",
    S.PAYMENT_EXPIRED: "released as unpaid",
    S.CANCELLED: "cancelled",
    S.LEFT_WAITING_LIST: "taken off the waiting list",
}

# Confirmed after an online payment (on time or late): nothing is left to pay at the centre.
_PAID_ONLINE_FROM = frozenset({S.PENDING_PAYMENT, S.PAYMENT_EXPIRED})


def create(
    status: str,
    *,
    now: datetime.datetime,
    hold_until: datetime.datetime | None = None,
    model: type = Booking,
    **fields,
):
    """A new booking in `status`, with the fields that go with it (`fields` are the rest of the
    booking: session, parent, places, amount...). `model` is `CourseBooking` for a course
    booking, whose life follows the same table."""
    if status not in BORN:
        raise ValueError(f"A booking cannot start as {status}.")
    booking = model(status=status, **fields)
    if status == S.CONFIRMED:
        # Booked without paying online: anything to pay is paid at the centre.
        booking.confirmed_at = now
        booking.payment_due_at_centre = booking.amount_pence > 0
    elif status == S.PENDING_PAYMENT:
        if hold_until is None:
            raise ValueError("Holding places for payment needs `hold_until`.")
        booking.hold_expires_at = hold_until
    else:
        booking.waiting_since = now
    booking.save(force_insert=True)
    return booking


def may_move(booking: Booking, to: str) -> bool:
    return to in TRANSITIONS.get(booking.status, frozenset())


def move(
    booking: Booking,
    to: str,
    *,
    now: datetime.datetime,
    by=None,
    hold_until: datetime.datetime | None = None,
) -> Booking:
    """Moves a booking (its session locked by the caller) to `to` and saves it with the fields
    that go with the new status. `hold_until` is required when holding places for payment; `by`
    is who asked, which the booking does not keep (staff actions are in `bookings.audit`).
    Raises `BookingError` for a change the table does not allow."""
    if not may_move(booking, to):
        raise BookingError(
            f"This booking is {S(booking.status).label.lower()}, "
            f"so it cannot be {VERBS.get(to, to)}."
        )
    changed = ["status"]
    if to == S.CONFIRMED:
        # Promoted from the waiting list without online payment: the family pays on the day.
        booking.payment_due_at_centre = (
            booking.amount_pence > 0 and booking.status not in _PAID_ONLINE_FROM
        )
        booking.confirmed_at = now
        changed += ["confirmed_at", "payment_due_at_centre"]
    elif to == S.PENDING_PAYMENT:
        if hold_until is None:
            raise ValueError("Holding places for payment needs `hold_until`.")
        booking.hold_expires_at = hold_until
        booking.payment_due_at_centre = False
        changed += ["hold_expires_at", "payment_due_at_centre"]
    elif to in (S.CANCELLED, S.LEFT_WAITING_LIST):
        booking.cancelled_at = now
        changed += ["cancelled_at"]
    booking.status = to
    booking.save(update_fields=changed)
    return booking
