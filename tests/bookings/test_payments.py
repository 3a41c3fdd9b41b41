"""Paying for places: prices, holds, Stripe Checkout and its webhook events, refunds, and paying at
the centre. Stripe is the local stand-in (tests/stripe_server.py) driven by the real library."""

import datetime
import random

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from bookings import checkout, register, selectors, services
from bookings.errors import BookingError
from bookings.models import Booking, Payment, StripeEvent
from tests.factories import UserFactory

from .payment_helpers import (
    WEBHOOK,
    checkout_id_of,
    household,
    paid_session,
    pay_what_you_can_session,
    post_event,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Refunds and closing payment pages follow a commit: `with committed(): ...` runs the hooks
    a block registers when it ends, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def book(session, parent, kids, **kwargs):
    return services.book_session(parent=parent, session_id=session.pk, children=kids, **kwargs)


def book_and_open_checkout(session, stripe_server, children=1, **kwargs):
    parent, kids = household(children)
    booking = book(session, parent, kids, **kwargs)
    url = checkout.start_checkout(booking=booking)
    booking.refresh_from_db()
    return booking, url


# --- Prices ------------------------------------------------------------------------------------


def test_a_paid_place_is_held_for_30_minutes_while_the_family_pays(centre, stripe_server):
    session = paid_session(centre, price_pence=450, capacity=2)
    parent, kids = household(2)

    booking = book(session, parent, kids)

    assert booking.status == Booking.Status.PENDING_PAYMENT
    assert booking.amount_pence == 900
    expected_hold = timezone.now() + datetime.timedelta(minutes=30)
    assert abs((booking.hold_expires_at - expected_hold).total_seconds()) < 5
    assert selectors.places_taken(session) == 2
    assert mail.outbox == []  # the family hears once the payment arrives
    other, other_kids = household()
    with pytest.raises(BookingError, match="full"):
        book(session, other, other_kids)


def test_a_session_can_override_its_activitys_price(centre, stripe_server):
    session = paid_session(centre, price_pence=500)
    session.price_model = "fixed"
    session.price_pence = 250
    session.save()
    parent, kids = household()
    assert book(session, parent, kids).amount_pence == 250


def test_a_fixed_price_ignores_any_amount_sent_with_the_request(centre, stripe_server):
    session = paid_session(centre, price_pence=500)
    parent, kids = household()
    assert book(session, parent, kids, amount_pence=1).amount_pence == 500


def test_pay_what_you_can_takes_the_chosen_amount_per_place(centre, stripe_server):
    session = pay_what_you_can_session(centre, suggested=400, minimum=100)
    parent, kids = household(2)
    booking = book(session, parent, kids, amount_pence=250)
    assert booking.amount_pence == 500
    assert booking.status == Booking.Status.PENDING_PAYMENT


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (99, "The least you can pay is £1 a place."),
        (None, "Enter how much you will pay for each place."),
    ],
)
def test_pay_what_you_can_refuses_an_amount_below_the_minimum(centre, amount, message):
    session = pay_what_you_can_session(centre, minimum=100)
    parent, kids = household()
    with pytest.raises(BookingError) as refused:
        book(session, parent, kids, amount_pence=amount)
    assert refused.value.message == message
    assert refused.value.field == "amount"
    assert not Booking.objects.exists()


def test_paying_nothing_is_fine_when_the_minimum_is_nothing(centre, stripe_server):
    session = pay_what_you_can_session(centre, suggested=300, minimum=0)
    parent, kids = household()
    booking = book(session, parent, kids, amount_pence=0)
    assert booking.status == Booking.Status.CONFIRMED
    assert not Payment.objects.exists()


def test_a_funded_place_is_confirmed_at_no_charge_until_the_funded_places_run_out(
    centre, stripe_server
):
    session = paid_session(centre, funded_places=1)
    first, first_kids = household()
    booking = book(session, first, first_kids, funded_place=True)
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.funded and booking.amount_pence == 0
    assert "Cost: no charge." in mail.outbox[0].body
    assert selectors.funded_places_used(session) == 1

    second, second_kids = household()
    with pytest.raises(BookingError) as refused:
        book(session, second, second_kids, funded_place=True)
    assert refused.value.field == "funded_place"
    assert "no funded places left" in refused.value.message
    assert not Booking.objects.filter(parent=second).exists()


# --- Pay at the centre (no Stripe keys) ---------------------------------------------------------


def test_without_stripe_keys_a_paid_place_is_paid_at_the_centre(centre, settings):
    settings.STRIPE_SECRET_KEY = ""
    session = paid_session(centre, price_pence=300)
    parent, kids = household()

    booking = book(session, parent, kids)

    assert booking.status == Booking.Status.CONFIRMED
    assert booking.payment_due_at_centre
    assert "Please pay £3 at the centre on the day." in mail.outbox[0].body
    with pytest.raises(BookingError, match="Online payment is not available"):
        checkout.start_checkout(booking=booking)

    champion = UserFactory()
    register.record_payment_at_centre(booking_id=booking.pk, by=champion)
    payment = Payment.objects.get(booking=booking)
    booking.refresh_from_db()
    assert not booking.payment_due_at_centre
    assert (payment.method, payment.status, payment.amount_pence) == ("centre", "paid", 300)
    assert payment.recorded_by == champion
    assert booking.paid_at_centre_at
    with pytest.raises(BookingError, match="already marked as paid"):
        register.record_payment_at_centre(booking_id=booking.pk, by=champion)


def test_cancelling_a_booking_paid_at_the_centre_flags_it_for_staff(centre, settings, committed):
    settings.STRIPE_SECRET_KEY = ""
    session = paid_session(centre)
    parent, kids = household()
    booking = book(session, parent, kids)
    register.record_payment_at_centre(booking_id=booking.pk, by=UserFactory())

    services.cancel_booking(booking_id=booking.pk, by=parent)

    payment = Payment.objects.get(booking=booking)
    assert payment.needs_attention
    assert "give the money back" in payment.attention_note


# --- Checkout ------------------------------------------------------------------------------------


def test_checkout_carries_the_booking_reference_expiry_and_return_addresses(centre, stripe_server):
    session = paid_session(centre, price_pence=500)
    booking, url = book_and_open_checkout(session, stripe_server, children=2)

    [call] = stripe_server.calls("POST", "/v1/checkout/sessions")
    params = call["params"]
    assert call["idempotency_key"] == f"checkout-{booking.reference}-0"
    assert params["metadata"] == {"booking_reference": booking.reference}
    assert params["client_reference_id"] == booking.reference
    assert params["line_items"][0]["price_data"]["unit_amount"] == "1000"
    assert params["line_items"][0]["price_data"]["currency"] == "gbp"
    lifetime = int(params["expires_at"]) - timezone.now().timestamp()
    assert 30 * 60 <= lifetime <= 32 * 60
    assert params["success_url"].endswith("/payments/return/?session_id={CHECKOUT_SESSION_ID}")
    assert params["cancel_url"].endswith(f"/bookings/{booking.reference}/")
    assert url == stripe_server.checkout_sessions[checkout_id_of(booking)]["url"]
    # The places are held as long as the payment page stays open.
    assert booking.hold_expires_at.timestamp() == int(params["expires_at"])


def test_coming_back_to_pay_reuses_the_open_payment_page(centre, stripe_server):
    session = paid_session(centre)
    booking, url = book_and_open_checkout(session, stripe_server)
    assert checkout.start_checkout(booking=booking) == url
    assert len(stripe_server.calls("POST", "/v1/checkout/sessions")) == 1


def test_stripe_unreachable_when_opening_checkout_loses_nothing(centre, stripe_server, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    session = paid_session(centre)
    parent, kids = household()
    booking = book(session, parent, kids)
    with pytest.raises(BookingError, match="couldn't open the payment page"):
        checkout.start_checkout(booking=booking)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING_PAYMENT


# --- Webhooks -------------------------------------------------------------------------------------


def test_each_event_three_times_in_any_order_confirms_once_and_releases_once(
    client, centre, stripe_server
):
    session = paid_session(centre, capacity=2)
    paying, _ = book_and_open_checkout(session, stripe_server)
    abandoning, _ = book_and_open_checkout(session, stripe_server)
    waiting_parent, waiting_kids = household()
    waiting = book(session, waiting_parent, waiting_kids, join_waiting_list=True)
    mail.outbox.clear()
    completed = stripe_server.pay(checkout_id_of(paying))
    expired = stripe_server.expire(checkout_id_of(abandoning))
    Booking.objects.filter(pk=abandoning.pk).update(hold_expires_at=timezone.now())
    deliveries = [completed, expired] * 3
    random.Random(4).shuffle(deliveries)

    for event in deliveries:
        assert post_event(client, event).status_code == 200

    paying.refresh_from_db()
    abandoning.refresh_from_db()
    waiting.refresh_from_db()
    assert paying.status == Booking.Status.CONFIRMED
    assert Payment.objects.filter(status=Payment.Status.PAID).count() == 1
    assert paying.payment.payment_intent_id.startswith("pi_")
    assert abandoning.status == Booking.Status.PAYMENT_EXPIRED
    assert waiting.status == Booking.Status.PENDING_PAYMENT  # promoted, now asked to pay
    assert StripeEvent.objects.count() == 2
    assert all(e.processed_at for e in StripeEvent.objects.all())
    subjects = sorted((m.to[0], m.subject.split(":")[0]) for m in mail.outbox)
    assert subjects == sorted(
        [
            (paying.parent.email, "You're booked"),
            (abandoning.parent.email, "Your held places were released"),
            (waiting_parent.email, "A place has come up and it's yours"),
        ]
    )
    assert "Paid: £5." in next(m.body for m in mail.outbox if m.to == [paying.parent.email])
    promoted = next(m.body for m in mail.outbox if m.to == [waiting_parent.email])
    assert f"/bookings/{waiting.reference}/" in promoted


def test_expired_after_completed_changes_nothing(client, centre, stripe_server):
    session = paid_session(centre)
    booking, _ = book_and_open_checkout(session, stripe_server)
    checkout_id = checkout_id_of(booking)
    completed = stripe_server.pay(checkout_id)
    expired = FakeEvent.expired_copy(stripe_server, checkout_id)
    post_event(client, completed)
    post_event(client, expired)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.payment.status == Payment.Status.PAID


class FakeEvent:
    @staticmethod
    def expired_copy(fake, checkout_id):
        checkout = dict(fake.checkout_sessions[checkout_id], status="expired")
        return fake.event("checkout.session.expired", checkout)


@pytest.mark.parametrize(
    "signing",
    [
        {"secret": "whsec_somebody_else"},
        {"timestamp": int(timezone.now().timestamp()) - 301},  # older than the tolerance
    ],
    ids=["wrong-secret", "stale"],
)
def test_a_bad_or_stale_signature_is_refused_and_nothing_is_written(
    client, centre, stripe_server, signing
):
    session = paid_session(centre)
    booking, _ = book_and_open_checkout(session, stripe_server)
    event = stripe_server.pay(checkout_id_of(booking))

    response = post_event(client, event, **signing)

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING_PAYMENT
    assert booking.payment.status == Payment.Status.OPEN


def test_a_webhook_without_a_signature_or_by_get_is_refused(client, stripe_server):
    assert client.post(WEBHOOK, data="{}", content_type="application/json").status_code == 400
    assert client.get(WEBHOOK).status_code == 405
    assert not StripeEvent.objects.exists()


def test_a_payment_for_an_unknown_booking_is_stored_and_nothing_else(
    client, centre, stripe_server, caplog
):
    session = paid_session(centre)
    booking, _ = book_and_open_checkout(session, stripe_server)
    checkout = dict(
        stripe_server.checkout_sessions[checkout_id_of(booking)],
        metadata={"booking_reference": "NOSUCH99"},
        client_reference_id="NOSUCH99",
        payment_status="paid",
    )
    event = stripe_server.event("checkout.session.completed", checkout)

    assert post_event(client, event).status_code == 200

    stored = StripeEvent.objects.get()
    assert stored.event_id == event["id"]
    assert stored.outcome == "unknown booking 'NOSUCH99'"
    assert "unknown booking" in caplog.text
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING_PAYMENT
    assert not Payment.objects.filter(status=Payment.Status.PAID).exists()
    assert mail.outbox == []


def test_late_payment_for_a_lapsed_hold_on_a_full_session_is_refunded(
    client, centre, stripe_server
):
    session = paid_session(centre, capacity=1)
    late, _ = book_and_open_checkout(session, stripe_server)
    checkout_id = checkout_id_of(late)
    Booking.objects.filter(pk=late.pk).update(hold_expires_at=timezone.now())
    # The hold lapsed and someone else took the place.
    other, other_kids = household()
    taker = book(session, other, other_kids)
    late.refresh_from_db()
    assert late.status == Booking.Status.PAYMENT_EXPIRED
    mail.outbox.clear()

    post_event(client, stripe_server.pay(checkout_id))

    late.refresh_from_db()
    assert late.status == Booking.Status.PAYMENT_EXPIRED
    assert selectors.places_taken(session) == 1
    assert Booking.objects.get(pk=taker.pk).status == Booking.Status.PENDING_PAYMENT
    payment = late.payment
    assert payment.status == Payment.Status.PAID
    assert payment.refund_status == Payment.RefundStatus.REFUNDED
    [refund] = stripe_server.refunds.values()
    assert refund["payment_intent"] == payment.payment_intent_id
    assert refund["id"] == payment.refund_id
    [message] = mail.outbox
    assert message.subject.startswith("Your refund is on its way")
    assert "arrived after the time to pay had run out" in message.body
    assert "£5" in message.body


def test_late_payment_is_confirmed_when_places_remain(client, centre, stripe_server):
    session = paid_session(centre, capacity=3)
    late, _ = book_and_open_checkout(session, stripe_server)
    checkout_id = checkout_id_of(late)
    Booking.objects.filter(pk=late.pk).update(hold_expires_at=timezone.now())
    assert checkout.release_expired_holds() == 1

    post_event(client, stripe_server.pay(checkout_id))

    late.refresh_from_db()
    assert late.status == Booking.Status.CONFIRMED
    assert not stripe_server.refunds


# --- Holds nobody paid for ------------------------------------------------------------------------


def test_the_sweeper_releases_lapsed_holds_and_promotes_the_waiting_list(
    centre, stripe_server, committed
):
    session = paid_session(centre, capacity=1)
    held, _ = book_and_open_checkout(session, stripe_server)
    waiting_parent, waiting_kids = household()
    waiting = book(session, waiting_parent, waiting_kids, join_waiting_list=True)
    assert waiting.status == Booking.Status.WAITING

    call_command("release_expired_holds")  # not lapsed yet
    held.refresh_from_db()
    assert held.status == Booking.Status.PENDING_PAYMENT

    Booking.objects.filter(pk=held.pk).update(
        hold_expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    with committed():
        call_command("release_expired_holds")

    held.refresh_from_db()
    waiting.refresh_from_db()
    assert held.status == Booking.Status.PAYMENT_EXPIRED
    assert held.payment.status == Payment.Status.EXPIRED
    assert waiting.status == Booking.Status.PENDING_PAYMENT
    assert waiting.hold_expires_at > timezone.now() + datetime.timedelta(hours=11)
    # The payment page is closed at Stripe too, so nobody pays for released places.
    assert stripe_server.checkout_sessions[checkout_id_of(held)]["status"] == "expired"


# --- Cancelling and refunds -----------------------------------------------------------------------


def confirmed_paid_booking(client, session, stripe_server):
    booking, _ = book_and_open_checkout(session, stripe_server)
    post_event(client, stripe_server.pay(checkout_id_of(booking)))
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    return booking


def test_cancelling_a_paid_booking_refunds_it_through_stripe(
    client, centre, stripe_server, committed
):
    session = paid_session(centre)
    booking = confirmed_paid_booking(client, session, stripe_server)
    mail.outbox.clear()

    with committed():
        services.cancel_booking(booking_id=booking.pk, by=booking.parent)

    payment = Payment.objects.get(booking=booking)
    assert payment.refund_status == Payment.RefundStatus.REFUNDED
    [call] = stripe_server.calls("POST", "/v1/refunds")
    assert call["params"]["payment_intent"] == payment.payment_intent_id
    assert call["idempotency_key"] == f"refund-{booking.reference}"
    assert sorted(m.subject.split(":")[0] for m in mail.outbox) == [
        "Booking cancelled",
        "Your refund is on its way",
    ]


def test_refund_events_in_any_order_end_refunded_with_one_email(
    client, centre, stripe_server, committed
):
    stripe_server.refund_status = "pending"
    session = paid_session(centre)
    booking = confirmed_paid_booking(client, session, stripe_server)
    with committed():
        services.cancel_booking(booking_id=booking.pk, by=booking.parent)
    payment = Payment.objects.get(booking=booking)
    assert payment.refund_status == Payment.RefundStatus.PENDING
    mail.outbox.clear()
    created = stripe_server.refund_event(payment.refund_id, "pending", "refund.created")
    succeeded = stripe_server.refund_event(payment.refund_id, "succeeded", "refund.updated")
    deliveries = [created, succeeded] * 3
    random.Random(7).shuffle(deliveries)

    for event in deliveries:
        assert post_event(client, event).status_code == 200

    payment.refresh_from_db()
    assert payment.refund_status == Payment.RefundStatus.REFUNDED
    assert payment.refunded_at is not None
    assert mail.outbox == []


def test_a_refund_failure_flags_the_booking_and_tells_the_family(
    client, centre, stripe_server, committed
):
    session = paid_session(centre)
    booking = confirmed_paid_booking(client, session, stripe_server)
    stripe_server.fail_refunds = True
    mail.outbox.clear()

    with committed():
        services.cancel_booking(booking_id=booking.pk, by=booking.parent)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    payment = booking.payment
    assert payment.refund_status == Payment.RefundStatus.FAILED
    assert payment.needs_attention
    assert "Refund the family by hand" in payment.attention_note
    in_hand = next(m for m in mail.outbox if m.subject.startswith("We're sorting out"))
    assert "you don't need to do anything" in in_hand.body


def test_a_refund_stripe_later_reports_failed_is_flagged(client, centre, stripe_server, committed):
    session = paid_session(centre)
    booking = confirmed_paid_booking(client, session, stripe_server)
    with committed():
        services.cancel_booking(booking_id=booking.pk, by=booking.parent)
    payment = Payment.objects.get(booking=booking)
    mail.outbox.clear()

    failed = stripe_server.refund_event(payment.refund_id, "failed", "refund.failed")
    post_event(client, failed)
    post_event(client, failed)

    payment.refresh_from_db()
    assert payment.refund_status == Payment.RefundStatus.FAILED
    assert payment.needs_attention
    assert len(mail.outbox) == 1


def test_the_centre_cancelling_a_session_refunds_every_paid_booking(
    client, centre, stripe_server, committed
):
    session = paid_session(centre, capacity=5)
    paid = [confirmed_paid_booking(client, session, stripe_server) for _ in range(2)]
    unpaid, _ = book_and_open_checkout(session, stripe_server)
    manager = UserFactory()

    with committed():
        services.cancel_session(session_id=session.pk, reason="Flooded hall", by=manager)

    for booking in paid:
        payment = Payment.objects.get(booking=booking)
        assert payment.refund_status == Payment.RefundStatus.REFUNDED
        assert payment.refund_reason == "The centre cancelled the session."
    assert len(stripe_server.refunds) == 2
    unpaid.refresh_from_db()
    assert unpaid.status == Booking.Status.CANCELLED
    assert stripe_server.checkout_sessions[checkout_id_of(unpaid)]["status"] == "expired"


def test_cancelling_before_paying_releases_the_places_and_closes_the_payment_page(
    centre, stripe_server, committed
):
    session = paid_session(centre, capacity=1)
    booking, _ = book_and_open_checkout(session, stripe_server)
    with committed():
        services.cancel_booking(booking_id=booking.pk, by=booking.parent)
    assert selectors.places_taken(session) == 0
    assert stripe_server.checkout_sessions[checkout_id_of(booking)]["status"] == "expired"
    assert not stripe_server.refunds


def test_a_promoted_family_whose_payment_page_expired_can_open_a_new_one(
    client, centre, stripe_server, committed
):
    session = paid_session(centre, capacity=1)
    first, _ = book_and_open_checkout(session, stripe_server)
    waiting_parent, waiting_kids = household()
    waiting = book(session, waiting_parent, waiting_kids, join_waiting_list=True)
    with committed():
        services.cancel_booking(booking_id=first.pk, by=first.parent)
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.PENDING_PAYMENT
    first_url = checkout.start_checkout(booking=waiting)
    first_page = checkout_id_of(waiting)

    # The family leaves the payment page open until it expires; their 12 hours are not up.
    post_event(client, stripe_server.expire(first_page))
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.PENDING_PAYMENT

    second_url = checkout.start_checkout(booking=waiting)
    assert second_url != first_url
    assert checkout_id_of(waiting) != first_page
    keys = [c["idempotency_key"] for c in stripe_server.calls("POST", "/v1/checkout/sessions")]
    assert keys[-2:] == [f"checkout-{waiting.reference}-0", f"checkout-{waiting.reference}-1"]
    post_event(client, stripe_server.pay(checkout_id_of(waiting)))
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.CONFIRMED


def test_an_event_the_portal_does_not_use_is_stored_and_answered(client, stripe_server):
    event = stripe_server.event("customer.created", {"id": "cus_test_1", "object": "customer"})
    assert post_event(client, event).status_code == 200
    assert post_event(client, event).status_code == 200
    stored = StripeEvent.objects.get()
    assert (stored.type, stored.outcome) == ("customer.created", "not used")


def test_the_sweeper_task_releases_lapsed_holds(centre, stripe_server):
    from bookings.tasks import release_expired_holds

    session = paid_session(centre)
    held, _ = book_and_open_checkout(session, stripe_server)
    Booking.objects.filter(pk=held.pk).update(hold_expires_at=timezone.now())

    result = release_expired_holds.enqueue()

    assert result.return_value == 1
    held.refresh_from_db()
    assert held.status == Booking.Status.PAYMENT_EXPIRED
    assert mail.outbox[-1].subject.startswith("Your held places were released")


def test_a_second_payment_for_the_same_booking_is_flagged_for_staff(client, centre, stripe_server):
    session = paid_session(centre)
    booking = confirmed_paid_booking(client, session, stripe_server)
    first_intent = Payment.objects.get(booking=booking).payment_intent_id
    again = stripe_server.handle_api(
        "POST",
        "/v1/checkout/sessions",
        {
            "mode": "payment",
            "success_url": "http://testserver/payments/return/",
            "expires_at": int(timezone.now().timestamp()) + 31 * 60,
            "metadata": {"booking_reference": booking.reference},
            "line_items": [
                {"quantity": "1", "price_data": {"currency": "gbp", "unit_amount": "500"}}
            ],
        },
    )

    post_event(client, stripe_server.pay(again["id"]))

    payment = Payment.objects.get(booking=booking)
    assert payment.payment_intent_id == first_intent
    assert payment.needs_attention
    assert "paid twice" in payment.attention_note
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_stripe_unreachable_when_reopening_the_payment_page_opens_no_second_one(
    centre, stripe_server, settings
):
    session = paid_session(centre)
    booking, _ = book_and_open_checkout(session, stripe_server)
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    with pytest.raises(BookingError, match="couldn't open the payment page"):
        checkout.start_checkout(booking=booking)
    assert len(stripe_server.calls("POST", "/v1/checkout/sessions")) == 1


def test_a_booking_paid_online_cannot_be_marked_paid_at_the_centre(client, centre, stripe_server):
    session = paid_session(centre)
    booking = confirmed_paid_booking(client, session, stripe_server)
    with pytest.raises(BookingError, match="paid online"):
        register.record_payment_at_centre(booking_id=booking.pk, by=UserFactory())
    booking.refresh_from_db()
    assert booking.paid_at_centre_at is None
