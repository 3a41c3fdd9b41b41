"""A champion on a phone runs today's register: opens it from their dashboard, checks two
families in, adds a walk-in and marks a family who did not come. A parent applies; a manager
approves and records the checks. axe-core checks each page."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from bookings.models import Attendance, Booking, WalkIn
from cms.services import ensure_centre_manager_group
from parent_champions.models import Champion
from tests.accounts import activate_totp
from tests.factories import (
    ActivityPageFactory,
    BookingFactory,
    ChampionApplicationFactory,
    ChampionFactory,
    ChildFactory,
    HostingFactory,
    SessionFactory,
    UserFactory,
)
from tests.support.accessibility import assert_accessible
from tests.support.times import started_earlier_today


@pytest.fixture
def todays_session(centre):
    activity = ActivityPageFactory(parent=centre, title="Stay and play", delivered_by="champions")
    start = started_earlier_today()
    session = SessionFactory(
        activity=activity, start=start, end=start + datetime.timedelta(hours=3), capacity=6
    )
    for first, last, child in [
        ("Ana", "Lopez", "Mia"),
        ("Ben", "Okafor", "Tayo"),
        ("Cat", "Ng", "Lu"),
    ]:
        parent = UserFactory(first_name=first, last_name=last)
        booking = BookingFactory(session=session, parent=parent, places=1)
        booking.children.set([ChildFactory(parent=parent, first_name=child)])
    return session


@pytest.fixture
def champion(centre, todays_session):
    champion = ChampionFactory(centre=centre, user=UserFactory(first_name="Chris"))
    HostingFactory(champion=champion, activity=todays_session.activity)
    return champion


def test_champion_runs_todays_register_on_a_phone(
    live_server, page, sign_in, champion, todays_session
):
    sign_in(page, champion.user)
    page.goto(live_server.url + "/champions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Champions")
    assert_accessible(page)

    page.get_by_role("link", name=re.compile(r"^Stay and play, today at \d\d:\d\d$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Register: Stay and play")
    expect(page.get_by_text("Mia (2 years)")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Check in Ana L.").click()
    expect(page.get_by_text("Ana L. is checked in.")).to_be_visible()
    # The keyboard and the screen reader carry on from Ana's row, not the top of the page.
    ana = Booking.objects.get(session=todays_session, parent__first_name="Ana")
    expect(page.locator(f"#booking-{ana.pk}")).to_be_focused()
    page.get_by_role("button", name="Check in Ben O.").click()
    expect(page.get_by_text("Ben O. is checked in.")).to_be_visible()

    page.get_by_label("First name or label").fill("Amira")
    page.get_by_label("Children").fill("2")
    page.get_by_role("button", name="Add walk-in").click()
    expect(page.get_by_text("Walk-in added: Amira.")).to_be_visible()
    expect(page.locator("#places-left")).to_have_text("1")

    page.get_by_role("button", name="Did not come: Cat N.", exact=True).click()
    expect(page.get_by_text("Cat N. is marked as not coming.")).to_be_visible()
    assert_accessible(page)

    attendance = dict(
        Booking.objects.filter(session=todays_session).values_list(
            "parent__last_name", "attendance"
        )
    )
    assert attendance == {
        "Lopez": Attendance.ATTENDED,
        "Okafor": Attendance.ATTENDED,
        "Ng": Attendance.NO_SHOW,
    }
    assert list(WalkIn.objects.values_list("label", "places")) == [("Amira", 2)]

    page.get_by_role("link", name="Message everyone booked").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Message everyone booked")
    assert_accessible(page)
    page.go_back()
    page.get_by_role("link", name="Change session details").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Change session")
    assert_accessible(page)


def test_application_page_is_accessible_and_works_without_errors(
    live_server, page, sign_in, centre
):
    parent = UserFactory(first_name="Pat")
    sign_in(page, parent)
    page.goto(live_server.url + "/champions/apply/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Apply to be a parent champion")
    assert_accessible(page)
    page.get_by_role("button", name="Send my application").click()
    expect(page.get_by_role("alert")).to_contain_text("We could not send your application")
    assert_accessible(page)
    page.get_by_label("Which centre?").select_option(label=centre.title)
    page.get_by_label("Why you would like to be a champion").fill("To help.")
    page.get_by_label("What you are good at").fill("Songs.")
    page.get_by_label("When you are free").fill("Mondays.")
    page.get_by_role("button", name="Send my application").click()
    expect(page.get_by_text("Waiting for a decision")).to_be_visible()
    assert_accessible(page)


def test_manager_approves_an_application_and_records_checks(live_server, page, sign_in, centre):
    manager = UserFactory(first_name="Morgan")
    manager.groups.add(ensure_centre_manager_group(centre=centre))
    activate_totp(manager)
    ChampionApplicationFactory(centre=centre, parent=UserFactory(first_name="Pat", last_name="Lee"))
    sign_in(page, manager)
    page.goto(live_server.url + "/champions/manage/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Champions at {centre.title}")
    assert_accessible(page)
    page.get_by_role("link", name="Pat Lee").click()
    assert_accessible(page)
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Approved. Record their checks before they host.")).to_be_visible()
    page.get_by_role("link", name="Pat Lee").click()
    expect(page.get_by_text("DBS check: not recorded.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("DBS check date").fill("2026-01-05")
    page.get_by_label("Safeguarding training date").fill("2026-02-01")
    page.get_by_role("button", name="Save dates").click()
    expect(page.get_by_text("Checks recorded.")).to_be_visible()
    champion = Champion.objects.get(user__last_name="Lee")
    assert str(champion.dbs_checked_on) == "2026-01-05"
