"""Money for bookings: sending a family to Stripe Checkout, acting on Stripe's webhook events,
refunds, releasing holds nobody paid for, and payments taken at the centre.

Stripe's record is the only proof of payment. Every change to who holds places happens under the
session lock (see `bookings.services`), so a payment that arrives late never overbooks; calls to
Stripe happen outside that lock, with idempotency keys, so a retry never charges or refunds twice.
"""

import datetime
import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from . import notifications, services, stripe_gateway
from .models import Booking, Payment, StripeEvent
from .pricing import CURRENCY

logger = logging.getLogger(__name__)

# Stripe accepts a Checkout Session lifetime from 30 minutes; the extra minute covers the time
# the request takes to reach it.
CHECKOUT_LIFETIME = datetime.timedelta(minutes=30, seconds=60)

NOT_AWAITING_PAYMENT = "This booking is not waiting for payment."
HOLD_LAPSED = "The time to pay for this booking has run out and its places were released."
CHECKOUT_UNAVAILABLE = (
    "We couldn't open the payment page just now. Nothing has been taken; please try again "
    "in a few minutes."
)
ONLINE_PAYMENT_OFF = "Online payment is not available. Please pay at the centre."

REFUND_LATE_PAYMENT = (
    "Your payment arrived after the time to pay had run out, and the places had gone."
)


# --- Sending a family to pay -------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def start_checkout(*, booking: Booking) -> str:
    """Opens (or reopens) a Stripe Checkout Session for a booking waiting for payment and returns
    the address of Stripe's payment page."""
    if not stripe_gateway.is_configured():
        raise services.BookingError(ONLINE_PAYMENT_OFF)
    now = timezone.now()
    with services._locked_session(booking.session_id):
        booking = Booking.objects.select_related("session__activity").get(pk=booking.pk)
        if booking.status != Booking.Status.PENDING_PAYMENT:
            raise services.BookingError(NOT_AWAITING_PAYMENT)
        if booking.hold_expires_at <= now:
            raise services.BookingError(HOLD_LAPSED)
        payment, _ = Payment.objects.get_or_create(
            booking=booking, defaults={"amount_pence": booking.amount_pence}
        )
        attempt = payment.checkout_attempts
    if payment.checkout_session_id:
        if payment.status == Payment.Status.OPEN:
            # A family coming back to pay keeps the payment page it had, while it is open.
            try:
                existing = stripe_gateway.retrieve_checkout_session(payment.checkout_session_id)
            except stripe_gateway.GatewayError as error:
                # Opening a second page while the first may still be open could charge twice.
                raise services.BookingError(CHECKOUT_UNAVAILABLE) from error
            if existing.get("status") == "open":
                return existing["url"]
        # A new payment page needs a new idempotency key.
        attempt += 1
    expires_at = (now + CHECKOUT_LIFETIME).replace(microsecond=0)
    session = booking.session
    try:
        checkout = stripe_gateway.create_checkout_session(
            _checkout_params(booking, expires_at),
            idempotency_key=f"checkout-{booking.reference}-{attempt}",
        )
    except stripe_gateway.GatewayError as error:
        logger.warning("Checkout for booking %s failed: %s", booking.reference, error)
        raise services.BookingError(CHECKOUT_UNAVAILABLE) from error
    with services._locked_session(session.pk):
        booking = Booking.objects.get(pk=booking.pk)
        payment = Payment.objects.get(booking=booking)
        if payment.status == Payment.Status.PAID:
            return _booking_page(booking)
        payment.checkout_session_id = checkout["id"]
        payment.checkout_url = checkout["url"]
        payment.checkout_attempts = attempt
        payment.status = Payment.Status.OPEN
        payment.save()
        if booking.status == Booking.Status.PENDING_PAYMENT:
            # The places are held exactly as long as the payment page stays open.
            booking.hold_expires_at = max(booking.hold_expires_at, expires_at)
            booking.save(update_fields=["hold_expires_at"])
    return checkout["url"]


def _booking_page(booking: Booking) -> str:
    return reverse("bookings:booking_detail", kwargs={"reference": booking.reference})


def _checkout_params(booking: Booking, expires_at: datetime.datetime) -> dict[str, Any]:
    session = booking.session
    when = timezone.localtime(session.start)
    places = booking.places
    return {
        "mode": "payment",
        "client_reference_id": booking.reference,
        "metadata": {"booking_reference": booking.reference},
        "payment_intent_data": {"metadata": {"booking_reference": booking.reference}},
        "customer_email": booking.parent.email,
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": CURRENCY,
                    "unit_amount": booking.amount_pence,
                    "product_data": {
                        "name": f"{session.activity.title}, {when:%a %-d %b %Y %H:%M}",
                        "description": f"{places} place{'' if places == 1 else 's'}, "
                        f"booking {booking.reference}",
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
    return (checkout.get("metadata") or {}).get("booking_reference") or (
        checkout.get("client_reference_id") or ""
    )


def _can_take_late_payment(session, booking: Booking, now: datetime.datetime) -> bool:
    if session.is_cancelled or session.start <= now:
        return False
    if booking.status != Booking.Status.PAYMENT_EXPIRED:
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
    return session.capacity - services.places_taken(session) >= booking.places


def record_checkout_paid(checkout: dict[str, Any]) -> str:
    """Acts on a Checkout Session Stripe says is paid (from a webhook, or fetched from Stripe
    when the family comes back). Confirms the booking, or refunds the money if its places are
    gone. Safe to call any number of times; returns a note of what it did."""
    reference = reference_of(checkout)
    booking = Booking.objects.filter(reference=reference).first() if reference else None
    if booking is None:
        logger.warning("Stripe payment %s for unknown booking %r", checkout.get("id"), reference)
        return f"unknown booking {reference!r}"
    if checkout.get("payment_status") != "paid":
        return f"{reference}: not paid yet"
    refund = False
    with services._locked_session(booking.session_id) as session:
        now = timezone.now()
        booking = Booking.objects.select_related("parent").get(pk=booking.pk)
        payment, _ = Payment.objects.get_or_create(
            booking=booking, defaults={"amount_pence": checkout.get("amount_total") or 0}
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
            session, booking, now
        ):
            booking.status = Booking.Status.CONFIRMED
            booking.confirmed_at = now
            booking.save(update_fields=["status", "confirmed_at"])
            payment.save()
            notifications.booking_confirmed(booking)
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
        issue_refund(payment_id=payment.pk)
    return f"{reference}: paid too late, refunded"


def record_checkout_expired(checkout: dict[str, Any]) -> str:
    """Stripe closed a payment page unpaid: release the places if the booking's time to pay
    ended with it, and offer them to the waiting list."""
    reference = reference_of(checkout)
    booking = Booking.objects.filter(reference=reference).first() if reference else None
    if booking is None:
        logger.warning("Expired checkout %s for unknown booking %r", checkout.get("id"), reference)
        return f"unknown booking {reference!r}"
    with services._locked_session(booking.session_id) as session:
        booking = Booking.objects.select_related("parent").get(pk=booking.pk)
        payment = Payment.objects.filter(booking=booking).first()
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
        booking.status = Booking.Status.PAYMENT_EXPIRED
        booking.save(update_fields=["status"])
        notifications.hold_released(booking)
        services._promote_waiting(session)
        return f"{reference}: released"


def close_unpaid_checkout(booking: Booking) -> None:
    """The booking no longer waits for payment: mark its payment page closed here, and close it
    at Stripe once the change is committed, so that nobody pays for places already released.
    If they manage to pay anyway, `record_checkout_paid` confirms or refunds."""
    payment = Payment.objects.filter(booking=booking, status=Payment.Status.OPEN).first()
    if payment is None:
        return
    payment.status = Payment.Status.EXPIRED
    payment.save(update_fields=["status", "updated_at"])
    if payment.checkout_session_id:
        checkout_id = payment.checkout_session_id
        transaction.on_commit(lambda: _expire_at_stripe(checkout_id))


def _expire_at_stripe(checkout_session_id: str) -> None:
    try:
        stripe_gateway.expire_checkout_session(checkout_session_id)
    except stripe_gateway.GatewayError as error:
        # Already paid or already expired: its webhook says which, and is acted on then.
        logger.info("Could not close payment page %s: %s", checkout_session_id, error)


# --- Refunds ------------------------------------------------------------------------------------

# Refund states only move forward, whatever order Stripe's events arrive in.
_REFUND_RANK = {
    Payment.RefundStatus.NONE: 0,
    Payment.RefundStatus.REQUESTED: 1,
    Payment.RefundStatus.PENDING: 2,
    Payment.RefundStatus.REFUNDED: 3,
    Payment.RefundStatus.FAILED: 4,
}
_STRIPE_REFUND_STATUS = {
    "pending": Payment.RefundStatus.PENDING,
    "requires_action": Payment.RefundStatus.PENDING,
    "succeeded": Payment.RefundStatus.REFUNDED,
    "failed": Payment.RefundStatus.FAILED,
    "canceled": Payment.RefundStatus.FAILED,
}
REFUND_FAILED_NOTE = "Stripe could not refund this payment ({detail}). Refund the family by hand."


def settle_cancelled_booking(booking: Booking, *, reason: str) -> None:
    """Money side of a cancellation, called under the session lock: close an unpaid payment
    page, ask Stripe for a refund of an online payment once the cancellation is committed, and
    flag money taken at the centre for staff to give back."""
    close_unpaid_checkout(booking)
    payment = Payment.objects.filter(booking=booking, status=Payment.Status.PAID).first()
    if payment is None or payment.refund_status:
        return
    payment.refund_reason = reason
    if payment.method == Payment.Method.CENTRE:
        payment.needs_attention = True
        payment.attention_note = "Paid at the centre: give the money back to the family."
        payment.save(update_fields=["refund_reason", "needs_attention", "attention_note"])
        return
    payment.refund_status = Payment.RefundStatus.REQUESTED
    payment.save(update_fields=["refund_reason", "refund_status", "updated_at"])
    payment_id = payment.pk
    transaction.on_commit(lambda: issue_refund(payment_id=payment_id))


def issue_refund(*, payment_id: int) -> Payment:
    """Asks Stripe to refund a payment whose refund was requested. If Stripe refuses, the
    booking is flagged for staff and the family told it is in hand; nothing is lost."""
    payment = Payment.objects.select_related("booking").get(pk=payment_id)
    if payment.refund_status != Payment.RefundStatus.REQUESTED:
        return payment
    reference = payment.booking.reference
    try:
        refund = stripe_gateway.create_refund(
            payment_intent=payment.payment_intent_id,
            metadata={"booking_reference": reference},
            idempotency_key=f"refund-{reference}",
        )
    except stripe_gateway.GatewayError as error:
        logger.error("Refund for booking %s failed: %s", reference, error)
        refund = {"id": "", "status": "failed", "failure_reason": str(error)}
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update().select_related("booking__parent").get(pk=payment_id)
        )
        if refund.get("id"):
            payment.refund_id = refund["id"]
        told = _apply_refund_status(payment, refund)
        payment.save()
        if not told and payment.refund_status in (
            Payment.RefundStatus.PENDING,
            Payment.RefundStatus.REFUNDED,
        ):
            notifications.refund_started(payment.booking, payment=payment)
    return payment


def _apply_refund_status(payment: Payment, refund: dict[str, Any]) -> bool:
    """Moves the refund state forward to what Stripe reports; returns True if the family was
    told about a failure."""
    new = _STRIPE_REFUND_STATUS.get(refund.get("status") or "")
    if new is None or _REFUND_RANK[new] <= _REFUND_RANK[payment.refund_status]:
        return False
    payment.refund_status = new
    if new == Payment.RefundStatus.REFUNDED:
        payment.refunded_at = timezone.now()
    if new == Payment.RefundStatus.FAILED:
        detail = refund.get("failure_reason") or "no reason given"
        payment.needs_attention = True
        payment.attention_note = REFUND_FAILED_NOTE.format(detail=detail)
        notifications.refund_in_hand(payment.booking, payment=payment)
        return True
    return False


def record_refund(refund: dict[str, Any]) -> str:
    """Stripe reports on a refund (`refund.*`, `charge.refund.updated`)."""
    payment = None
    if refund.get("id"):
        payment = Payment.objects.filter(refund_id=refund["id"]).first()
    if payment is None and refund.get("payment_intent"):
        payment = Payment.objects.filter(payment_intent_id=refund["payment_intent"]).first()
    if payment is None:
        logger.warning("Stripe refund %s for an unknown payment", refund.get("id"))
        return "unknown payment"
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update().select_related("booking__parent").get(pk=payment.pk)
        )
        if not payment.refund_id and refund.get("id"):
            payment.refund_id = refund["id"]
        if not payment.refund_status:
            # A refund made from Stripe's dashboard: record it all the same.
            payment.refund_status = Payment.RefundStatus.REQUESTED
            payment.refund_reason = "Refunded by the centre."
        _apply_refund_status(payment, refund)
        payment.save()
    return f"{payment.booking.reference}: refund {payment.get_refund_status_display().lower()}"


# --- Webhook events -----------------------------------------------------------------------------


HANDLERS = {
    "checkout.session.completed": record_checkout_paid,
    "checkout.session.async_payment_succeeded": record_checkout_paid,
    "checkout.session.expired": record_checkout_expired,
    "refund.created": record_refund,
    "refund.updated": record_refund,
    "refund.failed": record_refund,
    "charge.refund.updated": record_refund,
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
            status=Booking.Status.PENDING_PAYMENT, hold_expires_at__lte=now
        ).values_list("session_id", flat=True)
    )
    released = 0
    for session_id in sorted(session_ids):
        with services._locked_session(session_id) as session:
            lapsed = services._release_lapsed_holds(session, now)
            if lapsed:
                services._promote_waiting(session)
            released += len(lapsed)
    return released


# --- Paying at the centre -----------------------------------------------------------------------


def paid_online(booking: Booking) -> bool:
    return Payment.objects.filter(
        booking=booking, method=Payment.Method.ONLINE, status=Payment.Status.PAID
    ).exists()


def record_paid_at_centre(booking: Booking, *, by, at: datetime.datetime) -> Payment:
    """The money side of `services.record_payment_at_centre` (call it through that)."""
    payment, _ = Payment.objects.update_or_create(
        booking=booking,
        defaults={
            "method": Payment.Method.CENTRE,
            "amount_pence": booking.amount_pence,
            "status": Payment.Status.PAID,
            "paid_at": at,
            "recorded_by": by,
        },
    )
    return payment


def mark_paid_at_centre(*, booking: Booking, by) -> Payment | None:
    """A champion or manager records that the family paid at the centre (the register's "Paid
    at the centre"). Returns the payment recorded, or None for a booking with nothing to pay."""
    services.record_payment_at_centre(booking_id=booking.pk, by=by)
    return Payment.objects.filter(booking=booking, method=Payment.Method.CENTRE).first()
