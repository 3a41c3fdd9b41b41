"""Co-design on a phone: a parent proposes an idea, the centre's team publishes it, another parent
supports it and comments, the manager schedules it onto an activity, and "You said, we did"
shows it with its sessions. axe-core checks each page on the way."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from tests.accounts import SignedInClient, activate_totp
from tests.e2e.accessibility import assert_accessible
from tests.factories import ActivityPageFactory, SessionFactory, UserFactory


def sign_in(page, live_server, user):
    """Signs `user` in for this browser (the sign-in form itself is allauth's, tested there)."""
    client = SignedInClient()  # force_login stands for a full sign-in, second factor too
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.fixture
def people(centre):
    manager = UserFactory(email="manager@example.org", first_name="Morgan")
    manager.groups.add(centre.manager_group)
    activate_totp(manager)
    return {
        "asha": UserFactory(email="asha@example.org", first_name="Asha"),
        "ben": UserFactory(email="ben@example.org", first_name="Ben"),
        "manager": manager,
    }


@pytest.fixture
def breakfast_club(centre):
    activity = ActivityPageFactory(parent=centre, title="Saturday breakfast club")
    start = (timezone.localtime() + timedelta(days=10)).replace(
        hour=9, minute=30, second=0, microsecond=0
    )
    SessionFactory(activity=activity, start=start, end=start + timedelta(hours=1))
    return activity, start


def test_an_idea_goes_from_proposal_to_you_said_we_did(
    live_server, page, centre, people, breakfast_club
):
    activity, session_start = breakfast_club
    ideas_url = live_server.url + "/ideas/"

    # Asha proposes an idea.
    sign_in(page, live_server, people["asha"])
    page.goto(ideas_url)
    page.get_by_role("link", name="Propose an idea").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Propose an idea")
    assert_accessible(page)
    page.get_by_role("button", name="Send my idea").click()
    expect(page.get_by_text("Give your idea a short title.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Centre").select_option(label="Northfield Centre")
    page.get_by_label("Title").fill("Dads' breakfast club")
    page.get_by_label("Description").fill("A Saturday breakfast for dads and little ones.")
    page.get_by_label("Who is it for?").select_option(label="The whole family")
    page.get_by_label("I could help run this").check()
    page.get_by_role("button", name="Send my idea").click()
    expect(page.get_by_text("The centre's team will check your idea")).to_be_visible()
    assert_accessible(page)

    # The centre's team publishes it.
    sign_in(page, live_server, people["manager"])
    page.goto(ideas_url + "manage/")
    assert_accessible(page)
    page.get_by_role("link", name="Dads' breakfast club").click()
    page.get_by_label("Publish it so parents can support it").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("The idea is published.")).to_be_visible()

    # Ben finds it, supports it and comments.
    sign_in(page, live_server, people["ben"])
    page.goto(ideas_url)
    assert_accessible(page)
    page.get_by_role("link", name="Dads' breakfast club").click()
    page.get_by_role("button", name="Support this idea").click()
    expect(page.get_by_text("Thank you for your support.")).to_be_visible()
    expect(page.get_by_text("1 supporter", exact=True)).to_be_visible()
    page.get_by_label("Add a comment").fill("My two would love this!")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("My two would love this!")).to_be_visible()
    assert_accessible(page)

    # The manager takes it into review and schedules it onto the activity.
    sign_in(page, live_server, people["manager"])
    page.goto(page.url)
    page.get_by_role("button", name="Take into review now").click()
    page.get_by_role("link", name="Decide on this idea").click()
    page.get_by_label("Schedule it: link the activity that came from it").check()
    page.get_by_label("Activity (when scheduling)").select_option(label=activity.title)
    page.get_by_label("What will happen, or why not").fill("Every first Saturday from next month.")
    assert_accessible(page)
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Happening", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="What came of it")).to_be_visible()
    assert_accessible(page)

    # Everyone sees the outcome and its sessions.
    page.context.clear_cookies()
    page.goto(ideas_url)
    page.get_by_role("link", name="You said, we did").click()
    expect(page).to_have_url(re.compile(r"/ideas/you-said-we-did/$"))
    outcome = page.get_by_role("article").filter(has_text="Dads' breakfast club")
    expect(outcome).to_contain_text("Every first Saturday from next month.")
    expect(outcome).to_contain_text(activity.title)
    expect(outcome).to_contain_text(timezone.localtime(session_start).strftime("%A %-d %B, 09:30"))
    assert_accessible(page)

    # And on the centre's own page.
    page.goto(live_server.url + centre.url)
    section = page.get_by_role("region", name="You said, we did")
    expect(section).to_contain_text("Dads' breakfast club")
    assert_accessible(page)
