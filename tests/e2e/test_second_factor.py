"""A centre manager sets up a second factor in the browser on the way to a register: a passkey
(Chromium's virtual authenticator stands in for the phone) and then signs in with it alone;
or an authenticator app. axe-core checks each set-up page."""

import datetime
import re

import pytest
from allauth.mfa.models import Authenticator
from django.utils import timezone
from playwright.sync_api import expect

from tests.accounts import totp_code
from tests.factories import (
    ActivityPageFactory,
    BookingFactory,
    ChildFactory,
    SessionFactory,
    UserFactory,
)
from tests.factories.accounts import PASSWORD
from tests.support.accessibility import assert_accessible


@pytest.fixture
def manager(centre):
    person = UserFactory(email="manager@example.org", first_name="Morgan")
    person.groups.add(centre.manager_group)
    return person


@pytest.fixture
def register_path(centre):
    activity = ActivityPageFactory(parent=centre, title="Stay and play")
    start = timezone.now() + datetime.timedelta(days=1)
    session = SessionFactory(activity=activity, start=start, capacity=6)
    parent = UserFactory(first_name="Ada", last_name="Lovelace")
    booking = BookingFactory(session=session, parent=parent, places=1)
    booking.children.set([ChildFactory(parent=parent, first_name="Mo")])
    return f"/champions/sessions/{session.pk}/"


def virtual_authenticator(page):
    """A platform authenticator (like a phone's) that holds passkeys and verifies its user."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def sign_in_with_password(page, live_server, user, next_path):
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main form").first.get_by_role("button", name="Sign in").click()


def expect_register(page, live_server, register_path):
    page.goto(live_server.url + register_path)
    expect(page).to_have_url(live_server.url + register_path)
    expect(page.get_by_text(re.compile(r"^Ada")).first).to_be_visible()


def test_manager_registers_a_passkey_then_signs_in_with_it(
    live_server, page, manager, register_path
):
    cdp, authenticator_id = virtual_authenticator(page)
    sign_in_with_password(page, live_server, manager, register_path)

    # Straight to choosing a second factor, not to the register.
    expect(page).to_have_url(live_server.url + "/accounts/2fa/")
    assert_accessible(page)
    page.get_by_role("link", name="Add a passkey").click()
    expect(page).to_have_url(live_server.url + "/accounts/2fa/webauthn/add/")
    assert_accessible(page)
    page.get_by_label("Name for this passkey").fill("My phone")
    expect(page.get_by_label("Also use it to sign in without a password")).to_be_checked()
    page.get_by_role("button", name="Add the passkey").click()
    expect(page).not_to_have_url(re.compile(r"/webauthn/add/"))
    assert Authenticator.objects.filter(user=manager, type="webauthn").count() == 1
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert len(credentials["credentials"]) == 1
    assert_accessible(page)

    expect_register(page, live_server, register_path)

    page.get_by_role("button", name="Sign out", exact=True).click()
    # Signing out first empties what the device keeps, then posts: wait until it has happened.
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("button", name=re.compile("passkey", re.I)).click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect_register(page, live_server, register_path)


def test_manager_sets_up_an_authenticator_app(live_server, page, manager, register_path):
    sign_in_with_password(page, live_server, manager, register_path)
    expect(page).to_have_url(live_server.url + "/accounts/2fa/")
    page.get_by_role("link", name="Set up an authenticator app").click()
    # Signed in a moment ago: no "Confirm access" before the set-up.
    expect(page).to_have_url(live_server.url + "/accounts/2fa/totp/activate/")
    assert_accessible(page)

    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill("000000")
    page.locator("main form").get_by_role("button").click()
    expect(page.get_by_text("Incorrect code.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.locator("main form").get_by_role("button").click()

    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    assert_accessible(page)
    assert Authenticator.objects.filter(user=manager, type="totp").exists()
    expect_register(page, live_server, register_path)
