"""Family contacts (families the centre books for without an account) and booking on a family's
behalf: the same rules, lock, waiting list and messages as a family booking itself, paid at the
centre, and the database's own guards. Refusals write nothing."""

import re

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from bookings import families
from bookings.errors import BookingError
from bookings.households import HOUSEHOLD
from bookings.models import Booking, FamilyContact
from bookings.services import book_session, cancel_booking
from startwell.models import Child
from tests.factories import (
    ActivityPageFactory,
    ChildFactory,
    FamilyContactFactory,
    SessionFactory,
    UserFactory,
)
from tests.support.bookings import contact_child

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("texts_queued_at_once")]


@pytest.fixture(autouse=True)
def commit_hooks(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        yield callbacks


@pytest.fixture
def notify_outbox(notify_server):
    """The texts the Notify stand-in received: number and body."""
    return lambda: [
        {"to": entry["phone_number"], "body": entry["personalisation"]["body"]}
        for entry in notify_server.texts
    ]


@pytest.fixture
def staff(db):
    return UserFactory(first_name="Sam", last_name="Staff")


@pytest.fixture
def session(centre):
    return SessionFactory(activity=ActivityPageFactory(parent=centre), capacity=2)


def add(centre, staff, **overrides):
    details = {
        "first_name": "Amira",
        "last_name": "Begum",
        "mobile": "07911 123456",
        "contact_by": "text",
        "consent": "agreed by phone on 3 March",
        "children": [families.ChildDetails("Zara", 3, 2024)],
    }
    details.update(overrides)
    return families.add_contact(centre=centre, by=staff, **details)


# --- Keeping a family contact -------------------------------------------------------------------


def test_a_contact_is_kept_with_its_children_consent_and_e164_number(centre, staff):
    contact = add(centre, staff)
    assert str(contact.mobile) == "+447911123456"
    assert contact.consent == "agreed by phone on 3 March"
    assert contact.consent_recorded_by == staff
    assert contact.short_name == "Amira B."
    child = families.contact_children(contact).get()
    assert (child.first_name, child.parent, child.birth_month, child.birth_year) == (
        "Zara",
        None,
        3,
        2024,
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"mobile": "", "email": ""}, "mobile", families.NO_WAY_TO_CONTACT),
        ({"mobile": "0121 496 0000"}, "mobile", "landline"),
        ({"mobile": "+33 6 12 34 56 78"}, "mobile", "UK mobile"),
        ({"mobile": "07700"}, "mobile", "Enter a UK mobile number"),
        ({"consent": "  "}, "consent", "agreed"),
        ({"first_name": ""}, "first_name", families.NAME_REQUIRED),
        ({"contact_by": "email"}, "email", families.EMAIL_NEEDS_ADDRESS),
        ({"mobile": "", "email": "a@example.org"}, "mobile", families.TEXT_NEEDS_MOBILE),
        ({"email": "not an address", "contact_by": "both"}, "email", families.EMAIL_INVALID),
        ({"children": [families.ChildDetails("Zed", 13, 2024)]}, "children", "month and year"),
        ({"children": [families.ChildDetails("", 3, 2024)]}, "children", "first name"),
    ],
)
def test_a_contact_without_what_it_needs_is_refused_and_nothing_written(
    centre, staff, overrides, field, message
):
    # The service's own messages are translatable (lazy): matched as their English text.
    with pytest.raises(BookingError, match=re.escape(str(message))) as refused:
        add(centre, staff, **overrides)
    assert refused.value.field == field
    assert not FamilyContact.objects.exists()
    assert not Child.objects.exists()


def test_the_same_family_is_not_kept_twice_at_a_centre(centre, other_centre, staff):
    add(centre, staff)
    with pytest.raises(BookingError, match="already has a family"):
        add(centre, staff, first_name="Someone")
    # Another centre may know the same family.
    add(other_centre, staff)
    assert FamilyContact.objects.count() == 2


def test_the_database_refuses_a_contact_with_no_way_to_reach_it(centre):
    with pytest.raises(IntegrityError), transaction.atomic():
        FamilyContact.objects.create(centre=centre, first_name="No one", consent="yes")


# --- Finding a family ---------------------------------------------------------------------------


def test_families_are_found_only_by_an_exact_number_or_address(centre, other_centre, staff):
    contact = add(centre, staff, email="amira@example.org", contact_by="both")
    add(other_centre, staff, mobile="07911 123999")
    assert families.find_families(centre=centre, query="07911123456").contacts == [contact]
    assert families.find_families(centre=centre, query="+44 7911 123456").contacts == [contact]
    assert families.find_families(centre=centre, query="AMIRA@example.org").contacts == [contact]
    # Another centre's family is not found from here.
    assert not families.find_families(centre=centre, query="07911 123999")
    for partial in ("07700", "900123", "amira@", "amira", "@example.org", ""):
        with pytest.raises(BookingError, match="whole mobile number"):
            families.find_families(centre=centre, query=partial)


def test_accounts_are_found_by_a_verified_address_or_confirmed_mobile_only(centre):
    from allauth.account.models import EmailAddress

    verified = UserFactory(email="v@example.org")
    unverified = UserFactory(email="u@example.org")
    EmailAddress.objects.filter(user=unverified).update(verified=False)
    assert families.find_families(centre=centre, query="v@example.org").accounts == [verified]
    assert families.find_families(centre=centre, query="u@example.org").accounts == []


# --- Booking on a family's behalf ---------------------------------------------------------------


def test_staff_book_a_contact_and_the_family_is_texted(centre, staff, session, notify_outbox):
    contact = add(centre, staff)
    child = families.contact_children(contact).get()
    booking = book_session(
        family_contact=contact, booked_by=staff, session_id=session.pk, children=[child]
    )
    assert booking.status == Booking.Status.CONFIRMED
    assert (booking.family_contact, booking.parent, booking.booked_by) == (contact, None, staff)
    assert booking.made_on_behalf
    assert [text["to"] for text in notify_outbox()] == ["+447911123456"]
    assert booking.reference in notify_outbox()[0]["body"]
    assert mail.outbox == []


def test_a_contact_by_email_gets_an_email_greeting_them(centre, staff, session):
    contact = add(centre, staff, mobile="", email="amira@example.org", contact_by="email")
    child = families.contact_children(contact).get()
    book_session(family_contact=contact, booked_by=staff, session_id=session.pk, children=[child])
    assert [message.to for message in mail.outbox] == [["amira@example.org"]]
    assert mail.outbox[0].body.startswith("Hello Amira,")


def test_one_active_booking_per_contact_and_another_familys_child_refused(centre, staff, session):
    contact = add(centre, staff)
    child = families.contact_children(contact).get()
    book_session(family_contact=contact, booked_by=staff, session_id=session.pk, children=[child])
    with pytest.raises(BookingError, match="This family already has a booking"):
        book_session(
            family_contact=contact, booked_by=staff, session_id=session.pk, children=[child]
        )
    stranger = ChildFactory()
    other = add(centre, staff, mobile="07911 123321", first_name="Other")
    with pytest.raises(BookingError, match="family's own children"):
        book_session(
            family_contact=other, booked_by=staff, session_id=session.pk, children=[stranger]
        )
    assert Booking.objects.count() == 1


def test_the_database_holds_one_active_booking_per_contact(centre, staff, session):
    contact = add(centre, staff)
    Booking.objects.create(session=session, family_contact=contact, status="confirmed", places=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(session=session, family_contact=contact, status="waiting", places=1)


def test_the_database_refuses_a_booking_for_nobody_or_for_both(centre, staff, session):
    contact = add(centre, staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(session=session, status="confirmed", places=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            session=session, parent=staff, family_contact=contact, status="confirmed", places=1
        )
    # An anonymised booking keeps only its household key.
    Booking.objects.create(session=session, household="habc", status="cancelled", places=1)


def test_a_full_session_puts_the_contact_on_the_waiting_list_then_promotes_it(
    centre, staff, session, notify_outbox
):
    parents = [UserFactory() for _ in range(2)]
    held = [
        book_session(parent=parent, session_id=session.pk, children=[ChildFactory(parent=parent)])
        for parent in parents
    ]
    contact = add(centre, staff)
    child = families.contact_children(contact).get()
    with pytest.raises(BookingError, match="full"):
        book_session(
            family_contact=contact, booked_by=staff, session_id=session.pk, children=[child]
        )
    waiting = book_session(
        family_contact=contact,
        booked_by=staff,
        session_id=session.pk,
        children=[child],
        join_waiting_list=True,
    )
    assert waiting.status == Booking.Status.WAITING
    cancel_booking(booking_id=held[0].pk, by=parents[0])
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.CONFIRMED
    bodies = [text["body"] for text in notify_outbox() if text["to"] == "+447911123456"]
    assert len(bodies) == 2
    assert "a place came up" in bodies[-1]


def test_paid_sessions_booked_by_staff_are_paid_at_the_centre_even_with_stripe(
    centre, staff, settings
):
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x"
    paid = SessionFactory(
        activity=ActivityPageFactory(parent=centre), price_model="fixed", price_pence=300
    )
    contact = add(centre, staff)
    child = families.contact_children(contact).get()
    booking = book_session(
        family_contact=contact, booked_by=staff, session_id=paid.pk, children=[child]
    )
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.payment_due_at_centre
    assert booking.amount_pence == 300


def test_staff_book_for_a_family_with_an_account(centre, staff, session):
    parent = UserFactory(email="pat@example.org")
    child = ChildFactory(parent=parent)
    booking = book_session(parent=parent, booked_by=staff, session_id=session.pk, children=[child])
    assert booking.booked_by == staff and booking.made_on_behalf
    assert [message.to for message in mail.outbox] == [["pat@example.org"]]


def test_a_contact_counts_as_one_household(centre, staff, session):
    contact = add(centre, staff)
    child = families.contact_children(contact).get()
    book_session(family_contact=contact, booked_by=staff, session_id=session.pk, children=[child])
    keys = list(Booking.objects.annotate(key=HOUSEHOLD).values_list("key", flat=True))
    assert keys == [f"c{contact.pk}"]


def test_contact_children_helper(centre):
    contact = FamilyContactFactory(centre=centre)
    child = contact_child(contact, first_name="Kai")
    assert list(families.contact_children(contact)) == [child]


def test_a_session_that_moves_tells_the_contact_and_counts_it(
    centre, staff, session, notify_outbox
):
    import datetime

    from bookings.models import SessionLogEntry
    from bookings.services import update_session

    contact = add(centre, staff)
    child = families.contact_children(contact).get()
    book_session(family_contact=contact, booked_by=staff, session_id=session.pk, children=[child])
    later = session.start + datetime.timedelta(hours=2)
    update_session(
        session_id=session.pk,
        changes={"start": later, "end": later + datetime.timedelta(hours=1)},
        by=staff,
    )
    assert len(notify_outbox()) == 2
    entry = SessionLogEntry.objects.get(action="startwell.session.changed")
    assert "(1 family told)" in entry.data["detail"]
