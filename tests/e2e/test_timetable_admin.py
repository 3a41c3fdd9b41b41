"""A centre manager in the admin: on a phone, reads a session's register, previews a series and
cancels a session; on a desktop, finds the ideas, champions and reports from the admin home.
axe-core checks each page, allowing only Wagtail's own known problems on the pages Wagtail draws
(docs/admin-accessibility.md); no page logs an error in the browser's console (conftest.py)."""

import re

import pytest
from playwright.sync_api import expect

from bookings.models import Session
from tests.accounts import activate_totp
from tests.factories import (
    ActivityPageFactory,
    BookingFactory,
    ChildFactory,
    SessionFactory,
    UserFactory,
    VenueFactory,
)
from tests.support.accessibility import WAGTAIL_ADMIN_KNOWN, assert_accessible


@pytest.fixture
def manager_page(page, sign_in, centre):
    manager = UserFactory()
    activate_totp(manager)
    manager.groups.add(centre.manager_group)
    sign_in(page, manager)
    return page


def test_manager_reads_the_register_previews_a_series_and_cancels(
    live_server, manager_page, centre
):
    page = manager_page
    activity = ActivityPageFactory(parent=centre, title="Stay and play")
    VenueFactory(centre=centre, name="School hall")
    session = SessionFactory(activity=activity, capacity=4)
    parent = UserFactory(first_name="Ada", last_name="Lovelace")
    booking = BookingFactory(session=session, parent=parent, places=1)
    booking.children.set([ChildFactory(parent=parent, first_name="Mo")])

    page.goto(f"{live_server.url}/admin/timetable/sessions/inspect/{session.pk}/")
    expect(page.get_by_role("cell", name="Ada Lovelace", exact=True)).to_be_visible()
    expect(page.get_by_text("3 left")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/admin/timetable/sessions/series/")
    # Wagtail's date picker opens on the date field.
    page.get_by_label("Last date").click()
    expect(page.locator(".xdsoft_datetimepicker:visible")).to_have_count(1)
    page.get_by_label("Activity").select_option(label="Stay and play (Northfield Centre)")
    page.get_by_label("Tuesday").check()
    page.get_by_label("Starts at").fill("10:00")
    page.get_by_label("Ends at").fill("11:30")
    page.get_by_label("First date").fill("2027-05-25")
    page.get_by_label("Last date").fill("2027-06-08")
    # Wagtail's date picker stays open over the form until one taps elsewhere.
    page.get_by_text("Sessions are created on every chosen day").click()
    page.get_by_label("Capacity").fill("10")
    page.get_by_text("Sessions are created on every chosen day").click()  # closes the pickers
    page.get_by_role("button", name="Preview the dates").click()
    expect(page.get_by_role("heading", name="3 sessions to create")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/admin/timetable/sessions/cancel/{session.pk}/")
    page.get_by_role("button", name="Cancel the session and tell families").click()
    expect(page.get_by_text("Say why the session is cancelled")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Why is the session cancelled?").fill("The hall is flooded.")
    page.get_by_role("button", name="Cancel the session and tell families").click()
    expect(page.get_by_text("Cancelled by the centre: The hall is flooded.")).to_be_visible()
    expect(page.get_by_text("is cancelled. Every booked family is being told.")).to_be_visible()
    assert_accessible(page)  # the success banner too
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED


def test_manager_finds_ideas_champions_and_reports_from_the_admin(
    live_server, manager_page, centre
):
    page = manager_page
    page.set_viewport_size({"width": 1280, "height": 900})
    activity = ActivityPageFactory(parent=centre, title="Stay and play")
    SessionFactory(activity=activity)

    page.goto(f"{live_server.url}/admin/")
    menu = page.get_by_role("navigation", name="Main menu")
    for item in ["Ideas to look at", "Parent champions", "Centre reports", "Site reports"]:
        named = menu.get_by_role("link", name=item).or_(menu.get_by_role("button", name=item))
        expect(named).to_be_visible()
    assert_accessible(page, known=WAGTAIL_ADMIN_KNOWN)

    menu.get_by_role("button", name="Timetable").click()
    menu.get_by_role("link", name="Sessions").click()
    expect(page.get_by_role("link", name=re.compile("Stay and play"))).to_be_visible()
    assert_accessible(page, known=WAGTAIL_ADMIN_KNOWN)

    page.goto(f"{live_server.url}/admin/pages/{centre.pk}/")
    expect(page.get_by_role("link", name="Stay and play")).to_be_visible()
    assert_accessible(page, known=WAGTAIL_ADMIN_KNOWN)
    page.goto(f"{live_server.url}/admin/pages/search/?q=stay")
    expect(page.get_by_text("There is one matching page")).to_be_visible()
    assert_accessible(page, known=WAGTAIL_ADMIN_KNOWN)

    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="Ideas waiting for a decision").click()
    expect(page.get_by_role("heading", name="Ideas to look at")).to_be_visible()
