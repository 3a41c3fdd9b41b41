"""Paying at the centre, session by session: with online payment on, a manager may let families
of a paid session choose to pay at the centre; the booking keeps their choice, and asking for it
where it is not offered is refused with nothing written."""

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings import capacity, services
from bookings.errors import BookingError
from bookings.locking import locked_session, session_transaction
from bookings.models import Booking, Payment, Session
from tests.factories import VenueFactory
from tests.support.bookings import session_form_data
from tests.support.payments import household, paid_session

pytestmark = pytest.mark.django_db

CHOICE = "How will you pay?"


def book_url(session):
    return reverse("bookings:book", args=[session.pk])


@pytest.fixture
def family(client):
    parent, kids = household(2)
    client.force_login(parent)
    return parent, kids


# --- The rule -----------------------------------------------------------------------------------


def test_a_family_may_choose_to_pay_at_the_centre_where_the_session_allows_it(
    centre, stripe_server
):
    session = paid_session(centre, price_pence=400, allow_pay_at_centre=True)
    parent, kids = household()

    booking = services.book_session(
        parent=parent, session_id=session.pk, children=kids, pay_at_centre=True
    )

    assert booking.status == Booking.Status.CONFIRMED
    assert booking.payment_due_at_centre and booking.chose_to_pay_at_centre
    assert booking.amount_pence == 400
    assert not Payment.objects.exists()
    assert not stripe_server.requests


def test_paying_online_stays_the_default_where_paying_at_the_centre_is_allowed(
    centre, stripe_server
):
    session = paid_session(centre, price_pence=400, allow_pay_at_centre=True)
    parent, kids = household()

    booking = services.book_session(parent=parent, session_id=session.pk, children=kids)

    assert booking.status == Booking.Status.PENDING_PAYMENT
    assert not booking.payment_due_at_centre and not booking.chose_to_pay_at_centre


def test_paying_at_the_centre_is_refused_where_the_session_does_not_allow_it(centre, stripe_server):
    session = paid_session(centre, price_pence=400)
    parent, kids = household()

    with pytest.raises(BookingError) as refused:
        services.book_session(
            parent=parent, session_id=session.pk, children=kids, pay_at_centre=True
        )

    assert refused.value.message == services.PAY_AT_CENTRE_NOT_OFFERED
    assert refused.value.field == "payment_method"
    assert not Booking.objects.exists()


def test_without_online_payment_everyone_pays_at_the_centre_whatever_the_session_says(centre):
    session = paid_session(centre, price_pence=400)
    parent, kids = household()
    booking = services.book_session(
        parent=parent, session_id=session.pk, children=kids, pay_at_centre=True
    )
    assert booking.status == Booking.Status.CONFIRMED and booking.payment_due_at_centre


def test_the_choice_does_not_matter_for_a_free_place(centre, stripe_server):
    session = paid_session(centre, funded_places=2)
    parent, kids = household()
    booking = services.book_session(
        parent=parent, session_id=session.pk, children=kids, funded_place=True, pay_at_centre=True
    )
    assert booking.funded and not booking.payment_due_at_centre


def test_a_place_from_the_waiting_list_is_paid_the_way_the_family_chose(centre, stripe_server):
    session = paid_session(centre, price_pence=300, capacity=1, allow_pay_at_centre=True)
    first, first_kids = household()
    at_centre, at_centre_kids = household()
    online, online_kids = household()
    taken = services.book_session(parent=first, session_id=session.pk, children=first_kids)
    waiting_at_centre = services.book_session(
        parent=at_centre,
        session_id=session.pk,
        children=at_centre_kids,
        join_waiting_list=True,
        pay_at_centre=True,
    )
    waiting_online = services.book_session(
        parent=online, session_id=session.pk, children=online_kids, join_waiting_list=True
    )

    services.cancel_booking(booking_id=taken.pk, by=first)

    waiting_at_centre.refresh_from_db()
    assert waiting_at_centre.status == Booking.Status.CONFIRMED
    assert waiting_at_centre.payment_due_at_centre
    services.cancel_booking(booking_id=waiting_at_centre.pk, by=at_centre)
    waiting_online.refresh_from_db()
    assert waiting_online.status == Booking.Status.PENDING_PAYMENT
    assert not waiting_online.payment_due_at_centre


def test_an_offer_from_the_register_keeps_the_familys_choice(centre, stripe_server):
    session = paid_session(centre, price_pence=300, capacity=1, allow_pay_at_centre=True)
    first, first_kids = household()
    waiting, kids = household()
    services.book_session(parent=first, session_id=session.pk, children=first_kids)
    booking = services.book_session(
        parent=waiting,
        session_id=session.pk,
        children=kids,
        join_waiting_list=True,
        pay_at_centre=True,
    )
    Session.objects.filter(pk=session.pk).update(capacity=2)
    with session_transaction(), locked_session(session.pk) as locked:
        capacity.give_place(locked, booking, now=timezone.now())
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED and booking.payment_due_at_centre


# --- The booking form ---------------------------------------------------------------------------


def test_the_form_offers_the_choice_only_where_it_is_allowed(client, family, centre, stripe_server):
    allowed = paid_session(centre, price_pence=400, allow_pay_at_centre=True)
    not_allowed = paid_session(centre, price_pence=400)
    free = paid_session(centre, price_pence=400, allow_pay_at_centre=True, price_model="free")

    page = client.get(book_url(allowed)).text
    assert CHOICE in page
    assert "At the centre on the day" in page and "By card now" in page
    assert CHOICE not in client.get(book_url(not_allowed)).text
    assert CHOICE not in client.get(book_url(free)).text


def test_choosing_the_centre_on_the_form_books_without_going_to_stripe(
    client, family, centre, stripe_server
):
    parent, kids = family
    session = paid_session(centre, price_pence=450, allow_pay_at_centre=True)

    response = client.post(
        book_url(session), {"children": [kids[0].pk], "payment_method": "centre"}, follow=True
    )

    booking = Booking.objects.get(parent=parent)
    assert booking.status == Booking.Status.CONFIRMED and booking.payment_due_at_centre
    assert "Please pay £4.50 at the centre." in response.text
    assert "To pay at the centre:</strong> £4.50" in response.text
    assert not stripe_server.requests


def test_choosing_card_on_the_form_goes_to_stripe(client, family, centre, stripe_server):
    parent, kids = family
    session = paid_session(centre, price_pence=450, allow_pay_at_centre=True)

    response = client.post(
        book_url(session), {"children": [kids[0].pk], "payment_method": "online"}
    )

    booking = Booking.objects.get(parent=parent)
    assert booking.status == Booking.Status.PENDING_PAYMENT
    assert response["Location"] == booking.payment.checkout_url


def test_a_tampered_choice_is_refused_with_a_message_and_nothing_written(
    client, family, centre, stripe_server
):
    parent, kids = family
    session = paid_session(centre, price_pence=450)

    response = client.post(
        book_url(session), {"children": [kids[0].pk], "payment_method": "centre"}
    )

    assert response.status_code == 400
    assert str(services.PAY_AT_CENTRE_NOT_OFFERED) in response.text
    assert not Booking.objects.exists()
    assert not Payment.objects.exists()
    assert not stripe_server.requests


# --- Where managers allow it --------------------------------------------------------------------


def test_a_manager_allows_paying_at_the_centre_on_a_session(manager_client, centre):
    session = paid_session(centre, price_pence=400)
    venue = VenueFactory(centre=centre)
    data = session_form_data(session.activity, venue, allow_pay_at_centre="on")
    data["start"] = timezone.localtime(session.start).strftime("%Y-%m-%d %H:%M")
    data["end"] = timezone.localtime(session.end).strftime("%Y-%m-%d %H:%M")

    page = manager_client.get(reverse("bookings_session:edit", args=[session.pk])).text
    assert "Families may pay at the centre" in page
    response = manager_client.post(reverse("bookings_session:edit", args=[session.pk]), data)

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.allow_pay_at_centre


def test_a_series_can_allow_paying_at_the_centre_on_every_session(manager_client, centre):
    session = paid_session(centre, price_pence=400)
    venue = VenueFactory(centre=centre)
    data = {
        "activity": session.activity.pk,
        "venue": venue.pk,
        "weekdays": ["1"],
        "start_time": "10:00",
        "end_time": "11:30",
        "first_date": "2027-03-02",
        "last_date": "2027-03-09",
        "capacity": "8",
        "max_places_per_booking": "2",
        "allow_pay_at_centre": "on",
        "create": "1",
    }
    response = manager_client.post(reverse("bookings_session:series"), data)
    assert response.status_code == 302
    created = Session.objects.exclude(pk=session.pk)
    assert created.count() == 2
    assert all(s.allow_pay_at_centre for s in created)
