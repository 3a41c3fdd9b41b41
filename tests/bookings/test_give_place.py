"""Giving a place to a waiting household follows one set of rules, whether the portal promotes the
household by itself or the person running the register offers the place: the same price, the same
payment hold when the family pays online, the same funded-place limit."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from bookings import checkout, services
from bookings.errors import BookingError
from bookings.models import Booking
from tests.factories import BookingFactory, UserFactory
from tests.support.payments import household, paid_session

pytestmark = pytest.mark.django_db

PROMOTED_HOLD = datetime.timedelta(hours=12)


def waiting(session, **fields):
    parent, _ = household()
    return BookingFactory(
        session=session,
        parent=parent,
        status=Booking.Status.WAITING,
        waiting_since=timezone.now(),
        confirmed_at=None,
        **fields,
    )


def offer(booking):
    return services.offer_place(booking_id=booking.pk, by=UserFactory())


def test_an_offered_paid_place_is_held_for_online_payment_and_the_family_gets_the_pay_link(
    centre, stripe_server
):
    session = paid_session(centre, price_pence=500, capacity=3)
    booking = waiting(session, amount_pence=500)
    before = timezone.now()

    offer(booking)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING_PAYMENT
    assert booking.amount_pence == 500
    assert not booking.payment_due_at_centre
    assert booking.confirmed_at is None
    expected_hold = min(before + PROMOTED_HOLD, session.start)
    assert abs(booking.hold_expires_at - expected_hold) < datetime.timedelta(minutes=1)
    [message] = mail.outbox
    assert "we're holding it for you" in message.body
    assert "please pay £5" in message.body
    assert f"/bookings/{booking.reference}/" in message.body
    # The link leads to a payment page for exactly that amount.
    url = checkout.start_checkout(booking=booking)
    assert url.startswith(stripe_server.base_url)
    [created] = stripe_server.calls("POST", "/v1/checkout/sessions")
    assert created["params"]["line_items"][0]["price_data"]["unit_amount"] == "500"


def test_an_offered_paid_place_without_online_payment_is_booked_and_paid_at_the_centre(
    centre, settings
):
    settings.STRIPE_SECRET_KEY = ""
    session = paid_session(centre, price_pence=500, capacity=3)
    booking = waiting(session, amount_pence=500)

    offer(booking)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.confirmed_at is not None
    assert booking.payment_due_at_centre
    assert booking.hold_expires_at is None
    [message] = mail.outbox
    assert "Please pay £5 at the centre on the day." in message.body


def test_a_funded_waiting_household_is_not_offered_more_than_the_funded_places(centre, settings):
    settings.STRIPE_SECRET_KEY = ""
    session = paid_session(centre, price_pence=500, capacity=5, funded_places=1)
    BookingFactory(session=session, funded=True)  # the one funded place is used
    booking = waiting(session, funded=True)

    with pytest.raises(BookingError, match="funded place"):
        offer(booking)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.WAITING
    assert not mail.outbox


def test_an_offer_and_the_automatic_promotion_give_the_same_place(centre, stripe_server):
    """The household promoted when a place frees up ends as the offered one does."""
    session = paid_session(centre, price_pence=500, capacity=1)
    taken = BookingFactory(session=session)
    promoted = waiting(session, amount_pence=500)
    offered_session = paid_session(centre, price_pence=500, capacity=1)
    offered = waiting(offered_session, amount_pence=500)

    services.cancel_booking(booking_id=taken.pk, by=taken.parent)
    offer(offered)

    promoted.refresh_from_db()
    offered.refresh_from_db()
    fields = ("status", "amount_pence", "payment_due_at_centre", "confirmed_at")
    assert [getattr(promoted, f) for f in fields] == [getattr(offered, f) for f in fields]
    assert promoted.status == Booking.Status.PENDING_PAYMENT
    assert abs(promoted.hold_expires_at - offered.hold_expires_at) < datetime.timedelta(minutes=1)
