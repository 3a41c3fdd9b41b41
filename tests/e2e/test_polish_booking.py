"""A parent switches the portal to Polish with the language control, books a session for her
child, and gets the confirmation, on the page and by e-mail, in Polish: Polish words, a Polish
date and a Polish plural. axe-core finds nothing to fix on the Polish pages."""

import re

import pytest
from django.core import mail
from django.utils import dateformat, timezone, translation
from playwright.sync_api import expect

from bookings.models import Booking
from tests.factories import (
    ActivityPageFactory,
    ChildFactory,
    SessionFactory,
    UserFactory,
    VenueFactory,
)
from tests.support.accessibility import assert_accessible


@pytest.fixture
def session(centre):
    venue = VenueFactory(centre=centre, name="St Mary's Church Hall")
    activity = ActivityPageFactory(
        parent=centre, title="Stay and play", slug="stay-and-play", max_age_months=60
    )
    return SessionFactory(activity=activity, venue=venue, capacity=4, max_places_per_booking=2)


def test_a_parent_books_in_polish_and_is_told_in_polish(live_server, page, session, sign_in):
    base = live_server.url
    agata = UserFactory(email="agata@example.org", first_name="Agata")
    ChildFactory(parent=agata, first_name="Zosia")

    sign_in(page, agata)
    page.goto(base + "/")
    page.get_by_role("button", name="Polski").click()
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect(page.get_by_role("button", name="Wyloguj się")).to_be_visible()

    # The timetable, in Polish: the heading, the places left (a Polish plural) and the button.
    page.get_by_role("link", name="Zajęcia", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zajęcia")
    expect(page.get_by_text("Zostały 4 miejsca")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=re.compile(r"^Zarezerwuj na Stay and play")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rezerwacja: Stay and play")
    assert_accessible(page)

    # Booking with nobody ticked is refused in Polish, next to the question.
    page.get_by_role("button", name="Zarezerwuj", exact=True).click()
    expect(page.locator("#children-error")).to_have_text(
        "Wybierz co najmniej jedno dziecko do rezerwacji."
    )
    assert_accessible(page)

    page.get_by_label(re.compile(r"^Zosia \(")).check()
    page.get_by_role("button", name="Zarezerwuj", exact=True).click()

    booking = Booking.objects.get(parent=agata)
    expect(
        page.get_by_text(f"Masz rezerwację. Twój numer rezerwacji to {booking.reference}.")
    ).to_be_visible()
    assert_accessible(page)

    # The confirmation e-mail is in Polish too: subject, plural, weekday and month.
    confirmations = [m for m in mail.outbox if m.to == ["agata@example.org"]]
    assert [m.subject for m in confirmations] == ["Masz rezerwację: Stay and play"]
    body = confirmations[0].body
    assert body.startswith("Dzień dobry, Agata,")
    assert "Masz rezerwację: 1 miejsce." in body
    with translation.override("pl"):
        day = dateformat.format(timezone.localtime(session.start), "l j E Y")
    assert day in body
    assert "You're booked" not in body
