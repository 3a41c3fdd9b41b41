"""Paid courses: one price for the whole run, paid once through Stripe Checkout (one payment, one
reference), with the places held on every session while the payment page is open and released
when it expires; or paid at the centre where the course allows it, or a funded place. The same
checkout, webhook and refund rules as a session's. Stripe is the local stand-in
(tests/stripe_server.py) driven by the real library; webhooks are signed locally."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bookings import checkout, selectors, services
from bookings.errors import BookingError
from bookings.models import Booking, Course, CourseBooking, Payment
from tests.factories import ActivityPageFactory, VenueFactory
from tests.support.courses import course_form_data, course_of, household, paid_course
from tests.support.payments import post_event, return_url

pytestmark = pytest.mark.django_db

S = Booking.Status


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def book(course, parent, kids, **kwargs):
    return services.book_course(parent=parent, course_id=course.pk, children=kids, **kwargs)


def session_rows(course_booking):
    return list(Booking.objects.filter(course_booking=course_booking).order_by("session__start"))


def checkout_id_of(course_booking):
    return Payment.objects.get(course_booking=course_booking).checkout_session_id


def hold_until(course_booking, when):
    """Moves the end of the time to pay (the course booking's and its sessions')."""
    CourseBooking.objects.filter(pk=course_booking.pk).update(hold_expires_at=when)
    Booking.objects.filter(course_booking=course_booking).update(hold_expires_at=when)


def book_and_pay(client, course, stripe_server, children=1):
    parent, kids = household(children)
    course_booking = book(course, parent, kids)
    checkout.start_checkout(booking=course_booking)
    post_event(client, stripe_server.pay(checkout_id_of(course_booking)))
    course_booking.refresh_from_db()
    return course_booking


# --- Holding the places while the family pays ---------------------------------------------------


def test_a_paid_course_holds_every_session_for_30_minutes_while_the_family_pays(
    centre, stripe_server
):
    course = paid_course(centre, price_pence=3000, weeks=3, capacity=2)
    parent, kids = household(2)

    course_booking = book(course, parent, kids)

    assert course_booking.status == S.PENDING_PAYMENT
    assert course_booking.amount_pence == 6000  # per place, for the whole course
    hold = timezone.now() + datetime.timedelta(minutes=30)
    assert abs((course_booking.hold_expires_at - hold).total_seconds()) < 5
    rows = session_rows(course_booking)
    assert [row.status for row in rows] == [S.PENDING_PAYMENT] * 3
    assert all(row.amount_pence == 0 for row in rows)  # the course booking carries the price
    assert all(selectors.places_taken(session) == 2 for session in course.sessions.all())
    assert mail.outbox == []  # the family hears once the payment arrives
    other, other_kids = household()
    with pytest.raises(BookingError, match="course is full"):
        book(course, other, other_kids)


def test_one_payment_page_for_the_whole_course_under_its_one_reference(centre, stripe_server):
    course = paid_course(centre, price_pence=2500, weeks=4)
    parent, kids = household()
    course_booking = book(course, parent, kids)

    url = checkout.start_checkout(booking=course_booking)

    [page] = stripe_server.checkout_sessions.values()
    assert url == page["url"]
    assert page["metadata"] == {"course_booking_reference": course_booking.reference}
    assert page["client_reference_id"] == course_booking.reference
    assert page["amount_total"] == 2500  # one payment for the whole course
    payment = Payment.objects.get(course_booking=course_booking)
    assert payment.booking is None and payment.status == Payment.Status.OPEN
    # The places are held as long as the payment page stays open, on every session.
    course_booking.refresh_from_db()
    closes = datetime.datetime.fromtimestamp(page["expires_at"], tz=datetime.UTC)
    assert course_booking.hold_expires_at == closes
    assert {row.hold_expires_at for row in session_rows(course_booking)} == {closes}
    # Coming back to pay keeps the same page.
    assert checkout.start_checkout(booking=course_booking) == url
    assert len(stripe_server.checkout_sessions) == 1


def test_the_signed_webhook_confirms_the_course_and_every_session(client, centre, stripe_server):
    course = paid_course(centre, weeks=3)
    parent, kids = household()
    course_booking = book(course, parent, kids)
    checkout.start_checkout(booking=course_booking)

    response = post_event(client, stripe_server.pay(checkout_id_of(course_booking)))

    assert response.status_code == 200
    course_booking.refresh_from_db()
    assert course_booking.status == S.CONFIRMED
    assert not course_booking.payment_due_at_centre
    assert [row.status for row in session_rows(course_booking)] == [S.CONFIRMED] * 3
    [payment] = Payment.objects.all()
    assert payment.course_booking == course_booking and payment.is_paid
    assert payment.method == Payment.Method.ONLINE and payment.amount_pence == 3000
    [confirmation] = mail.outbox
    assert confirmation.subject.startswith("You're booked")
    assert course_booking.reference in confirmation.body
    # Delivered again: nothing changes, nobody is told twice.
    event = stripe_server.event(
        "checkout.session.completed", stripe_server.checkout_sessions[payment.checkout_session_id]
    )
    post_event(client, event)
    assert len(mail.outbox) == 1 and Payment.objects.count() == 1


def test_a_bad_signature_is_refused_and_changes_nothing(client, centre, stripe_server):
    course = paid_course(centre)
    parent, kids = household()
    course_booking = book(course, parent, kids)
    checkout.start_checkout(booking=course_booking)
    event = stripe_server.pay(checkout_id_of(course_booking))

    response = post_event(client, event, secret="whsec_not_ours")

    assert response.status_code == 400
    course_booking.refresh_from_db()
    assert course_booking.status == S.PENDING_PAYMENT


def test_an_expired_payment_page_releases_every_session_and_promotes_the_waiting_list(
    client, centre, stripe_server, committed
):
    course = paid_course(centre, weeks=3, capacity=1)
    parent, kids = household()
    held = book(course, parent, kids)
    checkout.start_checkout(booking=held)
    waiting_parent, waiting_kids = household()
    waiting = book(course, waiting_parent, waiting_kids, join_waiting_list=True)
    assert waiting.status == S.WAITING

    # Stripe closes the page while the hold still runs: the places stay held.
    expired = stripe_server.expire(checkout_id_of(held))
    hold_until(held, timezone.now() + datetime.timedelta(hours=1))
    post_event(client, expired)
    held.refresh_from_db()
    assert held.status == S.PENDING_PAYMENT

    hold_until(held, timezone.now())
    again = stripe_server.event("checkout.session.expired", expired["data"]["object"])
    with committed():
        post_event(client, again)

    held.refresh_from_db()
    waiting.refresh_from_db()
    assert held.status == S.PAYMENT_EXPIRED
    assert [row.status for row in session_rows(held)] == [S.PAYMENT_EXPIRED] * 3
    assert any(m.subject.startswith("Your held places were released") for m in mail.outbox)
    # The next household is offered the course place, to pay for within 12 hours.
    assert waiting.status == S.PENDING_PAYMENT
    assert waiting.hold_expires_at > timezone.now() + datetime.timedelta(hours=11)
    assert [row.status for row in session_rows(waiting)] == [S.PENDING_PAYMENT] * 3
    assert all(selectors.places_taken(session) == 1 for session in course.sessions.all())


def test_the_sweeper_releases_lapsed_course_holds_and_closes_the_page_at_stripe(
    centre, stripe_server, committed
):
    course = paid_course(centre, weeks=2, capacity=1)
    parent, kids = household()
    held = book(course, parent, kids)
    checkout.start_checkout(booking=held)
    assert checkout.release_expired_holds() == 0

    lapsed = timezone.now() - datetime.timedelta(seconds=1)
    hold_until(held, lapsed)
    with committed():
        assert checkout.release_expired_holds() == 1  # one course booking, not one per session

    held.refresh_from_db()
    assert held.status == S.PAYMENT_EXPIRED
    assert [row.status for row in session_rows(held)] == [S.PAYMENT_EXPIRED] * 2
    assert stripe_server.checkout_sessions[checkout_id_of(held)]["status"] == "expired"
    other, other_kids = household()
    assert book(course, other, other_kids).status == S.PENDING_PAYMENT


def test_a_lapsed_hold_is_released_when_the_next_family_books(centre, stripe_server):
    course = paid_course(centre, weeks=2, capacity=1)
    parent, kids = household()
    held = book(course, parent, kids)
    hold_until(held, timezone.now())

    other, other_kids = household()
    taker = book(course, other, other_kids)

    held.refresh_from_db()
    assert held.status == S.PAYMENT_EXPIRED
    assert taker.status == S.PENDING_PAYMENT


def test_a_late_payment_is_confirmed_while_the_course_has_room(client, centre, stripe_server):
    course = paid_course(centre, weeks=2, capacity=3)
    parent, kids = household()
    late = book(course, parent, kids)
    checkout.start_checkout(booking=late)
    hold_until(late, timezone.now())
    assert checkout.release_expired_holds() == 1

    post_event(client, stripe_server.pay(checkout_id_of(late)))

    late.refresh_from_db()
    assert late.status == S.CONFIRMED
    assert [row.status for row in session_rows(late)] == [S.CONFIRMED] * 2
    assert not stripe_server.refunds


def test_a_late_payment_for_places_gone_is_refunded(client, centre, stripe_server):
    course = paid_course(centre, weeks=2, capacity=1)
    parent, kids = household()
    late = book(course, parent, kids)
    checkout.start_checkout(booking=late)
    hold_until(late, timezone.now())
    other, other_kids = household()
    book(course, other, other_kids, funded_place=False)  # takes the released place
    mail.outbox.clear()

    post_event(client, stripe_server.pay(checkout_id_of(late)))

    late.refresh_from_db()
    assert late.status == S.PAYMENT_EXPIRED
    payment = Payment.objects.get(course_booking=late)
    assert payment.is_paid and payment.refund_status == Payment.RefundStatus.REFUNDED
    [refund] = stripe_server.refunds.values()
    assert refund["metadata"] == {"booking_reference": late.reference}
    [message] = mail.outbox
    assert message.subject.startswith("Your refund is on its way")
    assert "£30" in message.body
    assert all(selectors.places_taken(session) == 1 for session in course.sessions.all())


# --- Cancelling ----------------------------------------------------------------------------------


def test_cancelling_a_paid_course_refunds_it_and_promotes_the_next_household(
    client, centre, stripe_server, committed
):
    course = paid_course(centre, weeks=3, capacity=1)
    paid = book_and_pay(client, course, stripe_server)
    waiting_parent, waiting_kids = household()
    waiting = book(course, waiting_parent, waiting_kids, join_waiting_list=True)
    mail.outbox.clear()

    with committed():
        services.cancel_course_booking(course_booking_id=paid.pk, by=paid.parent)

    paid.refresh_from_db()
    assert paid.status == S.CANCELLED
    assert [row.status for row in session_rows(paid)] == [S.CANCELLED] * 3
    payment = Payment.objects.get(course_booking=paid)
    assert payment.refund_status == Payment.RefundStatus.REFUNDED
    assert payment.refund_reason == "You cancelled your booking."
    [refund] = stripe_server.refunds.values()
    assert refund["payment_intent"] == payment.payment_intent_id
    waiting.refresh_from_db()
    assert waiting.status == S.PENDING_PAYMENT
    subjects = sorted(message.subject for message in mail.outbox)
    assert any(subject.startswith("Your refund is on its way") for subject in subjects)
    assert any(subject.startswith("A place has come up") for subject in subjects)


def test_giving_up_before_paying_releases_the_places_and_closes_the_page(
    centre, stripe_server, committed
):
    course = paid_course(centre, weeks=2, capacity=1)
    parent, kids = household()
    held = book(course, parent, kids)
    checkout.start_checkout(booking=held)

    with committed():
        services.cancel_course_booking(course_booking_id=held.pk, by=parent)

    held.refresh_from_db()
    assert held.status == S.CANCELLED
    assert [row.status for row in session_rows(held)] == [S.CANCELLED] * 2
    assert Payment.objects.get(course_booking=held).status == Payment.Status.EXPIRED
    assert stripe_server.checkout_sessions[checkout_id_of(held)]["status"] == "expired"
    assert not stripe_server.refunds


def test_a_course_paid_at_the_centre_cancelled_is_flagged_for_staff_to_give_back(
    client, centre, stripe_server
):
    course = paid_course(centre, allow_pay_at_centre=True)
    parent, kids = household()
    course_booking = book(course, parent, kids, pay_at_centre=True)
    Payment.objects.create(
        course_booking=course_booking,
        method=Payment.Method.CENTRE,
        amount_pence=3000,
        status=Payment.Status.PAID,
        paid_at=timezone.now(),
    )

    services.cancel_course_booking(course_booking_id=course_booking.pk, by=parent)

    payment = Payment.objects.get(course_booking=course_booking)
    assert payment.needs_attention and "give the money back" in payment.attention_note
    assert not stripe_server.refunds


# --- Paying at the centre, funded places, and refusals -----------------------------------------


def test_paying_at_the_centre_where_the_course_allows_it(centre, stripe_server):
    course = paid_course(centre, allow_pay_at_centre=True, weeks=2)
    parent, kids = household()

    course_booking = book(course, parent, kids, pay_at_centre=True)

    assert course_booking.status == S.CONFIRMED
    assert course_booking.payment_due_at_centre and course_booking.chose_to_pay_at_centre
    assert [row.status for row in session_rows(course_booking)] == [S.CONFIRMED] * 2
    assert not stripe_server.checkout_sessions
    [confirmation] = mail.outbox
    assert "£30" in confirmation.body


def test_paying_at_the_centre_is_refused_where_the_course_does_not_allow_it(centre, stripe_server):
    course = paid_course(centre, allow_pay_at_centre=False)
    parent, kids = household()

    with pytest.raises(BookingError) as refused:
        book(course, parent, kids, pay_at_centre=True)

    assert refused.value.field == "payment_method"
    assert "not offered for this course" in refused.value.message
    assert not CourseBooking.objects.exists() and not Booking.objects.exists()


def test_a_funded_place_on_a_paid_course_costs_nothing_and_needs_no_payment(centre, stripe_server):
    course = paid_course(centre, funded_places=1)
    parent, kids = household()

    funded = book(course, parent, kids, funded_place=True)

    assert funded.status == S.CONFIRMED and funded.funded and funded.amount_pence == 0
    assert not funded.payment_due_at_centre
    assert not stripe_server.checkout_sessions
    other, other_kids = household()
    with pytest.raises(BookingError) as refused:
        book(course, other, other_kids, funded_place=True)
    assert refused.value.field == "funded_place"
    assert CourseBooking.objects.count() == 1


def test_pay_what_you_can_course_without_an_amount_is_refused(centre, stripe_server):
    course = course_of(centre)
    Course.objects.filter(pk=course.pk).update(
        price_model="pay_what_you_can", suggested_pence=2000, minimum_pence=500
    )
    parent, kids = household()

    with pytest.raises(BookingError) as missing:
        book(course, parent, kids)
    assert missing.value.field == "amount"
    with pytest.raises(BookingError, match="The least you can pay is £5"):
        book(course, parent, kids, amount_pence=100)
    assert not CourseBooking.objects.exists() and not Booking.objects.exists()

    course_booking = book(course, parent, kids, amount_pence=1500)
    assert course_booking.amount_pence == 1500
    assert course_booking.status == S.PENDING_PAYMENT


def test_without_online_payment_a_paid_course_is_paid_at_the_centre(centre):
    course = paid_course(centre)
    parent, kids = household()
    course_booking = book(course, parent, kids)
    assert course_booking.status == S.CONFIRMED and course_booking.payment_due_at_centre
    with pytest.raises(BookingError, match="Online payment is not available"):
        checkout.start_checkout(booking=course_booking)


def test_a_confirmed_course_booking_cannot_be_sent_to_pay(centre, stripe_server):
    course = paid_course(centre, allow_pay_at_centre=True)
    parent, kids = household()
    course_booking = book(course, parent, kids, pay_at_centre=True)
    with pytest.raises(BookingError, match="not waiting for payment"):
        checkout.start_checkout(booking=course_booking)
    assert not stripe_server.checkout_sessions


# --- The family's pages ------------------------------------------------------------------------


def test_booking_a_paid_course_from_the_form_goes_straight_to_stripe(client, centre, stripe_server):
    course = paid_course(centre, weeks=3)
    parent, kids = household()
    client.force_login(parent)

    page = client.get(reverse("bookings:book_course", args=[course.pk]))
    assert "You pay by card on Stripe's secure page" in page.text
    assert "£30 a place for the whole course" in page.text
    response = client.post(
        reverse("bookings:book_course", args=[course.pk]), {"children": [kids[0].pk]}
    )

    course_booking = CourseBooking.objects.get(parent=parent)
    assert course_booking.status == S.PENDING_PAYMENT
    [page] = stripe_server.checkout_sessions.values()
    assert response.status_code == 302 and response["Location"] == page["url"]

    # The family comes back from Stripe having paid, before the webhook arrives.
    stripe_server.pay(page["id"])
    back = client.get(return_url(page["id"]), follow=True)
    assert "Thank you: you&#x27;ve paid and you&#x27;re booked." in back.text
    course_booking.refresh_from_db()
    assert course_booking.status == S.CONFIRMED
    assert "Paid" in back.text and "£30" in back.text


def test_the_course_booking_page_offers_to_pay_while_the_places_are_held(
    client, centre, stripe_server
):
    course = paid_course(centre)
    parent, kids = household()
    course_booking = book(course, parent, kids)
    client.force_login(parent)

    page = client.get(reverse("bookings:booking_detail", args=[course_booking.reference]))
    assert "Waiting for payment:" in page.text and "Pay now" in page.text
    response = client.post(reverse("payments:pay", args=[course_booking.reference]))

    assert (
        response["Location"]
        == stripe_server.checkout_sessions[checkout_id_of(course_booking)]["url"]
    )
    stranger, _ = household()
    client.force_login(stranger)
    assert client.post(reverse("payments:pay", args=[course_booking.reference])).status_code == 404


def test_choosing_to_pay_at_the_centre_on_the_form(client, centre, stripe_server):
    course = paid_course(centre, allow_pay_at_centre=True)
    parent, kids = household()
    client.force_login(parent)

    page = client.get(reverse("bookings:book_course", args=[course.pk]))
    assert "At the centre on the day" in page.text
    response = client.post(
        reverse("bookings:book_course", args=[course.pk]),
        {"children": [kids[0].pk], "payment_method": "centre"},
        follow=True,
    )

    assert "Please pay £30 at the centre." in response.text
    assert CourseBooking.objects.get().payment_due_at_centre
    assert not stripe_server.checkout_sessions


def test_asking_to_pay_at_the_centre_where_not_offered_is_refused_on_the_form(
    client, centre, stripe_server
):
    course = paid_course(centre, allow_pay_at_centre=False)
    parent, kids = household()
    client.force_login(parent)

    response = client.post(
        reverse("bookings:book_course", args=[course.pk]),
        {"children": [kids[0].pk], "payment_method": "centre"},
    )

    assert response.status_code == 400
    assert "not offered for this course" in response.text
    assert not CourseBooking.objects.exists()


# --- The manager sets the course's price ---------------------------------------------------------


def test_a_manager_prices_a_new_course_for_the_whole_run(manager_client, centre):
    activity = ActivityPageFactory(parent=centre, title="Parenting course", is_course=True)
    venue = VenueFactory(centre=centre)

    response = manager_client.post(
        reverse("bookings_session:add_course"),
        course_form_data(
            activity,
            venue,
            create="1",
            price_model="fixed",
            price_pence="4000",
            funded_places="2",
            allow_pay_at_centre="on",
        ),
    )

    assert response.status_code == 302
    course = Course.objects.get()
    assert (course.price_model, course.price_pence, course.funded_places) == ("fixed", 4000, 2)
    assert course.allow_pay_at_centre
    assert course.pricing.price_pence == 4000


@pytest.mark.parametrize(
    ("price", "field", "message"),
    [
        ({"price_model": "fixed"}, "price_pence", "Enter a price of at least 30p"),
        ({"price_model": "fixed", "price_pence": "10"}, "price_pence", "at least 30p"),
        (
            {"price_model": "pay_what_you_can", "suggested_pence": "500"},
            "minimum_pence",
            "Enter the least a family may pay",
        ),
        (
            {"price_model": "pay_what_you_can", "minimum_pence": "800", "suggested_pence": "500"},
            "suggested_pence",
            "must not be below the minimum",
        ),
        ({"price_model": "fixed", "price_pence": "9999999"}, "price_pence", ""),
        ({"price_model": "free", "funded_places": "-1"}, "funded_places", ""),
    ],
)
def test_a_course_price_is_checked_as_a_sessions_is(manager_client, centre, price, field, message):
    activity = ActivityPageFactory(parent=centre, title="Parenting course", is_course=True)
    venue = VenueFactory(centre=centre)

    response = manager_client.post(
        reverse("bookings_session:add_course"),
        course_form_data(activity, venue, create="1", **price),
    )

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in " ".join(response.context["form"].errors[field])
    assert not Course.objects.exists()
