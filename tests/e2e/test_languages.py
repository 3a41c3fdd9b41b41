"""Languages in the browser, on a phone: the control works with JavaScript switched off, Urdu
mirrors the layout (the page is right to left and the navigation starts at the right edge),
and the pages the other journeys visit pass axe-core in English, Polish and Urdu."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.factories import (
    ActivityPageFactory,
    BookingFactory,
    ChildFactory,
    SessionFactory,
    UserFactory,
    VenueFactory,
)
from tests.factories.codesign import IdeaFactory
from tests.support.accessibility import assert_accessible
from tests.support.times import in_days

PHONE_WIDTH = 390


@pytest.fixture
def activity(centre):
    VenueFactory(centre=centre, name="St Mary's Church Hall")
    activity = ActivityPageFactory(parent=centre, title="Rhyme time", slug="rhyme-time")
    SessionFactory(activity=activity, start=in_days(2))
    return activity


def choose_language_by_cookie(page, live_server, language: str) -> None:
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )


def test_the_language_control_works_without_javascript(live_server, browser, centre, activity):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": PHONE_WIDTH, "height": 844}, locale="en-GB"
    )
    page = context.new_page()
    page.goto(live_server.url + "/sessions/")
    expect(page.locator("html")).to_have_attribute("lang", "en-gb")

    page.get_by_role("button", name="Polski").click()

    expect(page).to_have_url(live_server.url + "/sessions/")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect(page.get_by_role("button", name="Polski")).to_have_attribute("aria-current", "true")
    context.close()


def test_a_parent_in_urdu_sees_the_layout_mirrored(live_server, page, centre, activity):
    page.goto(live_server.url + "/sessions/")
    first_link = page.locator(".site-nav li").first
    english_box = first_link.bounding_box()
    assert english_box["x"] < PHONE_WIDTH / 2  # English: the navigation starts at the left

    page.get_by_role("button", name="اردو").click()

    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ur")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    urdu_box = first_link.bounding_box()
    # Urdu: it starts at the right edge (within the container's padding).
    assert urdu_box["x"] > PHONE_WIDTH / 2
    assert urdu_box["x"] + urdu_box["width"] > PHONE_WIDTH - 40
    # Readable on a phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    assert_accessible(page)


PUBLIC_PAGES = [
    "/",
    "/centres/",
    "/centres/northfield/",
    "/centres/northfield/rhyme-time/",
    "/sessions/",
    "/ideas/",
    "/search/?q=rhyme",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
]
SIGNED_IN_PAGES = [
    "/bookings/",
    "/children/",
    "/accounts/email/",
    "/accounts/data/",
    "/ideas/new/",
]


@pytest.mark.parametrize("language", ["en-gb", "pl", "ur"])
def test_the_pages_pass_axe_core_in_every_language(
    live_server, page, sign_in, centre, activity, language
):
    idea = IdeaFactory(centre=centre, title="Dads' breakfast club")
    parent = UserFactory(email="parent@example.org", first_name="Pat", language=language)
    child = ChildFactory(parent=parent, first_name="Kit")
    booking = BookingFactory(session=activity.sessions.first(), parent=parent)
    choose_language_by_cookie(page, live_server, language)

    for path in [*PUBLIC_PAGES, f"/ideas/{idea.pk}/"]:
        page.goto(live_server.url + path)
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert_accessible(page)

    sign_in(page, parent)
    for path in [
        *SIGNED_IN_PAGES,
        f"/bookings/{booking.reference}/",
        f"/sessions/{booking.session_id}/book/",
        f"/children/{child.pk}/edit/",
    ]:
        page.goto(live_server.url + path)
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert_accessible(page)
