"""The portal's only door to Stripe: a `stripe.StripeClient` built from settings, and the few calls
the payment rules need. Everything comes back as plain dicts, shaped as in Stripe's webhooks."""

import json
from typing import TYPE_CHECKING, Any

from django.conf import settings

from .stripe_events import MalformedEvent, check_event

# Stripe's library is imported where it is called: loading it takes a tenth of a second, which
# every process would pay at start-up (this module is loaded with the bookings app), and most
# (commands, the task worker, sites without online payment) never call Stripe.
if TYPE_CHECKING:
    import stripe


class GatewayError(Exception):
    """Stripe refused the request or could not be reached."""

    def __init__(self, message: str, *, not_found: bool = False):
        super().__init__(message)
        self.not_found = not_found


# Network failures are retried by the client with the same idempotency key, so a retry never
# creates a second Checkout Session or refund.
NETWORK_RETRIES = 2


def is_configured() -> bool:
    """Online payment is on only when a secret key is set."""
    return bool(settings.STRIPE_SECRET_KEY)


def client() -> "stripe.StripeClient":
    import stripe

    base_addresses = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses=base_addresses,
        max_network_retries=NETWORK_RETRIES,
    )


def _call(method, *args, **kwargs) -> dict[str, Any]:
    import stripe

    try:
        return method(*args, **kwargs).to_dict()
    except stripe.StripeError as error:
        not_found = getattr(error, "http_status", None) == 404
        raise GatewayError(error.user_message or str(error), not_found=not_found) from error


def create_checkout_session(params: dict[str, Any], *, idempotency_key: str) -> dict[str, Any]:
    return _call(
        client().v1.checkout.sessions.create,
        params,
        {"idempotency_key": idempotency_key},
    )


def retrieve_checkout_session(checkout_session_id: str) -> dict[str, Any]:
    return _call(client().v1.checkout.sessions.retrieve, checkout_session_id)


def expire_checkout_session(checkout_session_id: str) -> dict[str, Any]:
    return _call(client().v1.checkout.sessions.expire, checkout_session_id)


def create_refund(
    *, payment_intent: str, metadata: dict[str, str], idempotency_key: str
) -> dict[str, Any]:
    return _call(
        client().v1.refunds.create,
        {"payment_intent": payment_intent, "metadata": metadata},
        {"idempotency_key": idempotency_key},
    )


def verified_event(payload: bytes, signature_header: str | None) -> dict[str, Any]:
    """The event in a webhook body, once its signature (and its age, within Stripe's default
    tolerance) is verified and it has the shape the handlers read. Raises
    `stripe.SignatureVerificationError` or `ValueError` (`MalformedEvent` for a signed body that
    is not a usable event)."""
    import stripe

    stripe.WebhookSignature.verify_header(
        payload,
        signature_header,
        settings.STRIPE_WEBHOOK_SECRET,
        stripe.Webhook.DEFAULT_TOLERANCE,
    )
    try:
        event = json.loads(payload)
    except RecursionError as error:  # nested deeper than the parser goes
        raise MalformedEvent("nested too deeply") from error
    return check_event(event)
