"""Booking for a family from the register: finding a family only by an exact number or address,
adding a family without an account, booking and wait-listing them, cancelling from the admin's
register, and the family's record. Champions see short names, never contact details; a session
they do not run answers 404 and nothing is written."""

import pytest
from django.urls import reverse

from bookings.models import Booking, FamilyContact, SessionLogEntry
from parent_champions.services.families import family_token
from startwell.models import DeliveryFailure
from tests.factories import FamilyContactFactory, PartnerOrganisationFactory, PractitionerFactory
from tests.support.bookings import book, contact_child
from tests.support.registers import logged

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("texts_queued_at_once")]

NUMBER = "07911 123456"


def u(name, *args):
    return reverse(f"parent_champions:{name}", args=args)


@pytest.fixture
def contact(centre):
    contact = FamilyContactFactory(
        centre=centre,
        first_name="Amira",
        last_name="Begum",
        mobile="+447911123456",
        email="amira@example.org",
        contact_by="text",
    )
    contact_child(contact, first_name="Zara")
    return contact


def test_a_champion_finds_a_family_by_its_whole_number_and_sees_only_a_short_name(
    client, champion, session_tomorrow, contact
):
    client.force_login(champion.user)
    response = client.post(u("find_family", session_tomorrow.pk), {"query": NUMBER})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Amira B." in page and "Zara" in page
    found = page[page.index('id="found-heading"') :]
    assert "Begum" not in page and "amira@example.org" not in page and "7911" not in found


def test_a_partial_number_is_refused_next_to_the_field(client, champion, session_tomorrow, contact):
    client.force_login(champion.user)
    response = client.post(u("find_family", session_tomorrow.pk), {"query": "07911"})
    assert response.status_code == 400
    assert "Enter the whole mobile number" in response.content.decode()
    assert "Amira" not in response.content.decode()


def test_a_manager_sees_the_full_name(client, manager, session_tomorrow, contact):
    client.force_login(manager)
    response = client.post(u("find_family", session_tomorrow.pk), {"query": "amira@example.org"})
    assert "Amira Begum" in response.content.decode()


def test_a_champion_adds_a_family_then_books_it_and_the_family_is_texted(
    client, champion, session_tomorrow, notify_server
):
    client.force_login(champion.user)
    response = client.post(
        u("add_family", session_tomorrow.pk),
        {
            "first_name": "Dana",
            "last_name": "Scott",
            "mobile": "07911 123457",
            "contact_by": "text",
            "consent": "agreed by phone on 3 March",
            "child_1_name": "Eli",
            "child_1_month": "3",
            "child_1_year": "2024",
        },
    )
    assert response.status_code == 302
    contact = FamilyContact.objects.get()
    assert contact.consent_recorded_by == champion.user
    child = contact.children.get()
    response = client.post(response["Location"], {"children": [child.pk]})
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert (booking.family_contact, booking.booked_by) == (contact, champion.user)
    assert [text["phone_number"] for text in notify_server.texts] == ["+447911123457"]
    assert logged(session_tomorrow, "booked_for_family") == [
        (champion.user.pk, f"Booking {booking.reference}")
    ]
    register = client.get(u("register", session_tomorrow.pk)).content.decode()
    row = register[register.index(f'id="booking-{booking.pk}"') :]
    assert "Dana S." in row[:600] and "Booked by Chris" in row[:1200]
    assert "Scott" not in register


def test_a_family_without_a_way_to_contact_it_is_refused_and_nothing_written(
    client, champion, session_tomorrow
):
    client.force_login(champion.user)
    response = client.post(
        u("add_family", session_tomorrow.pk),
        {"first_name": "Dana", "contact_by": "text", "consent": "agreed by phone"},
    )
    assert response.status_code == 400
    assert "we need a way to reach the family" in response.content.decode()
    assert not FamilyContact.objects.exists()


def test_a_full_session_puts_the_family_on_the_waiting_list(
    client, champion, session_tomorrow, contact
):
    for i in range(session_tomorrow.capacity):
        book(session_tomorrow, first_name=f"P{i}")
    client.force_login(champion.user)
    url = u("book_family", session_tomorrow.pk, family_token(session_tomorrow, contact=contact))
    page = client.get(url).content.decode()
    assert "This session is full" in page
    child = contact.children.get()
    response = client.post(url, {"children": [child.pk], "join_waiting_list": "yes"})
    assert response.status_code == 302
    assert Booking.objects.get(family_contact=contact).status == Booking.Status.WAITING


def test_a_champion_cannot_book_on_a_session_they_do_not_run(
    client, champion, other_session, other_centre
):
    stranger = FamilyContactFactory(centre=other_centre)
    kid = contact_child(stranger)
    client.force_login(champion.user)
    token = family_token(other_session, contact=stranger)
    assert client.get(u("find_family", other_session.pk)).status_code == 404
    assert (
        client.post(u("book_family", other_session.pk, token), {"children": [kid.pk]}).status_code
        == 404
    )
    assert (
        client.post(
            u("add_family", other_session.pk),
            {"first_name": "X", "mobile": NUMBER, "contact_by": "text", "consent": "yes"},
        ).status_code
        == 404
    )
    assert not Booking.objects.exists()
    assert FamilyContact.objects.count() == 1


def test_a_tampered_or_other_sessions_token_answers_404(
    client, champion, session_tomorrow, session_today, contact
):
    client.force_login(champion.user)
    token = family_token(session_today, contact=contact)
    assert client.get(u("book_family", session_tomorrow.pk, token)).status_code == 404
    assert client.get(u("book_family", session_tomorrow.pk, "nonsense")).status_code == 404
    assert client.get(u("book_family", session_tomorrow.pk, token[:-2] + "xx")).status_code == 404


def test_another_familys_child_is_refused(client, champion, session_tomorrow, contact, centre):
    other = FamilyContactFactory(centre=centre)
    kid = contact_child(other)
    client.force_login(champion.user)
    url = u("book_family", session_tomorrow.pk, family_token(session_tomorrow, contact=contact))
    response = client.post(url, {"children": [kid.pk]})
    assert response.status_code == 400
    assert not Booking.objects.exists()


def test_the_family_record_hides_contact_details_from_champions_and_is_audited(
    client, champion, manager, session_tomorrow, contact
):
    child = contact.children.get()
    from bookings.services import book_session

    book_session(
        family_contact=contact, booked_by=manager, session_id=session_tomorrow.pk, children=[child]
    )
    DeliveryFailure.objects.create(
        channel="text", address="+447911123456", reason="Notify refused the text: not a number"
    )
    client.force_login(champion.user)
    page = client.get(u("family_record", session_tomorrow.pk, contact.pk)).content.decode()
    assert "Amira B." in page and "Zara" in page and "not a number" in page
    assert "amira@example.org" not in page and "07911" not in page
    client.force_login(manager)
    page = client.get(u("family_record", session_tomorrow.pk, contact.pk)).content.decode()
    assert "amira@example.org" in page and "07911 123456" in page
    assert [who for who, _ in logged(session_tomorrow, "family_record_viewed")] == [
        champion.user.pk,
        manager.pk,
    ]


def test_a_practitioner_sees_contact_details_of_families_on_their_sessions(
    client, activity, session_tomorrow, contact, manager
):
    from bookings.services import book_session
    from cms.models import ActivityPage
    from tests.accounts import activate_totp

    partner = PartnerOrganisationFactory()
    ActivityPage.objects.filter(pk=activity.pk).update(delivered_by="partner", partner=partner)
    practitioner = PractitionerFactory(centre=session_tomorrow.centre, partner=partner)
    activate_totp(practitioner.user)
    book_session(
        family_contact=contact,
        booked_by=manager,
        session_id=session_tomorrow.pk,
        children=[contact.children.get()],
    )
    client.force_login(practitioner.user)
    page = client.get(u("family_record", session_tomorrow.pk, contact.pk)).content.decode()
    assert "amira@example.org" in page


def test_a_champion_cannot_open_the_record_of_a_family_not_on_their_session(
    client, champion, session_tomorrow, contact
):
    client.force_login(champion.user)
    assert client.get(u("family_record", session_tomorrow.pk, contact.pk)).status_code == 404
    assert not SessionLogEntry.objects.filter(action__endswith="family_record_viewed").exists()


def test_cancelling_from_the_admin_register_returns_there(
    client, manager, session_tomorrow, contact
):
    from bookings.services import book_session

    booking = book_session(
        family_contact=contact,
        booked_by=manager,
        session_id=session_tomorrow.pk,
        children=[contact.children.get()],
    )
    client.force_login(manager)
    page = client.get(reverse("bookings_session:inspect", args=[session_tomorrow.pk]))
    assert "Book for a family" in page.content.decode()
    response = client.post(
        u("booking_action", session_tomorrow.pk, booking.pk, "cancel"), {"return_to": "admin"}
    )
    assert response["Location"] == reverse("bookings_session:inspect", args=[session_tomorrow.pk])
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_the_families_of_my_sessions_take_the_same_queries_however_many(
    client, champion, session_tomorrow, centre, manager
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bookings.services import book_session

    def add_families(count):
        for _ in range(count):
            family = FamilyContactFactory(centre=centre)
            book_session(
                family_contact=family,
                booked_by=manager,
                session_id=session_tomorrow.pk,
                children=[contact_child(family)],
            )
            book(session_tomorrow, first_name="Pat")

    type(session_tomorrow).objects.filter(pk=session_tomorrow.pk).update(capacity=20)
    client.force_login(champion.user)
    url = u("find_family", session_tomorrow.pk)
    add_families(1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    add_families(4)
    with CaptureQueriesContext(connection) as five:
        page = client.get(url).content.decode()
    assert page.count("Book for ") >= 10
    assert len(five) == len(one)
