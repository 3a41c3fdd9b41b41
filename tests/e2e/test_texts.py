"""A parent on a phone adds a mobile number, confirms it with the code the worker printed (no
Notify key: development) and chooses texts; axe-core checks both pages, errors included."""

import re

from playwright.sync_api import expect

from startwell.models import User
from tests.factories import UserFactory
from tests.support.accessibility import assert_accessible


def test_a_parent_adds_a_mobile_and_chooses_texts(live_server, page, sign_in, capfd, settings):
    settings.NOTIFY_API_KEY = ""
    parent = UserFactory(first_name="Ada")
    sign_in(page, parent)
    page.goto(f"{live_server.url}/bookings/")
    page.get_by_role("link", name="Texts and how we contact you").click()
    page.get_by_label("Mobile number").fill("020 7946 0000")
    page.get_by_role("button", name="Add number").click()
    expect(page.get_by_text("This looks like a landline number.")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Mobile number").fill("07911 123456")
    page.get_by_role("button", name="Add number").click()
    expect(page.get_by_role("heading", name="Confirm your mobile number")).to_be_visible()
    code = re.search(r"your code is (\d{6})", capfd.readouterr().out).group(1)
    page.get_by_label("Code from the text").fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("That code is not right.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Code from the text").fill(code)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("07911 123456 is confirmed.")).to_be_visible()

    page.get_by_label("E-mail and text message").check()
    page.get_by_role("button", name="Save my choice").click()
    expect(page.get_by_text("Your choice is saved.")).to_be_visible()
    assert_accessible(page)
    parent.refresh_from_db()
    assert parent.contact_by == User.ContactBy.BOTH
