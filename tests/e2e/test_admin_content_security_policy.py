"""The Wagtail admin runs under a strict Content-Security-Policy (no 'unsafe-inline': Wagtail's
own initialiser scripts carry the response's nonce): a centre manager goes through the admin
pages they use, opens the widgets those scripts start, and the browser refuses nothing and
reports no error."""

import pytest
from playwright.sync_api import expect

from reports.registry import REPORTS
from tests.accounts import activate_totp
from tests.factories import (
    ActivityPageFactory,
    BookingFactory,
    ChildFactory,
    FootprintFactory,
    HolidayPeriodFactory,
    SessionFactory,
    StandardPageFactory,
    UserFactory,
    VenueFactory,
)
from tests.support.content_security import COLLECT_VIOLATIONS, refused


@pytest.fixture
def watched_page(page):
    """The browser page, with every policy refusal, console error and uncaught exception kept."""
    page.add_init_script(COLLECT_VIOLATIONS)
    problems = []
    page.on(
        "console",
        lambda message: (
            problems.append(f"{page.url}: console {message.type}: {message.text}")
            if message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"{page.url}: uncaught {error}"))
    return page, problems


def test_a_manager_goes_through_the_admin_with_nothing_refused(
    live_server, sign_in, watched_page, centre
):
    page, problems = watched_page
    manager = UserFactory()
    activate_totp(manager)
    manager.groups.add(centre.manager_group)
    centre.footprint = FootprintFactory(name="Northfield")
    centre.save_revision().publish()
    activity = ActivityPageFactory(parent=centre, title="Stay and play")
    about = StandardPageFactory(parent=centre, title="About the centre")
    VenueFactory(centre=centre, name="School hall")
    session = SessionFactory(activity=activity, capacity=4)
    family = UserFactory(first_name="Ada", last_name="Lovelace")
    booking = BookingFactory(session=session, parent=family, places=1)
    booking.children.set([ChildFactory(parent=family, first_name="Mo")])
    holidays = HolidayPeriodFactory()
    sign_in(page, manager)
    page.set_default_timeout(10_000)
    seen = []

    def visit(path, heading=None):
        page.goto(live_server.url + path)
        if heading:
            expect(page.get_by_role("heading", name=heading).first).to_be_visible()
        seen.extend(refused(page))

    # The centre's page: the footprint chooser, the venues' inline panel (adding one starts the
    # new form's widgets) and the publishing schedule's date pickers.
    visit(f"/admin/pages/{centre.pk}/edit/")
    page.get_by_role("button", name="Add Venue").click()
    expect(page.locator("#id_venues-1-name")).to_be_attached()
    page.locator("#id_footprint-chooser").get_by_role("button", name="Actions").click()
    page.get_by_role("button", name="Choose another footprint").click()
    expect(page.get_by_role("dialog").get_by_role("link", name="Northfield")).to_be_visible()
    page.keyboard.press("Escape")
    # jQuery ran the dialog's scripts with their nonce: each started its date picker.
    expect(page.locator("#schedule-publishing-dialog .xdsoft_datetimepicker")).to_have_count(2)
    seen.extend(refused(page))

    for path in [
        "/admin/",
        f"/admin/pages/{centre.pk}/",
        f"/admin/pages/{activity.pk}/edit/",
        f"/admin/pages/{about.pk}/edit/",
        f"/admin/pages/add/cms/activitypage/{centre.pk}/",
        f"/admin/pages/add/cms/standardpage/{centre.pk}/",
        f"/admin/pages/{activity.pk}/history/",
        f"/admin/pages/{activity.pk}/move/",
        "/admin/snippets/cms/footprint/",
        "/admin/snippets/cms/partnerorganisation/",
        "/admin/snippets/cms/partnerorganisation/add/",
        "/admin/timetable/sessions/?when=upcoming",
        f"/admin/timetable/sessions/edit/{session.pk}/",
        f"/admin/timetable/sessions/inspect/{session.pk}/",
        f"/admin/timetable/sessions/history/{session.pk}/",
        f"/admin/timetable/sessions/cancel/{session.pk}/",
        "/admin/timetable/school-holidays/",
        f"/admin/timetable/school-holidays/inspect/{holidays.pk}/",
        "/admin/reports/",
        *[f"/admin/reports/{slug}/" for slug in REPORTS],
        "/admin/account/",
    ]:
        visit(path)

    # The series form: its date and time pickers are Wagtail's inline-started widgets.
    visit("/admin/timetable/sessions/series/", heading="Add a series of sessions")
    page.get_by_label("First date").click()
    expect(page.locator(".xdsoft_datetimepicker:visible")).to_have_count(1)

    # The second factor's pages (the account's policy, not the admin's).
    visit("/accounts/2fa/")
    seen.extend(refused(page))

    assert seen == []
    assert problems == []
