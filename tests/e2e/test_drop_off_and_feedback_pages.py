"""A parent books a holiday club where children are left with the centre: the form asks for
each child's emergency contact, notes and photo consent with the reason for each, refuses
without an emergency contact, then books. A manager reads families' feedback and shares a
comment; the host reads it. axe-core checks each page."""

import datetime
import re

from playwright.sync_api import expect

from bookings.models import Attendance, DropOffDetails
from feedback.models import Feedback
from tests.accounts import activate_totp
from tests.factories import (
    ActivityPageFactory,
    BookingFactory,
    ChampionFactory,
    ChildFactory,
    HostingFactory,
    SessionFactory,
    UserFactory,
)
from tests.support.accessibility import assert_accessible


def test_a_parent_books_a_drop_off_session_giving_what_it_needs(live_server, page, sign_in, centre):
    club = ActivityPageFactory(
        parent=centre, title="Holiday club", drop_off=True, min_age_months=None
    )
    session = SessionFactory(activity=club)
    parent = UserFactory(first_name="Amira")
    ChildFactory(parent=parent, first_name="Mia")
    sign_in(page, parent)

    page.goto(f"{live_server.url}/sessions/{session.pk}/book/")
    expect(page.get_by_text("Children are left with us at this session")).to_be_visible()
    assert_accessible(page)

    page.get_by_label(re.compile(r"^Mia \(")).check()
    page.get_by_role("button", name="Book", exact=True).click()
    expect(
        page.get_by_text("Give the name of someone we can call in an emergency for Mia.").first
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Emergency contact for Mia: their name").fill("Sam Jones")
    page.get_by_label("Who they are to Mia").fill("Grandma")
    page.get_by_label("Their phone number").fill("07911 123456")
    page.get_by_label(re.compile("^Allergies and medical notes for Mia")).fill("Peanuts")
    page.get_by_role("group", name="May we take photos of Mia?").get_by_label("No").check()
    page.get_by_role("button", name="Book", exact=True).click()

    expect(page.get_by_text(re.compile("You're booked"))).to_be_visible()
    details = DropOffDetails.objects.get()
    assert (details.emergency_name, details.photo_consent) == ("Sam Jones", False)


def test_a_manager_reads_and_shares_feedback_and_the_host_reads_it(
    live_server, page, sign_in, centre
):
    activity = ActivityPageFactory(parent=centre, title="Stay and play")
    start = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)
    session = SessionFactory(
        activity=activity, start=start, end=start + datetime.timedelta(hours=1)
    )
    booking = BookingFactory(session=session, attendance=Attendance.ATTENDED)
    Feedback.objects.create(
        booking=booking,
        session=session,
        asked_at=start,
        answered_at=start + datetime.timedelta(hours=20),
        rating="good",
        come_again="yes",
        comment="More songs please",
        comment_status="waiting",
    )
    manager = UserFactory(first_name="Morgan")
    manager.groups.add(centre.manager_group)
    activate_totp(manager)
    sign_in(page, manager)

    page.goto(live_server.url + "/feedback/manage/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Feedback from families")
    assert_accessible(page)
    page.get_by_role("button", name="Share with the hosts").click()
    expect(page.get_by_text("Shared with the team")).to_be_visible()

    champion = ChampionFactory(centre=centre)
    HostingFactory(champion=champion, activity=activity)
    sign_in(page, champion.user)
    page.goto(live_server.url + "/feedback/")
    expect(page.get_by_text("More songs please")).to_be_visible()
    assert_accessible(page)
