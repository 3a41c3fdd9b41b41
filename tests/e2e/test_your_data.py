"""A parent on a phone finds "Your data" from their account, downloads everything held about
them, then deletes the account after confirming their password; every page passes axe-core."""

import datetime
import io
import json
import re
import zipfile

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bookings.models import Booking
from cms.models import PrivacyNoticePage
from startwell.models import User
from startwell.sessions import SessionStore
from tests.factories import BookingFactory, ChildFactory, SessionFactory, UserFactory
from tests.factories.accounts import PASSWORD
from tests.support.accessibility import assert_accessible

pytestmark = pytest.mark.e2e


@pytest.fixture
def parent_with_booking(centre):
    parent = UserFactory(email="rowan.e2e@example.org", first_name="Rowan", last_name="Tillery")
    child = ChildFactory(parent=parent, first_name="Perpetua")
    booking = BookingFactory(parent=parent, session=SessionFactory(activity__parent=centre))
    booking.children.set([child])
    return parent, booking


def age_the_sign_in(page):
    """As if the parent signed in an hour ago: sensitive changes then ask for the password."""
    [cookie] = [c for c in page.context.cookies() if c["name"] == "sessionid"]
    stored = SessionStore(session_key=cookie["value"])
    an_hour_ago = (timezone.now() - datetime.timedelta(hours=1)).timestamp()
    stored["account_authentication_methods"] = [
        {**record, "at": an_hour_ago} for record in stored["account_authentication_methods"]
    ]
    stored.save()


def test_parent_reads_the_privacy_notice_and_downloads_their_data(
    live_server, page, sign_in, home, parent_with_booking
):
    notice = home.add_child(
        instance=PrivacyNoticePage(title="Privacy notice", slug="privacy-notice", intro="Hello.")
    )
    notice.save_revision().publish()
    parent, booking = parent_with_booking
    page.goto(live_server.url + "/")
    page.get_by_role("contentinfo").get_by_role("link", name="Privacy notice").click()
    expect(page.get_by_role("heading", name="How long we keep your information")).to_be_visible()
    assert_accessible(page)

    sign_in(page, parent)
    page.goto(live_server.url + "/")

    page.get_by_role("link", name="My account").click()
    page.get_by_role("navigation", name="Your account").get_by_role(
        "link", name="Your data"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download my data").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(open(download.path(), "rb").read())) as archive:
        data = json.loads(archive.read("data.json"))
        summary = archive.read("summary.html").decode()
    assert data["account"]["email"] == parent.email
    assert [b["reference"] for b in data["bookings"]] == [booking.reference]
    assert "Perpetua" in summary

    # The summary is a page a person can read: it passes axe-core too.
    # Opened from disk it is under no site's policy: a blank page, not the portal's, holds it.
    page.goto("about:blank")
    page.set_content(summary)
    assert_accessible(page)


def test_parent_deletes_their_account(live_server, page, sign_in, parent_with_booking):
    parent, booking = parent_with_booking
    sign_in(page, parent)
    age_the_sign_in(page)

    page.goto(live_server.url + "/accounts/data/")
    page.get_by_role("link", name="Delete my account").click()
    # Asked for the password again first.
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    assert_accessible(page)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Delete your account")
    expect(page.get_by_text("Your 1 upcoming booking will be cancelled")).to_be_visible()
    assert_accessible(page)
    page.locator("main form").get_by_role("button", name="Delete my account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your account is deleted")
    assert_accessible(page)
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    assert not User.objects.filter(email=parent.email).exists()
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CANCELLED
