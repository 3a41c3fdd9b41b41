"""The payment pages: paying, coming back from Stripe, and what the family sees. Only Stripe's
record of a payment counts; anything in the address is ignored."""

import pytest
from django.urls import reverse

from bookings import payments, services
from bookings.models import Booking, Payment

from .payment_helpers import checkout_id_of, household, paid_session, return_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(centre, stripe_server):
    session = paid_session(centre, price_pence=500)
    parent, kids = household()
    return services.book_session(parent=parent, session_id=session.pk, children=kids)


def test_pay_sends_the_family_to_stripes_payment_page(client, pending, stripe_server):
    client.force_login(pending.parent)

    page = client.get(reverse("payments:booking", args=[pending.reference]))
    assert page.status_code == 200
    assert "Waiting for payment:" in page.text and "£5" in page.text
    response = client.post(reverse("payments:pay", args=[pending.reference]))

    checkout_id = checkout_id_of(pending)
    assert response.status_code == 302
    assert response["Location"] == stripe_server.checkout_sessions[checkout_id]["url"]


def test_pay_is_post_only_and_only_for_the_familys_own_booking(client, pending, stripe_server):
    client.force_login(pending.parent)
    assert client.get(reverse("payments:pay", args=[pending.reference])).status_code == 405
    stranger, _ = household()
    client.force_login(stranger)
    assert client.post(reverse("payments:pay", args=[pending.reference])).status_code == 404
    assert client.get(reverse("payments:booking", args=[pending.reference])).status_code == 404
    assert not stripe_server.requests


def test_returning_after_paying_confirms_from_stripes_record_even_before_the_webhook(
    client, pending, stripe_server
):
    client.force_login(pending.parent)
    payments.start_checkout(booking=pending)
    checkout_id = checkout_id_of(pending)
    stripe_server.pay(checkout_id)  # paid, but the webhook has not arrived yet

    response = client.get(return_url(checkout_id), follow=True)

    pending.refresh_from_db()
    assert pending.status == Booking.Status.CONFIRMED
    assert "you&#x27;ve paid and you&#x27;re booked" in response.text
    assert "Paid</strong> £5" in response.text


def test_a_tampered_reference_or_price_in_the_return_address_changes_nothing(
    client, pending, stripe_server
):
    other_parent, other_kids = household()
    other = services.book_session(
        parent=other_parent, session_id=pending.session_id, children=other_kids
    )
    client.force_login(pending.parent)
    payments.start_checkout(booking=pending)
    checkout_id = checkout_id_of(pending)

    # Not paid at Stripe: claiming "paid", another reference or a price of 0 does nothing.
    response = client.get(
        return_url(checkout_id) + f"&reference={other.reference}&amount=0&payment_status=paid",
        follow=True,
    )
    assert response.status_code == 200
    assert "We haven&#x27;t received your payment yet" in response.text
    pending.refresh_from_db()
    other.refresh_from_db()
    assert pending.status == other.status == Booking.Status.PENDING_PAYMENT
    assert not Payment.objects.filter(status=Payment.Status.PAID).exists()


def test_another_familys_checkout_session_in_the_return_address_is_not_found(
    client, pending, stripe_server
):
    payments.start_checkout(booking=pending)
    checkout_id = checkout_id_of(pending)
    stripe_server.pay(checkout_id)
    stranger, _ = household()
    client.force_login(stranger)

    assert client.get(return_url(checkout_id)).status_code == 404
    assert client.get(return_url("cs_test_made_up")).status_code == 404
    assert client.get(return_url("not-a-session")).status_code == 404
