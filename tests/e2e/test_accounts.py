"""A new parent on a phone signs up, verifies their e-mail, signs out and signs back in with a
one-time code sent by e-mail; a centre manager signs in with their password and authenticator
app. Every page on the way passes axe-core. (Other browser tests sign in by cookie: the
`sign_in` fixture.)"""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from startwell.models import User
from tests.accounts import activate_totp, totp_code
from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD as EXISTING_PASSWORD
from tests.support.accessibility import assert_accessible

PASSWORD = "a-long-test-password"


def last_mail_to(address):
    messages = [message for message in mail.outbox if address in message.to]
    assert messages, f"no e-mail to {address}"
    return messages[-1]


def test_new_parent_signs_up_verifies_and_signs_in_with_a_code(live_server, page, home):
    email = "new.parent@example.org"
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=False).first.fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.locator("main form").get_by_role("button").click()

    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    assert_accessible(page)
    message = last_mail_to(email)
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", message.body).group(0)

    page.goto(link)
    assert_accessible(page)
    page.locator("main form").get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert User.objects.get(email=email).emailaddress_set.get().verified

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()

    page.get_by_role("link", name="Sign in").click()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("sign-in code", re.IGNORECASE)).click()
    assert_accessible(page)
    page.get_by_label("E-mail").fill(email)
    page.locator("main form").get_by_role("button").first.click()

    expect(page).to_have_url(re.compile(r"/accounts/login/code/confirm/$"))
    assert_accessible(page)
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", last_mail_to(email).body, re.M)
    page.get_by_label("Code").fill(code.group(1))
    page.locator("main form").get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page).to_have_url(live_server.url + "/")


def test_manager_signs_in_with_password_and_authenticator_code(live_server, page, centre):
    manager = UserFactory(email="head@example.org")
    manager.groups.add(centre.manager_group)
    secret = activate_totp(manager)

    page.goto(live_server.url + "/accounts/login/")
    assert_accessible(page)
    page.get_by_label("E-mail").fill(manager.email)
    page.get_by_label("Password").fill(EXISTING_PASSWORD)
    page.locator("main form").get_by_role("button", name="Sign in").click()

    expect(page.get_by_label("Code")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Code").fill(totp_code(secret))
    page.locator("main form").get_by_role("button").first.click()
    page.wait_for_url(lambda url: "/accounts/" not in url)

    page.goto(live_server.url + "/admin/")
    expect(page).to_have_url(live_server.url + "/admin/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_sign_in_errors_are_announced_next_to_fields(live_server, page, db):
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("E-mail").fill("not-an-email")
    page.locator("main form").get_by_role("button").click()

    email_field = page.get_by_label("E-mail")
    expect(email_field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_email_error")).to_contain_text("valid")
    assert_accessible(page)


@pytest.mark.parametrize("query", ["", "Northfield"])
def test_search_page_is_accessible(live_server, page, centre, query):
    page.goto(f"{live_server.url}/search/?q={query}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    assert_accessible(page)
