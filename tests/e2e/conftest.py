"""Browser journeys: Debian's Chromium driven by Playwright against the live test server, on a
phone-sized screen, with axe-core checking each page for accessibility."""

import os

import pytest
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.test import RequestFactory

from tests.accounts import SignedInClient

CHROMIUM = "/usr/bin/chromium"

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A mid-sized phone: most families use the portal on one.
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}, "locale": "en-GB"}


@pytest.fixture(autouse=True)
def commits_for_real(transactional_db):
    """The live server answers the browser from another thread, so a browser test's data is
    committed, and the database is emptied after each one (tests/conftest.py then builds the
    page tree again for the next test)."""


@pytest.fixture
def sign_in(live_server):
    """`sign_in(page, user)` signs `user` in for the browser `page` (and its other tabs) by
    giving it the session cookie a sign-in through the forms leaves: allauth's record of the
    password (and of the second factor, for someone who has one) made just now, and the
    portal's mark of a completed second factor. Whoever was signed in there before is signed
    out. The sign-in forms themselves are walked through in test_accounts.py."""

    def sign_in(page, user):
        client = SignedInClient()  # marks the second factor completed (startwell.second_factor)
        client.force_login(user)
        session = client.session
        request = RequestFactory().get("/")
        request.session, request.user = session, user
        record_authentication(request, user, "password", email=user.email)
        second_factor = (
            Authenticator.objects.filter(user=user)
            .exclude(type=Authenticator.Type.RECOVERY_CODES)
            .order_by("pk")
            .first()
        )
        if second_factor is not None:
            record_authentication(
                request, user, "mfa", id=second_factor.pk, type=second_factor.type
            )
        session.save()
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

    return sign_in


@pytest.fixture(autouse=True)
def no_content_security_policy_violations(request):
    """Every journey runs under the portal's Content-Security-Policy: anything the browser
    refuses under it (an inline script or style, a file from another site) fails the test. So
    does any error a script raises, and, in the admin, anything logged as an error in the
    console (a date picker that fails to start, a missing file)."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    refused = []
    errors = []

    def on_console(message):
        if "Content Security Policy" in message.text:
            refused.append(f"{page.url}: {message.text}")
        elif message.type == "error" and "/admin/" in page.url:
            errors.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    yield
    assert refused == []
    assert errors == []


@pytest.fixture
def online_payment(live_server, stripe_server, settings):
    """Online payment on, against the stand-in for Stripe, whose test payment page sends its
    webhook events to the running site and the family back to it."""
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    stripe_server.webhook_url = live_server.url + "/payments/stripe/webhook/"
    return stripe_server
