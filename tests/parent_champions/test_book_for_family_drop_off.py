"""Staff booking a family on a drop-off session record what the family told them: the same
questions for each of the family's children (and no one else's), refused without an emergency
contact, nothing written; kept and shown on the register as a family's own answers are."""

import pytest
from django.urls import reverse

from bookings.errors import BookingError
from bookings.models import Booking, DropOffDetails
from parent_champions.services.families import book_for_family, family_token
from tests.factories import (
    ActivityPageFactory,
    ChildFactory,
    FamilyContactFactory,
    HostingFactory,
    SessionFactory,
    UserFactory,
)
from tests.support.bookings import contact_child
from tests.support.drop_off import GOOD
from tests.support.times import in_days

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("texts_queued_at_once")]


@pytest.fixture
def club_session(centre, champion):
    club = ActivityPageFactory(
        parent=centre, title="Holiday club", drop_off=True, delivered_by="champions"
    )
    HostingFactory(champion=champion, activity=club)
    return SessionFactory(activity=club, start=in_days(1), capacity=4)


@pytest.fixture
def contact(centre):
    contact = FamilyContactFactory(
        centre=centre, first_name="Amira", last_name="Begum", mobile="+447911123456"
    )
    contact_child(contact, first_name="Zara")
    return contact


def answers(child, **overrides) -> dict:
    prefix = f"drop_off_{child.pk}_"
    given = {
        "emergency_name": "Sam Jones",
        "emergency_relationship": "Grandma",
        "emergency_phone": "07911 123456",
        "medical_notes": "Peanut allergy",
        "photo_consent": "no",
        **overrides,
    }
    return {prefix + key: value for key, value in given.items()}


def test_the_page_asks_about_the_familys_own_children_only(client, champion, club_session, contact):
    other_family = FamilyContactFactory(centre=contact.centre, mobile="+447911654321")
    contact_child(other_family, first_name="Otto")
    client.force_login(champion.user)
    url = reverse(
        "parent_champions:book_family",
        args=[club_session.pk, family_token(club_session, contact=contact)],
    )

    page = client.get(url).content.decode()

    assert "Children are left with us at this session" in page
    assert "Emergency contact for Zara: their name" in page
    assert "May we take photos of Zara?" in page
    assert "Otto" not in page


@pytest.mark.parametrize("missing", ["emergency_name", "emergency_phone"])
def test_booking_a_family_contact_without_an_emergency_contact_is_refused(
    client, champion, club_session, contact, missing
):
    client.force_login(champion.user)
    child = contact.children.get()
    url = reverse(
        "parent_champions:book_family",
        args=[club_session.pk, family_token(club_session, contact=contact)],
    )

    response = client.post(url, {"children": [child.pk], **answers(child, **{missing: ""})})

    assert response.status_code == 400
    assert "emergency" in response.content.decode()
    assert not Booking.objects.exists()
    assert not DropOffDetails.objects.exists()


def test_staff_record_what_the_family_told_them_and_the_register_shows_it(
    client, champion, club_session, contact
):
    client.force_login(champion.user)
    child = contact.children.get()
    url = reverse(
        "parent_champions:book_family",
        args=[club_session.pk, family_token(club_session, contact=contact)],
    )

    response = client.post(url, {"children": [child.pk], **answers(child)})

    assert response.status_code == 302
    booking = Booking.objects.get(family_contact=contact)
    details = DropOffDetails.objects.get()
    assert (details.booking, details.child, details.photo_consent) == (booking, child, False)
    register = client.get(reverse("parent_champions:register", args=[club_session.pk]))
    assert "Sam Jones (Grandma)" in register.content.decode()


def test_booking_an_account_family_asks_the_same(client, champion, club_session):
    parent = UserFactory(first_name="Priya", last_name="Patel")
    child = ChildFactory(parent=parent, first_name="Mia")
    client.force_login(champion.user)
    url = reverse(
        "parent_champions:book_family",
        args=[club_session.pk, family_token(club_session, parent=parent)],
    )

    refused = client.post(url, {"children": [child.pk], **answers(child, photo_consent="")})
    assert refused.status_code == 400
    assert "Say whether we may take photos of Mia" in refused.content.decode()
    assert not Booking.objects.exists()

    assert client.post(url, {"children": [child.pk], **answers(child)}).status_code == 302
    assert DropOffDetails.objects.get().booking.parent == parent


def test_the_service_refuses_staff_without_the_details(champion, club_session, contact):
    child = contact.children.get()
    family = {"family_contact": contact}

    with pytest.raises(BookingError, match="Give the name of someone we can call"):
        book_for_family(
            user=champion.user, session=club_session, family=family, child_ids=[child.pk]
        )
    assert not Booking.objects.exists()

    book_for_family(
        user=champion.user,
        session=club_session,
        family=family,
        child_ids=[child.pk],
        drop_off={child.pk: GOOD},
    )
    assert DropOffDetails.objects.get().emergency_name == "Sam Jones"
