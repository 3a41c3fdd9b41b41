"""A webhook body with a good signature but a bad shape is refused with a 400, and nothing is
stored: Stripe (or whoever holds the secret) gets a clear answer, the portal never a 500."""

import hashlib
import hmac
import json
import time

import pytest
import stripe

from bookings import checkout, services
from bookings.models import Booking, Payment, StripeEvent
from tests.stripe_server import WEBHOOK_SECRET
from tests.support.payments import WEBHOOK, checkout_id_of, household, paid_session

pytestmark = pytest.mark.django_db


def signature_of_bytes(body: bytes) -> str:
    """Stripe's scheme by hand, for a body that is not text (the library signs text only)."""
    timestamp = int(time.time())
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(WEBHOOK_SECRET.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def post_signed(client, body: str | bytes):
    if isinstance(body, bytes):
        header = signature_of_bytes(body)
    else:
        header = stripe.WebhookSignature.generate_signature_header(body, WEBHOOK_SECRET)
        body = body.encode()
    return client.post(
        WEBHOOK, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )


def event(obj=None, **fields):
    return {
        "id": "evt_1",
        "type": "checkout.session.completed",
        "data": {"object": obj if obj is not None else {}},
        **fields,
    }


CHECKOUT = {"id": "cs_1", "payment_status": "paid", "metadata": {"booking_reference": "AB12CD34"}}

MALFORMED = {
    "not json": "this is not json",
    "a list": "[1, 2, 3]",
    "a string": '"evt_1"',
    "null": "null",
    "no id": json.dumps({"type": "checkout.session.completed", "data": {"object": {}}}),
    "id is a list": json.dumps(event(id=["evt_1"])),
    "id is a number": json.dumps(event(id=12)),
    "id too long": json.dumps(event(id="evt_" + "x" * 300)),
    "type is an object": json.dumps(event(type={"a": 1})),
    "type too long": json.dumps(event(type="x" * 101)),
    "data is text": json.dumps({"id": "evt_1", "type": "refund.created", "data": "x"}),
    "object is a list": json.dumps(event(obj=None, data={"object": []})),
    "metadata is text": json.dumps(event({**CHECKOUT, "metadata": "AB12CD34"})),
    "reference is a list": json.dumps(event({**CHECKOUT, "metadata": {"booking_reference": []}})),
    "amount is text": json.dumps(event({**CHECKOUT, "amount_total": "500"})),
    "amount is huge": json.dumps(event({**CHECKOUT, "amount_total": 10**25})),
    "amount is negative": json.dumps(event({**CHECKOUT, "amount_total": -5})),
    "expiry is huge": json.dumps(
        event({**CHECKOUT, "expires_at": 10**30}, type="checkout.session.expired")
    ),
    "refund id is a number": json.dumps(event({"id": 5}, type="refund.updated")),
    "NUL in the payload": json.dumps(event({**CHECKOUT, "customer_email": "a\x00b"})),
    "lone surrogate": '{"id": "evt_1", "type": "refund.created", "data": {"object": '
    '{"note": "\\ud800"}}}',
    "nested very deeply": "[" * 100_000 + "]" * 100_000,
    "invalid UTF-8": b'{"id": "evt_1", "type": "\xff\xfe"}',
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_correctly_signed_but_malformed_event_is_refused_and_nothing_stored(
    client, stripe_server, body
):
    response = post_signed(client, body)

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_a_malformed_event_about_a_real_booking_changes_nothing(client, centre, stripe_server):
    parent, children = household()
    session = paid_session(centre)
    booking = services.book_session(parent=parent, session_id=session.pk, children=children)
    checkout.start_checkout(booking=booking)
    paid = stripe_server.pay(checkout_id_of(booking))
    paid["data"]["object"]["amount_total"] = "a lot"

    response = post_signed(client, json.dumps(paid))

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING_PAYMENT
    assert booking.payment.status == Payment.Status.OPEN


def test_a_well_formed_event_is_still_accepted(client, stripe_server):
    response = post_signed(client, json.dumps(event({"id": "re_1"}, type="refund.updated")))

    assert response.status_code == 200
    assert StripeEvent.objects.get().event_id == "evt_1"
