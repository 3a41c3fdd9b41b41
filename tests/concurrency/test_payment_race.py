"""Late payments racing for the last place: several families whose held places lapsed all pay at
once, and Stripe's webhooks arrive together. Exactly one is confirmed and the rest refunded (on
SQLite in one run of the suite, PostgreSQL in the other).

The control run switches the session lock off and widens the gap between counting places and
confirming; it must overbook, which shows the main test would catch a missing lock."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from bookings import selectors
from bookings.models import Booking, Payment
from tests.factories import BookingFactory, UserFactory
from tests.stripe_server import FakeStripe
from tests.support.payments import WEBHOOK, paid_session
from tests.support.races import widen_the_gap

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

FAMILIES = 8


def _lapsed_bookings_paid_late(session, fake):
    """Bookings whose hold lapsed, each with a Checkout Session paid at Stripe; returns the
    `checkout.session.completed` events Stripe would send."""
    events = []
    for _ in range(FAMILIES):
        booking = BookingFactory(
            session=session,
            parent=UserFactory(),
            status=Booking.Status.PAYMENT_EXPIRED,
            amount_pence=500,
            confirmed_at=None,
        )
        checkout = fake.handle_api(
            "POST",
            "/v1/checkout/sessions",
            {
                "mode": "payment",
                "success_url": "http://testserver/payments/return/",
                "expires_at": int(time.time()) + 31 * 60,
                "metadata": {"booking_reference": booking.reference},
                "line_items": [
                    {"quantity": "1", "price_data": {"currency": "gbp", "unit_amount": "500"}}
                ],
            },
        )
        Payment.objects.create(
            booking=booking,
            amount_pence=500,
            checkout_session_id=checkout["id"],
            status=Payment.Status.EXPIRED,
        )
        events.append(fake.pay(checkout["id"]))
    return events


def _deliver_together(events):
    statuses = []
    start = threading.Barrier(len(events))

    def deliver(event):
        try:
            payload, header = FakeStripe.sign(event)
            start.wait()
            response = Client().post(
                WEBHOOK,
                data=payload,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=header,
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(events)) as pool:
        list(pool.map(deliver, events))
    return statuses


def test_late_payments_for_the_last_place_confirm_exactly_one(centre, stripe_server):
    session = paid_session(centre, capacity=1)
    events = _lapsed_bookings_paid_late(session, stripe_server)

    statuses = _deliver_together(events)

    assert statuses == [200] * FAMILIES
    assert Booking.objects.filter(session=session, status=Booking.Status.CONFIRMED).count() == 1
    assert selectors.places_taken(session) == 1
    refunded = Payment.objects.filter(refund_status=Payment.RefundStatus.REFUNDED)
    assert refunded.count() == FAMILIES - 1
    assert len(stripe_server.refunds) == FAMILIES - 1
    assert Payment.objects.filter(status=Payment.Status.PAID).count() == FAMILIES


def test_control_without_the_lock_late_payments_overbook(
    centre, stripe_server, settings, monkeypatch
):
    settings.BOOKINGS_LOCK_SESSIONS = False
    counted = widen_the_gap(monkeypatch, selectors, "places_taken", pause=(0.05, 0.15))
    session = paid_session(centre, capacity=1)
    events = _lapsed_bookings_paid_late(session, stripe_server)

    _deliver_together(events)

    assert counted(session) > 1
