"""A visitor on a phone finds their centre: home → our centres → a centre page."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import VenueFactory
from tests.support.accessibility import assert_accessible


@pytest.fixture
def centre_with_venue(centre):
    VenueFactory(centre=centre, name="St Mary's Church Hall", kind="church_hall")
    return centre


def test_visitor_browses_from_home_to_a_centre(live_server, page, centre_with_venue):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Start Well family centres")
    assert_accessible(page)

    page.get_by_role("link", name="Our centres").first.click()
    expect(page).to_have_url(re.compile(r"/centres/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Our centres")
    assert_accessible(page)

    page.get_by_role("link", name="Northfield Centre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Northfield Centre")
    expect(page.get_by_text("St Mary's Church Hall")).to_be_visible()
    expect(page.get_by_role("heading", name="Opening times")).to_be_visible()
    assert_accessible(page)
