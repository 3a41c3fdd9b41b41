"""A parent on a phone adds two children, books a session for both, finds it under My bookings,
downloads the calendar entry and cancels; the household waiting for a place is booked in, and
the e-mail telling them links to the site where it runs (the test server's own port)."""

import re
from pathlib import Path

import pytest
from django.core import mail
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
        parent=centre,
        title="Stay and play",
        slug="stay-and-play",
        max_age_months=60,
        access_notes="Buggy park by the side door.",
    )
    return SessionFactory(activity=activity, venue=venue, capacity=2, max_places_per_booking=2)


def add_child(page, name, month, year):
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a child")
    page.get_by_label("First name").fill(name)
    page.get_by_label("Month of birth").select_option(label=month)
    page.get_by_label("Year of birth").fill(str(year))
    page.get_by_role("button", name="Add child").click()


def test_parent_books_for_two_children_then_cancels_and_the_waiting_family_gets_in(
    live_server, page, browser, session, sign_in
):
    base = live_server.url
    amira = UserFactory(email="amira@example.org", first_name="Amira")
    waiting_parent = UserFactory(email="ben@example.org", first_name="Ben")
    ChildFactory(parent=waiting_parent, first_name="Cleo")

    # Amira finds the session on the timetable.
    sign_in(page, amira)
    page.goto(base + "/")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.get_by_role("link", name="Sessions", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sessions")
    expect(page.get_by_text("2 places left")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Stay and play", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stay and play")
    expect(page.get_by_text("Buggy park by the side door.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=re.compile(r"^Book for Stay and play")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book: Stay and play")

    # She adds her two children from the booking form and comes back to it.
    page.get_by_role("link", name="Add a child", exact=True).click()
    assert_accessible(page)
    add_child(page, "Ada", "March", 2024)
    expect(page.get_by_role("heading", level=1)).to_have_text("Book: Stay and play")
    page.get_by_role("link", name="Add another child").click()
    add_child(page, "Bo", "June", 2025)
    expect(page.get_by_role("heading", level=1)).to_have_text("Book: Stay and play")
    assert_accessible(page)

    # Pressing Book with nobody ticked explains what to do, next to the question.
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.locator("#children-error")).to_have_text("Choose at least one child to book for.")
    expect(page.locator("#error-summary")).to_be_focused()
    assert_accessible(page)

    page.get_by_label(re.compile(r"^Ada \(")).check()
    page.get_by_label(re.compile(r"^Bo \(")).check()
    page.get_by_role("button", name="Book", exact=True).click()

    booking = Booking.objects.get(parent__email="amira@example.org")
    expect(
        page.get_by_text(f"You're booked. Your reference is {booking.reference}.")
    ).to_be_visible()
    assert booking.places == 2

    # It is under My bookings.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My bookings").click()
    upcoming = page.get_by_role("region", name="Coming up")
    expect(upcoming.get_by_text(booking.reference)).to_be_visible()
    expect(upcoming.get_by_text("2 places: Ada, Bo")).to_be_visible()
    assert_accessible(page)

    # The calendar entry downloads.
    upcoming.get_by_role("link", name=re.compile(r"^Stay and play")).click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to my calendar (.ics)").click()
    download = download_info.value
    assert download.suggested_filename == f"start-well-{booking.reference}.ics"
    calendar = Path(download.path()).read_text()
    assert "BEGIN:VEVENT" in calendar
    assert f"Stay and play (booking {booking.reference})" in calendar

    # The session is now full: Ben joins the waiting list in his own browser.
    other = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    ben = other.new_page()
    sign_in(ben, waiting_parent)
    ben.goto(f"{base}/sessions/{session.pk}/book/")
    expect(ben.get_by_text("Full – join the waiting list")).to_be_visible()
    ben.get_by_label(re.compile(r"^Cleo \(")).check()
    ben.get_by_role("button", name="Join the waiting list").click()
    expect(ben.get_by_text("You're on the waiting list")).to_be_visible()

    # Amira cancels, after confirming.
    mail.outbox.clear()
    page.get_by_role("link", name="Cancel this booking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel this booking?")
    page.get_by_role("button", name="Yes, cancel my booking").click()
    expect(page.get_by_text("Your booking is cancelled.")).to_be_visible()
    cancelled = page.get_by_role("region", name="Cancelled")
    expect(cancelled.get_by_text(booking.reference)).to_be_visible()
    coming_up = page.get_by_role("region", name="Coming up")
    expect(coming_up.get_by_text(booking.reference)).to_have_count(0)

    # Ben's place is confirmed: he is told by e-mail and sees it under My bookings.
    promoted = [m for m in mail.outbox if m.to == ["ben@example.org"]]
    assert [m.subject for m in promoted] == ["A place has come up and it's yours: Stay and play"]
    assert f"so the next family can have it:\n{base}/bookings/\n" in promoted[0].body
    assert "127.0.0.1:8000" not in promoted[0].body
    ben.goto(base + "/bookings/")
    expect(
        ben.get_by_role("region", name="Coming up").get_by_text("Booked", exact=True)
    ).to_be_visible()
    other.close()
