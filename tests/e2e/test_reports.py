"""A centre manager, signed in with their authenticator app, opens the reach report and
downloads it as CSV; every report page passes axe-core."""

import csv
import datetime
import io

import pytest
from playwright.sync_api import expect

from bookings.models import Attendance
from tests.accounts import activate_totp
from tests.factories import ActivityPageFactory, BookingFactory, SessionFactory, UserFactory
from tests.support.accessibility import WAGTAIL_ADMIN_KNOWN, axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def report_violations(page) -> list[str]:
    """axe-core on the whole report page, allowing only Wagtail's own known problems in its
    admin furniture (docs/admin-accessibility.md)."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in axe_violations(page, known=WAGTAIL_ADMIN_KNOWN)
    ]


@pytest.fixture
def signed_in_manager(page, sign_in, centre):
    manager = UserFactory(email="head@example.org")
    manager.groups.add(centre.manager_group)
    activate_totp(manager)
    activity = ActivityPageFactory(parent=centre, title="Stay and play")
    session = SessionFactory(
        activity=activity,
        start=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1),
    )
    BookingFactory(session=session, attendance=Attendance.ATTENDED)
    sign_in(page, manager)
    return manager


def test_manager_opens_reach_report_and_downloads_csv(live_server, page, signed_in_manager):
    # On a phone the admin menu is folded away; the reports index is one address.
    page.goto(live_server.url + "/admin/reports/")
    page.locator("#report-content").get_by_role("link", name="Reach").click()
    page.get_by_label("Period").select_option("this_year")
    page.get_by_role("button", name="Show the figures").click()

    table = page.locator("#report-content table").first
    expect(table.get_by_role("row", name="Families reached 1")).to_be_visible()
    assert report_violations(page) == []

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download all figures as CSV").click()
    rows = list(csv.reader(io.StringIO(download_info.value.path().read_text())))
    assert ["Families reached", "1"] in rows
    assert ["Children reached", "0"] in rows


@pytest.mark.parametrize("slug", ["", "take-up/", "unmet-demand/", "co-design/", "champions/"])
def test_report_pages_are_accessible(live_server, page, signed_in_manager, slug):
    page.goto(f"{live_server.url}/admin/reports/{slug}")
    assert report_violations(page) == []


def test_form_errors_are_accessible(live_server, page, signed_in_manager):
    page.goto(
        f"{live_server.url}/admin/reports/reach/?period=custom&start=2025-03-01&end=2025-01-01"
    )
    expect(page.locator("#report-content")).to_contain_text(
        "The last day must be on or after the first day."
    )
    assert report_violations(page) == []
