"""A centre manager translates their centre's page into Polish in wagtail-localize's editor, under
the admin's Content-Security-Policy (docs/security.md): the editor starts with nothing refused
and no error, the manager translates a segment and publishes, and the Polish page shows it."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.support.content_security import COLLECT_VIOLATIONS, refused

pytestmark = pytest.mark.usefixtures("manager_totp")


def test_a_manager_translates_a_page_in_the_editor_and_publishes_it(
    live_server, sign_in, page, centre, manager
):
    page.add_init_script(COLLECT_VIOLATIONS)
    problems = []
    page.on(
        "console",
        lambda message: (
            problems.append(f"{page.url}: {message.type}: {message.text}")
            if message.type == "error" or "Refused to" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"{page.url}: uncaught {error}"))
    sign_in(page, manager)
    page.set_default_timeout(20_000)
    submit = reverse("wagtail_localize:submit_page_translation", args=[centre.pk])

    page.goto(live_server.url + submit)
    page.get_by_label("Polish").check()
    page.get_by_role("button", name="Submit").click()

    # wagtail-localize's editor, a script of its own that draws the page's segments.
    page.locator("li", has_text="Northfield Centre").get_by_role(
        "button", name="Translate"
    ).first.click()
    page.locator("textarea").first.fill("Centrum Rodzinne Northfield")
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.get_by_text("Centrum Rodzinne Northfield").first).to_be_visible()
    seen = refused(page)
    page.get_by_role("button", name="Publish in Polish").click()

    # Published once the editor's request is answered: the Polish page, read again until then.
    heading = page.get_by_role("heading", level=1)
    for _ in range(20):
        page.goto(live_server.url + "/pl/centres/northfield/")
        if heading.text_content() == "Centrum Rodzinne Northfield":
            break
        page.wait_for_timeout(500)
    expect(heading).to_have_text("Centrum Rodzinne Northfield")
    assert page.locator("html").get_attribute("lang") == "pl"
    assert seen + refused(page) == []
    assert problems == []
