"""A parent on a phone books a paid session, pays on the (stand-in) Stripe payment page, comes
back and sees it paid; another family claims a funded place and pays nothing."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from bookings.models import Booking, Payment, StripeEvent
from tests.factories import (
    ActivityPageFactory,
    ChildFactory,
    SessionFactory,
    UserFactory,
    VenueFactory,
)
from tests.support.accessibility import assert_accessible


@pytest.fixture
def paid_session(centre):
    venue = VenueFactory(centre=centre, name="Oak Road Community Hub")
    activity = ActivityPageFactory(
        parent=centre,
        title="Messy play",
        slug="messy-play",
        max_age_months=60,
        price_model="fixed",
        price_pence=450,
        funded_places=1,
    )
    return SessionFactory(activity=activity, venue=venue, capacity=4, max_places_per_booking=2)


def test_a_parent_pays_online_and_another_claims_a_funded_place(
    live_server, page, browser, paid_session, online_payment, sign_in
):
    base = live_server.url
    amira = UserFactory(email="amira@example.org", first_name="Amira")
    ChildFactory(parent=amira, first_name="Ada")
    ben = UserFactory(email="ben@example.org", first_name="Ben")
    ChildFactory(parent=ben, first_name="Cleo")

    # Amira books and is sent to the payment page.
    sign_in(page, amira)
    page.goto(f"{base}/sessions/{paid_session.pk}/book/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Book: Messy play")
    expect(page.get_by_text("£4.50 a place").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Ada")).check()
    page.get_by_role("button", name="Book", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Test payment page")
    assert page.url.startswith(online_payment.base_url + "/pay/cs_test_")
    expect(page.get_by_text("Amount: £4.50")).to_be_visible()
    held = Booking.objects.get(parent=amira)
    assert held.status == Booking.Status.PENDING_PAYMENT

    # She pays; Stripe tells the portal and sends her back.
    page.get_by_role("button", name="Pay").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Messy play")
    expect(page.get_by_text("you've paid and you're booked")).to_be_visible()
    expect(page.get_by_text("Paid £4.50")).to_be_visible()
    assert page.url == f"{base}/bookings/{held.reference}/"
    assert_accessible(page)

    page.get_by_role("link", name="My bookings").first.click()
    expect(page.locator(".payment-status").first).to_have_text(re.compile(r"Paid\s+£4.50"))
    assert_accessible(page)

    held.refresh_from_db()
    assert held.status == Booking.Status.CONFIRMED
    payment = Payment.objects.get(booking=held)
    assert (payment.status, payment.amount_pence) == (Payment.Status.PAID, 450)
    [(event, status)] = online_payment.delivered
    assert status == 200 and StripeEvent.objects.get().event_id == event["id"]
    assert [m.to for m in mail.outbox] == [["amira@example.org"]]

    # Ben claims the funded place: no payment page, no charge.
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    ben_page = context.new_page()
    sign_in(ben_page, ben)
    ben_page.goto(f"{base}/sessions/{paid_session.pk}/book/")
    ben_page.get_by_label(re.compile(r"^Cleo")).check()
    ben_page.get_by_label("I'd like a funded place, at no charge").check()
    assert_accessible(ben_page)
    ben_page.get_by_role("button", name="Book", exact=True).click()

    expect(ben_page.get_by_text("You're booked.")).to_be_visible()
    expect(ben_page.get_by_text("Cost: no charge")).to_be_visible()
    assert_accessible(ben_page)
    funded = Booking.objects.get(parent=ben)
    assert funded.status == Booking.Status.CONFIRMED
    assert funded.funded and funded.amount_pence == 0
    assert len(online_payment.calls("POST", "/v1/checkout/sessions")) == 1
    context.close()
