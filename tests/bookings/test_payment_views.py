"""The payment pages: paying, coming back from Stripe, and what the family sees. Only Stripe's
record of a payment counts; anything in the address is ignored."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings import checkout, services
from bookings.models import Booking, Payment
from startwell import pagecache
from tests.support.payments import (
    checkout_id_of,
    household,
    paid_session,
    pay_what_you_can_session,
    return_url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(centre, stripe_server):
    session = paid_session(centre, price_pence=500)
    parent, kids = household()
    return services.book_session(parent=parent, session_id=session.pk, children=kids)


def test_pay_sends_the_family_to_stripes_payment_page(client, pending, stripe_server):
    client.force_login(pending.parent)

    page = client.get(reverse("bookings:booking_detail", args=[pending.reference]))
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
    assert (
        client.get(reverse("bookings:booking_detail", args=[pending.reference])).status_code == 404
    )
    assert not stripe_server.requests


def test_returning_after_paying_confirms_from_stripes_record_even_before_the_webhook(
    client, pending, stripe_server
):
    client.force_login(pending.parent)
    checkout.start_checkout(booking=pending)
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
    checkout.start_checkout(booking=pending)
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
    checkout.start_checkout(booking=pending)
    checkout_id = checkout_id_of(pending)
    stripe_server.pay(checkout_id)
    stranger, _ = household()
    client.force_login(stranger)

    assert client.get(return_url(checkout_id)).status_code == 404
    assert client.get(return_url("cs_test_made_up")).status_code == 404
    assert client.get(return_url("not-a-session")).status_code == 404


# --- Booking a paid session through the booking form ---------------------------------------------


def book_url(session):
    return reverse("bookings:book", args=[session.pk])


@pytest.fixture
def family(client):
    parent, kids = household(2)
    client.force_login(parent)
    return parent, kids


def test_booking_a_fixed_price_place_goes_straight_to_stripe(client, family, centre, stripe_server):
    parent, kids = family
    session = paid_session(centre, price_pence=350)

    page = client.get(book_url(session))
    assert "£3.50 a place" in page.text
    assert "You pay by card on Stripe" in page.text
    response = client.post(book_url(session), {"children": [kids[0].pk], "amount": "0.01"})

    booking = Booking.objects.get(parent=parent)
    assert booking.status == Booking.Status.PENDING_PAYMENT
    assert booking.amount_pence == 350  # the price comes from the session, not the form
    assert response.status_code == 302
    assert response["Location"] == booking.payment.checkout_url


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0.50", "The least you can pay is £1 a place."),
        ("lots", "Enter an amount in pounds, like 3 or 2.50."),
        ("", "Enter how much you will pay for each place."),
    ],
)
def test_pay_what_you_can_refuses_a_bad_amount_next_to_the_field(
    client, family, centre, stripe_server, amount, message
):
    parent, kids = family
    session = pay_what_you_can_session(centre, suggested=400, minimum=100)

    response = client.post(book_url(session), {"children": [kids[0].pk], "amount": amount})

    assert response.status_code == 400
    assert 'id="amount-error"' in response.text
    assert message in response.text
    assert not Booking.objects.exists()
    assert not stripe_server.requests


def test_pay_what_you_can_books_the_chosen_amount(client, family, centre, stripe_server):
    parent, kids = family
    session = pay_what_you_can_session(centre, suggested=400, minimum=100)
    assert "We suggest £4; the least is £1." in client.get(book_url(session)).text

    client.post(book_url(session), {"children": [k.pk for k in kids], "amount": "2.50"})

    booking = Booking.objects.get(parent=parent)
    assert booking.amount_pence == 500
    [call] = stripe_server.calls("POST", "/v1/checkout/sessions")
    assert call["params"]["line_items"][0]["price_data"]["unit_amount"] == "500"


def test_a_funded_place_is_booked_at_no_charge_without_going_to_stripe(
    client, family, centre, stripe_server
):
    parent, kids = family
    session = paid_session(centre, funded_places=2)
    assert "You don&#x27;t need to show anything." in client.get(book_url(session)).text

    response = client.post(
        book_url(session), {"children": [kids[0].pk], "funded_place": "1"}, follow=True
    )

    booking = Booking.objects.get(parent=parent)
    assert booking.status == Booking.Status.CONFIRMED and booking.funded
    assert "Cost:</strong> no charge" in response.text
    assert not stripe_server.requests


def test_without_stripe_keys_the_family_is_told_to_pay_at_the_centre(client, family, centre):
    parent, kids = family
    session = paid_session(centre, price_pence=500)
    assert "You pay at the centre on the day." in client.get(book_url(session)).text

    response = client.post(book_url(session), {"children": [kids[0].pk]}, follow=True)

    assert "Please pay £5 at the centre." in response.text
    assert "To pay at the centre:</strong> £5" in response.text
    assert Booking.objects.get(parent=parent).payment_due_at_centre


def test_a_booking_waiting_for_payment_offers_pay_now_and_can_be_cancelled(
    client, pending, stripe_server
):
    client.force_login(pending.parent)
    detail = reverse("bookings:booking_detail", args=[pending.reference])
    assert "Pay now" in client.get(detail).text
    cancel = reverse("bookings:cancel_booking", args=[pending.reference])
    assert "Yes, cancel my booking" in client.get(cancel).text

    client.post(cancel)

    pending.refresh_from_db()
    assert pending.status == Booking.Status.CANCELLED
    assert "Pay now" not in client.get(detail).text


def test_my_bookings_shows_amounts_and_refunds_in_the_same_number_of_queries(
    client, centre, stripe_server
):
    parent, kids = household()
    client.force_login(parent)

    def paid_booking():
        session = paid_session(centre, price_pence=500)
        booking = Booking.objects.create(
            session=session,
            parent=parent,
            places=1,
            status=Booking.Status.CANCELLED,
            amount_pence=500,
        )
        Payment.objects.create(
            booking=booking,
            amount_pence=500,
            status=Payment.Status.PAID,
            paid_at=booking.created_at,
            refund_status=Payment.RefundStatus.REFUNDED,
        )

    paid_booking()
    client.get("/bookings/")
    # The list as built, not as kept for the family between changes.
    pagecache.invalidate()
    with CaptureQueriesContext(connection) as one:
        html = client.get("/bookings/").text
    assert "Refund:</strong>" in html and "refunded £5 to your card" in html
    for _ in range(5):
        paid_booking()
    with CaptureQueriesContext(connection) as many:
        client.get("/bookings/")
    assert len(many) == len(one)
