"""Money after the checkout: closing payment pages nobody should pay on any more, refunds (asked
of Stripe once a cancellation is committed, and Stripe's reports on them), and payments taken at
the centre. Called under the session lock by the writes that change who holds places; calls to
Stripe wait until the change is committed and carry idempotency keys, so a retry never refunds
twice."""

import datetime
import logging
from typing import Any

from django.db import transaction
from django.db.models import Case, F, TextField, Value, When
from django.db.models.functions import Concat
from django.utils import timezone

from . import notifications, stripe_gateway
from .models import Booking, CourseBooking, Payment

logger = logging.getLogger(__name__)


def payment_of(payable: Booking | CourseBooking) -> dict:
    """The filter for the payment of a booking: a session's booking, or a whole course's."""
    if isinstance(payable, CourseBooking):
        return {"course_booking": payable}
    return {"booking": payable}


# --- Payment pages ------------------------------------------------------------------------------


def close_unpaid_checkout(booking: Booking | CourseBooking) -> None:
    """The booking no longer waits for payment: mark its payment page closed here, and close it
    at Stripe once the change is committed, so that nobody pays for places already released.
    If they manage to pay anyway, `record_checkout_paid` confirms or refunds."""
    payment = Payment.objects.filter(**payment_of(booking), status=Payment.Status.OPEN).first()
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


def settle_cancelled_booking(booking: Booking | CourseBooking, *, reason: str) -> None:
    """Money side of a cancellation, called under the session lock: close an unpaid payment
    page, ask Stripe for a refund of an online payment once the cancellation is committed, and
    flag money taken at the centre for staff to give back."""
    close_unpaid_checkout(booking)
    payment = Payment.objects.filter(**payment_of(booking), status=Payment.Status.PAID).first()
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


COURSE_SESSION_CANCELLED_NOTE = (
    "The centre cancelled the course's session of {day}: decide whether to give back part of "
    "the course's price."
)


def flag_course_payments_for_cancelled_session(course_booking_ids: list[int], *, session) -> None:
    """One session of a paid course was cancelled: the course bookings stay, and what (if
    anything) to give back for the session is the centre's decision, so their payments are
    flagged for a person rather than refunded in part by themselves."""
    day = timezone.localtime(session.start).strftime("%a %-d %b %Y")
    note = COURSE_SESSION_CANCELLED_NOTE.format(day=day)
    Payment.objects.filter(
        course_booking_id__in=course_booking_ids, status=Payment.Status.PAID
    ).update(
        needs_attention=True,
        # Kept after any earlier note (another cancelled session, a refund Stripe refused).
        attention_note=Case(
            When(attention_note="", then=Value(note)),
            default=Concat(F("attention_note"), Value("\n" + note), output_field=TextField()),
            output_field=TextField(),
        ),
        updated_at=timezone.now(),
    )


def issue_refund(*, payment_id: int) -> Payment:
    """Asks Stripe to refund a payment whose refund was requested. If Stripe refuses, the
    booking is flagged for staff and the family told it is in hand; nothing is lost."""
    payment = Payment.objects.select_related("booking", "course_booking").get(pk=payment_id)
    if payment.refund_status != Payment.RefundStatus.REQUESTED:
        return payment
    reference = payment.paid_for.reference
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
        # Lock the payment row only: an anonymised booking has no parent, and PostgreSQL cannot
        # lock the empty side of that outer join.
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("booking__parent", "course_booking__parent")
            .get(pk=payment_id)
        )
        if refund.get("id"):
            payment.refund_id = refund["id"]
        told = _apply_refund_status(payment, refund)
        payment.save()
        if not told and payment.refund_status in (
            Payment.RefundStatus.PENDING,
            Payment.RefundStatus.REFUNDED,
        ):
            notifications.refund_started(payment.paid_for, payment=payment)
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
        notifications.refund_in_hand(payment.paid_for, payment=payment)
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
            Payment.objects.select_for_update(of=("self",))
            .select_related("booking__parent", "course_booking__parent")
            .get(pk=payment.pk)
        )
        if not payment.refund_id and refund.get("id"):
            payment.refund_id = refund["id"]
        if not payment.refund_status:
            # A refund made from Stripe's dashboard: record it all the same.
            payment.refund_status = Payment.RefundStatus.REQUESTED
            payment.refund_reason = "Refunded by the centre."
        _apply_refund_status(payment, refund)
        payment.save()
    return f"{payment.paid_for.reference}: refund {payment.get_refund_status_display().lower()}"


# --- Paying at the centre -----------------------------------------------------------------------


def record_paid_at_centre(
    booking: Booking | CourseBooking, *, by, at: datetime.datetime
) -> Payment:
    """The money side of `register.record_payment_at_centre` and
    `register.record_course_payment_at_centre` (call it through those)."""
    payment, _ = Payment.objects.update_or_create(
        **payment_of(booking),
        defaults={
            "method": Payment.Method.CENTRE,
            "amount_pence": booking.amount_pence,
            "status": Payment.Status.PAID,
            "paid_at": at,
            "recorded_by": by,
        },
    )
    return payment
