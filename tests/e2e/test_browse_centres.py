"""A visitor on a phone finds their centre: home → our centres → a centre page; and finds an
activity by searching for the partner that runs it."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import (
    ActivityPageFactory,
    CentrePartnerFactory,
    PartnerOrganisationFactory,
    SessionFactory,
    VenueFactory,
)
from tests.support.accessibility import assert_accessible
from tests.support.times import in_days


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


def test_visitor_searches_a_partner_and_opens_its_activity(live_server, page, centre):
    """Search by a partner's name; the result names the centre and the next session; the
    activity page carries its events' JSON-LD under the Content-Security-Policy."""
    team = PartnerOrganisationFactory(name="Brightwater Health Visiting")
    CentrePartnerFactory(centre=centre, partner=team, when="Tuesdays")
    centre.save_revision().publish()
    activity = ActivityPageFactory(
        parent=centre, title="Baby clinic", delivered_by="partner", partner=team
    )
    SessionFactory(activity=activity, start=in_days(2))

    page.goto(live_server.url + "/search/?q=Brightwater")
    expect(page.get_by_text("At Northfield Centre")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Next session:"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^Baby clinic\W+Northfield Centre$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Baby clinic")
    events = page.locator('script[type="application/ld+json"]').text_content()
    assert '"@type": "Event"' in events
    assert_accessible(page)
