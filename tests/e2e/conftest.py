"""Browser journeys: Debian's Chromium driven by Playwright against the live test server, on a
phone-sized screen, with axe-core checking each page for accessibility."""

import os

import pytest

from tests.conftest import tree_root

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
def initial_rows(transactional_db):
    """Browser tests commit for real, and the database is emptied after each one. Django puts
    back content types and permissions; this puts back the rows Wagtail's migrations create
    so every browser test starts alike."""
    tree_root()


@pytest.fixture(autouse=True)
def no_content_security_policy_violations(request):
    """Every journey runs under the portal's Content-Security-Policy: anything the browser
    refuses under it (an inline script or style, a file from another site) fails the test."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield
    assert refused == []
