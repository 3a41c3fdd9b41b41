"""Signed-in people get a centre's or an activity's content, and the page an address leads to,
from the page cache (`{% shared_fragment %}`, `cms.views`): as fresh as the anonymous pages (a
publish, a venue, a partner, a move or an unpublish shows on the next request), never in a
preview, and with nothing kept for an address that finds no page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from startwell import pagecache
from tests.factories import ActivityPageFactory, UserFactory, VenueFactory
from tests.factories.pages import PartnerOrganisationFactory


@pytest.fixture
def person(client, db):
    client.force_login(UserFactory())
    return client


def body(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_published_change_shows_at_once(person, centre):
    assert "Northfield Centre" in body(person, centre.url)
    centre.title = "Northfield Family Hub"
    centre.save_revision().publish()
    assert "Northfield Family Hub" in body(person, centre.url)


def test_a_new_venue_and_a_partner_renamed_show_at_once(person, centre):
    partner = PartnerOrganisationFactory(name="Health visiting team")
    centre.partners.create(partner=partner, when="Tuesdays")
    centre.save_revision().publish()
    assert "Health visiting team" in body(person, centre.url)
    VenueFactory(centre=centre, name="St Mary's Church Hall")
    partner.name = "Health visitors"
    partner.save()
    page = body(person, centre.url)
    assert "St Mary&#x27;s Church Hall" in page
    assert "Health visitors" in page and "Health visiting team" not in page


def test_an_activity_moved_or_unpublished_is_found_where_it_now_is(person, centre, other_centre):
    activity = ActivityPageFactory(parent=centre, title="Stay and play", slug="stay-and-play")
    old_url = activity.url
    assert "Stay and play" in body(person, old_url)
    activity.move(other_centre, pos="last-child")
    activity.refresh_from_db()
    # Wagtail leaves a redirect from where it was.
    assert person.get(old_url).headers["Location"] == activity.url
    assert "Stay and play" in body(person, activity.url)
    activity.unpublish()
    assert person.get(activity.url).status_code == 404


def test_a_preview_shows_the_draft_and_keeps_nothing_of_it(person, centre):
    assert "Northfield Centre" in body(person, centre.url)
    centre.title = "A title still in draft"
    preview = centre.make_preview_request().content.decode()
    assert "A title still in draft" in preview
    page = body(person, centre.url)
    assert "Northfield Centre" in page and "A title still in draft" not in page


def test_the_second_request_neither_walks_the_page_tree_nor_rebuilds_the_content(person, centre):
    VenueFactory(centre=centre, name="St Mary's Church Hall")
    body(person, centre.url)
    with CaptureQueriesContext(connection) as queries:
        page = body(person, centre.url)
    assert "St Mary&#x27;s Church Hall" in page
    asked = [query["sql"] for query in queries.captured_queries]
    assert not any("cms_venue" in sql or "cms_centrepartner" in sql for sql in asked)
    # No walk from the site's root page down, child by child.
    assert not any('"wagtailcore_page"."depth" =' in sql for sql in asked)
    assert not any("wagtailcore_site" in sql for sql in asked)


def test_an_address_that_finds_nothing_is_not_kept(person, rf):
    builds = []

    def build():
        builds.append(1)

    request = rf.get("/no-such-page/")
    assert pagecache.fragment(request, "route|active|no-such-page/", build) is None
    assert pagecache.fragment(request, "route|active|no-such-page/", build) is None
    assert len(builds) == 2
    assert person.get("/no-such-page/").status_code == 404
