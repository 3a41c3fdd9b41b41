"""A champion on a phone books a family without an account into a full session's waiting list,
a place frees up, and the family's promotion text reaches GOV.UK Notify (the local stand-in).
axe-core checks every new page, errors included."""

import pytest
from playwright.sync_api import expect

from bookings.models import Booking, FamilyContact
from tests.factories import (
    ActivityPageFactory,
    BookingFactory,
    ChampionFactory,
    ChildFactory,
    HostingFactory,
    SessionFactory,
    UserFactory,
)
from tests.support.accessibility import assert_accessible


@pytest.fixture
def full_session(centre):
    activity = ActivityPageFactory(parent=centre, title="Stay and play", delivered_by="champions")
    session = SessionFactory(activity=activity, capacity=1)
    parent = UserFactory(first_name="Ben", last_name="Okafor")
    booking = BookingFactory(session=session, parent=parent, places=1)
    booking.children.set([ChildFactory(parent=parent, first_name="Tayo")])
    return session


@pytest.fixture
def champion(centre, full_session):
    champion = ChampionFactory(centre=centre, user=UserFactory(first_name="Chris"))
    HostingFactory(champion=champion, activity=full_session.activity)
    return champion


def test_a_champion_wait_lists_a_family_contact_who_is_texted_when_a_place_frees_up(
    live_server, page, sign_in, champion, full_session, notify_server
):
    sign_in(page, champion.user)
    page.goto(f"{live_server.url}/champions/sessions/{full_session.pk}/")
    page.get_by_role("link", name="Book for a family").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Book for a family")
    page.get_by_label("Mobile number or e-mail address").fill("07911")
    page.get_by_role("button", name="Find the family").click()
    expect(page.get_by_text("Enter the whole mobile number").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="add the family").first.click()
    page.locator("#id_first_name").fill("Amira")
    page.locator("#id_last_name").fill("Begum")
    page.locator("#id_consent").fill("agreed by phone on 3 March")
    page.get_by_role("button", name="Add the family").click()
    expect(page.get_by_text("we need a way to reach the family").first).to_be_visible()
    assert_accessible(page)
    page.locator("#id_mobile").fill("07911 123456")
    page.locator("#id_child_1_name").fill("Zara")
    page.locator("#id_child_1_month").select_option(label="March")
    page.locator("#id_child_1_year").select_option("2024")
    page.get_by_role("button", name="Add the family").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Book for Amira B.")
    expect(page.get_by_text("This session is full.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Zara").check()
    page.get_by_role("button", name="Add to the waiting list").click()
    expect(page.get_by_text("Amira B. is on the waiting list")).to_be_visible()
    waiting = page.locator("#waiting-heading + ol")
    expect(waiting).to_contain_text("Amira B.")
    expect(waiting).to_contain_text("Zara")
    assert "Begum" not in page.content()
    assert_accessible(page)

    # A place frees up: the booked family's booking is cancelled from the register.
    page.get_by_text("Cancel for the family").click()
    page.get_by_role("button", name="Cancel booking for Ben O.").click()
    expect(page.get_by_text("Ben O.'s booking is cancelled")).to_be_visible()

    contact = FamilyContact.objects.get()
    booking = Booking.objects.get(family_contact=contact)
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.booked_by == champion.user
    texts = [t for t in notify_server.texts if t["phone_number"] == "+447911123456"]
    assert len(texts) == 2
    assert "a place came up and it's yours" in texts[-1]["personalisation"]["body"]
    assert booking.reference in texts[-1]["personalisation"]["body"]
