"""What managers see and set about money in the admin: a session's price, places held while
families pay, how many funded places were used (never by whom) and payments that need a person."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking, Payment
from tests.factories import BookingFactory, VenueFactory
from tests.support.bookings import session_form_data
from tests.support.payments import paid_session

pytestmark = pytest.mark.django_db


def test_a_manager_overrides_a_sessions_price(manager_client, centre):
    session = paid_session(centre, price_pence=500)
    venue = VenueFactory(centre=centre)
    data = session_form_data(session.activity, venue, price_model="fixed", price_pence="250")
    data["funded_places"] = "2"

    response = manager_client.post(reverse("bookings_session:edit", args=[session.pk]), data)

    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.pricing.price_pence, session.pricing.funded_places) == (250, 2)


def test_a_session_price_without_an_amount_is_refused_next_to_the_field(manager_client, centre):
    session = paid_session(centre, price_pence=500)
    venue = VenueFactory(centre=centre)
    data = session_form_data(session.activity, venue, price_model="fixed", price_pence="")

    response = manager_client.post(reverse("bookings_session:edit", args=[session.pk]), data)

    assert response.status_code == 200
    assert "Enter a price of at least 30p (30) for a fixed price." in response.text
    session.refresh_from_db()
    assert session.price_model == ""


def test_the_register_shows_held_places_funded_places_used_and_payments_to_sort_out(
    manager_client, centre
):
    session = paid_session(centre, capacity=10, funded_places=3)
    funded = BookingFactory(session=session, places=2, funded=True)
    BookingFactory(
        session=session,
        status=Booking.Status.PENDING_PAYMENT,
        hold_expires_at=timezone.now() + datetime.timedelta(minutes=20),
        amount_pence=500,
        confirmed_at=None,
    )
    refused = BookingFactory(session=session, status=Booking.Status.CANCELLED, amount_pence=500)
    Payment.objects.create(
        booking=refused,
        amount_pence=500,
        status=Payment.Status.PAID,
        paid_at=timezone.now(),
        refund_status=Payment.RefundStatus.FAILED,
        needs_attention=True,
        attention_note="Stripe could not refund this payment. Refund the family by hand.",
    )

    html = manager_client.get(reverse("bookings_session:inspect", args=[session.pk])).text

    assert "3 booked of 10" in html
    assert "1 household paying now" in html
    assert "funded places: 2 used of 3" in html
    assert f"Booking {refused.reference}, £5: Stripe could not refund" in html
    # Nothing on the page says which household took the funded places.
    assert html.count(funded.reference) == 1
    assert "funded" not in html.split(funded.reference)[1].split("</tr>")[0].lower()
