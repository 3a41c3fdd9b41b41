"""A centre manager in the admin on a phone: reads a session's register, previews a series and
cancels a session, with axe-core checking each page the portal adds to the admin."""

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
from tests.support.accessibility import assert_accessible


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
    expect(page.get_by_role("cell", name="Ada Lovelace")).to_be_visible()
    expect(page.get_by_text("3 left")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/admin/timetable/sessions/series/")
    page.get_by_label("Activity").select_option(label="Stay and play (Northfield Centre)")
    page.get_by_label("Tuesday").check()
    page.get_by_label("Starts at").fill("10:00")
    page.get_by_label("Ends at").fill("11:30")
    page.get_by_label("First date").fill("2027-05-25")
    page.get_by_label("Last date").fill("2027-06-08")
    # Wagtail's date picker stays open over the form until one taps elsewhere.
    page.get_by_text("Sessions are created on every chosen day").click()
    page.get_by_label("Capacity").fill("10")
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
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
