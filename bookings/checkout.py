"""Paying online: sending a family to Stripe Checkout, acting on what Stripe says about the
payment (its webhook events, or the page the family comes back to), and releasing holds nobody
paid for.

Stripe's record is the only proof of payment. Every change to who holds places happens under the
session lock (`bookings.locking`), so a payment that arrives late never overbooks; calls to Stripe
happen outside that lock, with idempotency keys, so a retry never charges twice.
"""

import contextlib
import datetime
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from startwell.site_address import absolute_url

from . import capacity, money, notifications, selectors, stripe_gateway
from .errors import BookingError
from .locking import locked_course, locked_session, session_transaction
from .models import Booking, CourseBooking, Payment, StripeEvent
from .pricing import CURRENCY
from .transitions import move

logger = logging.getLogger(__name__)

# Stripe accepts a Checkout Session lifetime from 30 minutes; the extra minute covers the time
# the request takes to reach it.
CHECKOUT_LIFETIME = datetime.timedelta(minutes=30, seconds=60)

NOT_AWAITING_PAYMENT = _("This booking is not waiting for payment.")
HOLD_LAPSED = _("The time to pay for this booking has run out and its places were released.")
CHECKOUT_UNAVAILABLE = _(
    "We couldn't open the payment page just now. Nothing has been taken; please try again "
    "in a few minutes."
)
ONLINE_PAYMENT_OFF = _("Online payment is not available. Please pay at the centre.")

REFUND_LATE_PAYMENT = _(
    "Your payment arrived after the time to pay had run out, and the places had gone."
)


# --- What is paid for: a session's booking, or a whole course's -------------------------------
# A course booking is paid once for the whole run, through the same payment page, webhook and
# hold as a session's booking; what differs is the lock (the course's, which covers its
# sessions), how its places are confirmed or released, and who is told.

Payable = Booking | CourseBooking

# The metadata key that names what a Checkout Session pays for.
BOOKING_KEY = "booking_reference"
COURSE_BOOKING_KEY = "course_booking_reference"


def _is_course(payable: Payable) -> bool:
    return isinstance(payable, CourseBooking)


@contextlib.contextmanager
def _locked_for(payable: Payable):
    """The lock over everything the payable's places are on; yields its session or course."""
    with session_transaction():
        if _is_course(payable):
            with locked_course(payable.course_id) as course:
                yield course
        else:
            with locked_session(payable.session_id) as session:
                yield session


def _reread(payable: Payable) -> Payable:
    return type(payable).objects.select_related("parent").get(pk=payable.pk)


def _hold_until(payable: Payable, until: datetime.datetime) -> None:
    """Keeps the places held until `until` (a course booking's places on each session too)."""
    payable.hold_expires_at = until
    payable.save(update_fields=["hold_expires_at"])
    if _is_course(payable):
        Booking.objects.filter(
            course_booking=payable, status=Booking.Status.PENDING_PAYMENT
        ).update(hold_expires_at=until)


def _confirm_paid(payable: Payable, now: datetime.datetime) -> None:
    move(payable, Booking.Status.CONFIRMED, now=now)
    if _is_course(payable):
        capacity.confirm_course_sessions(payable, now=now)
        notifications.course_booked(payable, session=None)
    else:
        notifications.booking_confirmed(payable)


def _release_unpaid(payable: Payable, place, now: datetime.datetime) -> None:
    """Gives back the places of a payable nobody paid for in time, and offers them to the
    waiting list (`place` is the locked session or course)."""
    if _is_course(payable):
        capacity.release_unpaid_course_booking(payable, now=now)
        capacity.promote_course_waiting(place)
        return
    move(payable, Booking.Status.PAYMENT_EXPIRED, now=now)
    notifications.hold_released(payable)
    capacity.promote_waiting(place)


# --- Sending a family to pay -------------------------------------------------------------------


def _absolute(path: str) -> str:
    return absolute_url(path)


def start_checkout(*, booking: Payable) -> str:
    """Opens (or reopens) a Stripe Checkout Session for a booking (or course booking) waiting
    for payment and returns the address of Stripe's payment page."""
    if not stripe_gateway.is_configured():
        raise BookingError(ONLINE_PAYMENT_OFF)
    now = timezone.now()
    with _locked_for(booking):
        booking = _reread(booking)
        if booking.status != Booking.Status.PENDING_PAYMENT:
            raise BookingError(NOT_AWAITING_PAYMENT)
        if booking.hold_expires_at <= now:
            raise BookingError(HOLD_LAPSED)
        payment, _ = Payment.objects.get_or_create(
            **money.payment_of(booking), defaults={"amount_pence": booking.amount_pence}
        )
        attempt = payment.checkout_attempts
    if payment.checkout_session_id:
        if payment.status == Payment.Status.OPEN:
            # A family coming back to pay keeps the payment page it had, while it is open.
            try:
                existing = stripe_gateway.retrieve_checkout_session(payment.checkout_session_id)
            except stripe_gateway.GatewayError as error:
                # Opening a second page while the first may still be open could charge twice.
                raise BookingError(CHECKOUT_UNAVAILABLE) from error
            if existing.get("status") == "open":
                return existing["url"]
        # A new payment page needs a new idempotency key.
        attempt += 1
    expires_at = (now + CHECKOUT_LIFETIME).replace(microsecond=0)
    try:
        checkout = stripe_gateway.create_checkout_session(
            _checkout_params(booking, expires_at),
            idempotency_key=f"checkout-{booking.reference}-{attempt}",
        )
    except stripe_gateway.GatewayError as error:
        logger.warning("Checkout for booking %s failed: %s", booking.reference, error)
        raise BookingError(CHECKOUT_UNAVAILABLE) from error
    with _locked_for(booking):
        booking = _reread(booking)
        payment = Payment.objects.get(**money.payment_of(booking))
        if payment.status == Payment.Status.PAID:
            return _booking_page(booking)
        payment.checkout_session_id = checkout["id"]
        payment.checkout_url = checkout["url"]
        payment.checkout_attempts = attempt
        payment.status = Payment.Status.OPEN
        payment.save()
        if booking.status == Booking.Status.PENDING_PAYMENT:
            # The places are held exactly as long as the payment page stays open.
            _hold_until(booking, max(booking.hold_expires_at, expires_at))
    return checkout["url"]


def _booking_page(booking: Payable) -> str:
    return reverse("bookings:booking_detail", kwargs={"reference": booking.reference})


def _what_is_paid_for(booking: Payable) -> str:
    """The line on Stripe's page: the activity and its date (a course's first date)."""
    if _is_course(booking):
        first = min(session.start for session in booking.course.sessions.all())
        when = dateformat.format(timezone.localtime(first), "D j M Y")
        return f"{booking.course.activity.title}, " + _("course from {day}").format(day=when)
    session = booking.session
    when = timezone.localtime(session.start)
    return f"{session.activity.title}, " + dateformat.format(when, "D j M Y H:i")


def _checkout_params(booking: Payable, expires_at: datetime.datetime) -> dict[str, Any]:
    places = booking.places
    metadata = {(COURSE_BOOKING_KEY if _is_course(booking) else BOOKING_KEY): booking.reference}
    return {
        "mode": "payment",
        "client_reference_id": booking.reference,
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata},
        "customer_email": booking.parent.email,
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": CURRENCY,
                    "unit_amount": booking.amount_pence,
                    "product_data": {
                        "name": _what_is_paid_for(booking),
                        "description": ngettext(
                            "%(places)d place, booking %(reference)s",
                            "%(places)d places, booking %(reference)s",
                            places,
                        )
                        % {"places": places, "reference": booking.reference},
                    },
                },
            }
        ],
        "expires_at": int(expires_at.timestamp()),
        "success_url": _absolute(reverse("payments:return")) + "?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": _absolute(_booking_page(booking)),
    }


# --- Stripe's word on a payment -----------------------------------------------------------------


def reference_of(checkout: dict[str, Any]) -> str:
    metadata = checkout.get("metadata") or {}
    return (
        metadata.get(BOOKING_KEY)
        or metadata.get(COURSE_BOOKING_KEY)
        or (checkout.get("client_reference_id") or "")
    )


def payable_of(checkout: dict[str, Any]) -> Payable | None:
    """The booking, or course booking, a Checkout Session pays for; None if it names none."""
    metadata = checkout.get("metadata") or {}
    if metadata.get(COURSE_BOOKING_KEY):
        return CourseBooking.objects.filter(reference=metadata[COURSE_BOOKING_KEY]).first()
    reference = reference_of(checkout)
    return Booking.objects.filter(reference=reference).first() if reference else None


def _can_take_late_payment(place, booking: Payable, now: datetime.datetime) -> bool:
    if booking.status != Booking.Status.PAYMENT_EXPIRED:
        return False
    if _is_course(booking):
        return _can_take_late_course_payment(place, booking, now)
    session = place
    if session.is_cancelled or session.start <= now:
        return False
    another = (
        Booking.objects.filter(
            session=session, parent_id=booking.parent_id, status__in=Booking.ACTIVE_STATUSES
        )
        .exclude(pk=booking.pk)
        .exists()
    )
    if another:
        return False
    return session.capacity - selectors.places_taken(session) >= booking.places


def _can_take_late_course_payment(course, course_booking: CourseBooking, now) -> bool:
    """A course paid for after its time to pay ran out is booked if the course can still be
    booked and has room on every session still to come; otherwise the money goes back."""
    run = selectors.course_sessions(course)
    if selectors.course_window_refusal(course, run, now):
        return False
    another = (
        CourseBooking.objects.filter(
            course=course,
            parent_id=course_booking.parent_id,
            status__in=CourseBooking.ACTIVE_STATUSES,
        )
        .exclude(pk=course_booking.pk)
        .exists()
    )
    if another:
        return False
    to_hold = selectors.sessions_to_hold(run, now)
    return selectors.course_places_left(course, to_hold) >= course_booking.places


def record_checkout_paid(checkout: dict[str, Any]) -> str:
    """Acts on a Checkout Session Stripe says is paid (from a webhook, or fetched from Stripe
    when the family comes back). Confirms the booking (or course booking), or refunds the money
    if its places are gone. Safe to call any number of times; returns a note of what it did."""
    reference = reference_of(checkout)
    booking = payable_of(checkout)
    if booking is None:
        logger.warning("Stripe payment %s for unknown booking %r", checkout.get("id"), reference)
        return f"unknown booking {reference!r}"
    if checkout.get("payment_status") != "paid":
        return f"{reference}: not paid yet"
    refund = False
    with _locked_for(booking) as place:
        now = timezone.now()
        booking = _reread(booking)
        payment, _ = Payment.objects.get_or_create(
            **money.payment_of(booking),
            defaults={"amount_pence": checkout.get("amount_total") or 0},
        )
        if payment.is_paid:
            intent = checkout.get("payment_intent") or ""
            if intent and payment.payment_intent_id and intent != payment.payment_intent_id:
                # Paid twice (two payment pages): a person refunds the second in Stripe.
                logger.error("Second payment %s for booking %s", intent, reference)
                payment.needs_attention = True
                payment.attention_note = (
                    f"The family paid twice. Refund the second payment ({intent}) in Stripe."
                )
                payment.save(update_fields=["needs_attention", "attention_note", "updated_at"])
                return f"{reference}: second payment, flagged"
            return f"{reference}: payment already recorded"
        payment.status = Payment.Status.PAID
        payment.method = Payment.Method.ONLINE
        payment.paid_at = now
        payment.amount_pence = checkout.get("amount_total") or payment.amount_pence
        payment.payment_intent_id = checkout.get("payment_intent") or ""
        payment.checkout_session_id = checkout.get("id")
        if booking.status == Booking.Status.PENDING_PAYMENT or _can_take_late_payment(
            place, booking, now
        ):
            payment.save()
            _confirm_paid(booking, now)
            return f"{reference}: paid and confirmed"
        if booking.status == Booking.Status.CONFIRMED:
            payment.save()
            return f"{reference}: paid, already confirmed"
        refund = True
        payment.refund_status = Payment.RefundStatus.REQUESTED
        payment.refund_reason = (
            REFUND_LATE_PAYMENT
            if booking.status == Booking.Status.PAYMENT_EXPIRED
            else "Your booking was cancelled before the payment arrived."
        )
        payment.save()
    if refund:
        money.issue_refund(payment_id=payment.pk)
    return f"{reference}: paid too late, refunded"


def record_checkout_expired(checkout: dict[str, Any]) -> str:
    """Stripe closed a payment page unpaid: release the places if the booking's time to pay
    ended with it, and offer them to the waiting list."""
    reference = reference_of(checkout)
    booking = payable_of(checkout)
    if booking is None:
        logger.warning("Expired checkout %s for unknown booking %r", checkout.get("id"), reference)
        return f"unknown booking {reference!r}"
    with _locked_for(booking) as place:
        booking = _reread(booking)
        payment = Payment.objects.filter(**money.payment_of(booking)).first()
        if payment is None or payment.is_paid:
            return f"{reference}: nothing to release"
        if payment.checkout_session_id not in (None, checkout.get("id")):
            return f"{reference}: an older payment page expired"
        if payment.status == Payment.Status.OPEN:
            payment.status = Payment.Status.EXPIRED
            payment.save(update_fields=["status", "updated_at"])
        page_closed_at = datetime.datetime.fromtimestamp(
            checkout.get("expires_at") or 0, tz=datetime.UTC
        )
        if booking.status != Booking.Status.PENDING_PAYMENT:
            return f"{reference}: already released"
        if booking.hold_expires_at > max(page_closed_at, timezone.now()):
            # A household promoted from the waiting list may still open a new payment page.
            return f"{reference}: payment page closed, places still held"
        _release_unpaid(booking, place, timezone.now())
        return f"{reference}: released"


# --- Webhook events -----------------------------------------------------------------------------


HANDLERS = {
    "checkout.session.completed": record_checkout_paid,
    "checkout.session.async_payment_succeeded": record_checkout_paid,
    "checkout.session.expired": record_checkout_expired,
    "refund.created": money.record_refund,
    "refund.updated": money.record_refund,
    "refund.failed": money.record_refund,
    "charge.refund.updated": money.record_refund,
}


def handle_event(event: dict[str, Any]) -> StripeEvent:
    """Stores a verified Stripe event and acts on it once. An event id seen before (and acted
    on) is ignored; events may come in any order."""
    try:
        with transaction.atomic():
            stored, created = StripeEvent.objects.get_or_create(
                event_id=event["id"], defaults={"type": event["type"], "payload": event}
            )
    except IntegrityError:
        # The same event delivered twice at once: the other delivery stored it.
        return StripeEvent.objects.get(event_id=event["id"])
    if stored.processed_at is not None:
        return stored
    handler = HANDLERS.get(event["type"])
    obj = (event.get("data") or {}).get("object") or {}
    outcome = handler(obj) if handler else "not used"
    stored.processed_at = timezone.now()
    stored.outcome = outcome[:200]
    stored.save(update_fields=["processed_at", "outcome"])
    return stored


# --- Holds nobody paid for ----------------------------------------------------------------------


def release_expired_holds(*, now: datetime.datetime | None = None) -> int:
    """Releases every booking whose time to pay has passed, even if Stripe never said so, and
    offers the places to the waiting list. Returns how many bookings were released."""
    now = now or timezone.now()
    session_ids = set(
        Booking.objects.filter(
            status=Booking.Status.PENDING_PAYMENT,
            hold_expires_at__lte=now,
            course_booking__isnull=True,
        ).values_list("session_id", flat=True)
    )
    released = 0
    for session_id in sorted(session_ids):
        with session_transaction(), locked_session(session_id) as session:
            lapsed = capacity.release_lapsed_holds(session, now)
            if lapsed:
                capacity.promote_waiting(session)
            released += len(lapsed)
    course_ids = set(
        CourseBooking.objects.filter(
            status=CourseBooking.Status.PENDING_PAYMENT, hold_expires_at__lte=now
        ).values_list("course_id", flat=True)
    )
    for course_id in sorted(course_ids):
        with session_transaction(), locked_course(course_id) as course:
            lapsed = capacity.release_lapsed_course_holds(course, now)
            if lapsed:
                capacity.promote_course_waiting(course)
            released += len(lapsed)
    return released
