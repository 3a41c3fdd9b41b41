"""Content-Security-Policy: our pages allow no inline script or style and nothing from another
site; in the Wagtail admin only Wagtail's own initialiser scripts run inline, by the response's
nonce. Checked in the test settings (which share base) and under the production settings module
itself. The browser side is tests/e2e/test_admin_content_security_policy.py."""

import re
import secrets
from pathlib import Path

import pytest
from django.urls import reverse

from startwell.csp import (
    EMPTY_STYLE,
    add_admin_script_nonces,
    is_chooser_urls,
    is_wagtail_initialiser,
)
from tests.accounts import sign_in
from tests.factories import ActivityPageFactory
from tests.support.processes import environment, run_python

ROOT = Path(__file__).resolve().parents[2]
HEADER = "Content-Security-Policy"
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:", re.I)
# A source naming another site: a scheme or host other than our own keywords and data:/blob:.
OTHER_SITE = re.compile(r"(https?:|wss?:|\*|[a-z0-9-]+\.[a-z]{2,})", re.I)


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def assert_nothing_from_other_sites(policy: dict[str, list[str]]) -> None:
    for name, sources in policy.items():
        assert not [s for s in sources if OTHER_SITE.search(s)], (name, sources)
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


# Templates rendered into files people download, never served as a page: they are opened from
# disk, where no policy applies, and must carry their own styles.
NOT_SERVED = {"privacy/summary.html"}


def test_our_templates_have_no_inline_script_or_style():
    offenders = []
    for path in (ROOT / "templates").rglob("*"):
        if path.relative_to(ROOT / "templates").as_posix() in NOT_SERVED:
            continue
        if path.is_file() and path.suffix in {".html", ".svg", ".txt"}:
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if INLINE.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


@pytest.mark.django_db
def test_a_public_page_allows_only_the_portals_own_scripts_and_styles(client, centre):
    response = client.get(centre.url)

    assert response.status_code == 200
    policy = directives(response[HEADER])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert "'unsafe-inline'" not in response[HEADER]
    assert "'unsafe-eval'" not in response[HEADER]
    assert_nothing_from_other_sites(policy)
    assert not INLINE.search(response.content.decode())


def admin_nonce(policy: dict[str, list[str]]) -> str:
    """The nonce an admin policy allows scripts by; its script-src allows nothing else inline."""
    assert policy["script-src"][0] == "'self'"
    (nonce,) = policy["script-src"][1:]
    assert re.fullmatch(r"'nonce-[A-Za-z0-9+/]{22}=='", nonce), nonce
    return nonce[len("'nonce-") : -1]


@pytest.mark.django_db
def test_the_admin_runs_only_wagtails_initialisers_inline_by_a_fresh_nonce(
    client, manager, manager_totp, centre
):
    sign_in(client, manager, totp_secret=manager_totp)
    # Its title is shown on the page it is moved from, and could carry a script if escaping
    # ever failed; what matters here is that only Wagtail's initialisers get the nonce.
    activity = ActivityPageFactory(parent=centre, title="Stay and play")
    url = reverse("wagtailadmin_pages:move", args=[activity.pk])

    first, second = client.get(url), client.get(url)

    assert first.status_code == 200
    policy = directives(first[HEADER])
    nonce = admin_nonce(policy)
    assert nonce != admin_nonce(directives(second[HEADER]))
    # And an empty <style> element (the translation editor's), by its hash: nothing inline.
    assert policy["style-src"] == ["'self'", EMPTY_STYLE]
    assert "'unsafe-inline'" not in first[HEADER]
    assert "'unsafe-eval'" not in first[HEADER]
    assert "'strict-dynamic'" not in first[HEADER]
    assert_nothing_from_other_sites(policy)
    html = first.content.decode()
    # The page chooser's initialiser, with the nonce; no other inline script or style.
    assert f'<script nonce="{nonce}">new PageChooser("id_new_parent_page", ' in html
    assert int(first["Content-Length"]) == len(first.content)
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert scripts
    assert all(f'nonce="{nonce}"' in s or "application/json" in s for s in scripts), scripts
    assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", html)


@pytest.mark.parametrize(
    "script",
    [
        'initDateChooser("id_first_date", {"dayOfWeekStart": 1, "format": "Y-m-d"});',
        'new SnippetChooser("id_footprint", {"modalUrl": "/admin/snippets/choose/cms/"});',
        """
        (function() {
            var panel = new InlinePanel(JSON.parse("{\\u0022prefix\\u0022: \\u0022id_v\\u0022}"));
        })();
    """,
    ],
)
def test_wagtails_initialiser_scripts_are_recognised(script):
    assert is_wagtail_initialiser(script)


@pytest.mark.parametrize(
    "script",
    [
        "alert(document.cookie);",
        'initDateChooser("id_a", {}); alert(1);',
        'initDateChooser("id_a", alert(1));',
        'initDateChooser("id_a", {"format": x});',
        "initDateChooser(NaN);",
        'fetch("/admin/users/");',
        'new Function("alert(1)")();',
        "(function() { var panel = new InlinePanel(JSON.parse(location.hash)); })();",
        '(function() { var panel = new Evil(JSON.parse("{}")); })();',
    ],
)
def test_any_other_inline_script_gets_no_nonce(script):
    assert not is_wagtail_initialiser(script)
    html = f'<p>Hello</p><script>{script}</script><script>initTimeChooser("id_t", {{}});</script>'

    with_nonces = add_admin_script_nonces(html, "abc")

    assert f"<script>{script}</script>" in with_nonces
    assert '<script nonce="abc">initTimeChooser("id_t", {});</script>' in with_nonces
    assert not is_chooser_urls(script)


# wagtail-localize's translation editor (wagtail_localize/admin/edit_translation.html).
CHOOSER_URLS = """
        if (typeof window.chooserUrls === "undefined") {
            window.chooserUrls = {
                imageChooser: "/admin/images/chooser/",
                documentChooser: "/admin/documents/chooser/",
                pageChooser: "/admin/choose-page/",
            }
        }
    """


def test_the_only_inline_style_the_admin_allows_is_an_empty_one():
    assert EMPTY_STYLE == "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"  # of ""


def test_the_translation_editors_chooser_addresses_get_the_nonce():
    assert is_chooser_urls(CHOOSER_URLS)

    with_nonces = add_admin_script_nonces(f"<script>{CHOOSER_URLS}</script>", "abc")

    assert with_nonces == f'<script nonce="abc">{CHOOSER_URLS}</script>'


@pytest.mark.parametrize(
    "script",
    [
        CHOOSER_URLS.replace('"/admin/choose-page/"', '"/admin/" + alert(1) + "/"'),
        CHOOSER_URLS.replace('"/admin/choose-page/"', '"https://elsewhere.example/"'),
        CHOOSER_URLS.replace('"/admin/choose-page/"', "location.hash"),
        CHOOSER_URLS + "alert(1);",
        "alert(1);" + CHOOSER_URLS,
        CHOOSER_URLS.replace("window.chooserUrls = {", "window.chooserUrls = {a: alert(1),"),
    ],
)
def test_anything_more_than_the_chooser_addresses_gets_no_nonce(script):
    assert not is_chooser_urls(script)
    assert "nonce" not in add_admin_script_nonces(f"<script>{script}</script>", "abc")


PRODUCTION_PROBE = """
import django
django.setup()
from django.conf import settings
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils.module_loading import import_string
client = Client()
for path in ("/healthz", "/admin/"):
    response = client.get(path, secure=True, HTTP_HOST="startwell.example")
    print(path, response.status_code, response.headers.get("Content-Security-Policy"))
# An admin page holding one of Wagtail's initialisers and one other inline script, through the
# Content-Security-Policy middleware the production settings name.
(name,) = [name for name in settings.MIDDLEWARE if "csp" in name.lower()]
page = '<script>initDateChooser("id_day", {});</script><script>alert(1)</script>'
middleware = import_string(name)(lambda request: HttpResponse(page))
response = middleware(RequestFactory().get("/admin/pages/", secure=True))
print("page", response.content.decode().replace(" ", "_"), response["Content-Security-Policy"])
"""


def test_production_settings_send_the_policy(tmp_path):
    env = environment(
        dropping=("DJANGO_", "SECURE_"),
        DJANGO_SETTINGS_MODULE="startwell.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="startwell.example",
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    result = run_python(PRODUCTION_PROBE, env)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.strip().splitlines())

    status, public = lines["/healthz"].split(" ", 1)
    assert status == "200"
    assert directives(public)["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in public
    assert_nothing_from_other_sites(directives(public))

    status, admin = lines["/admin/"].split(" ", 1)
    assert status == "302"  # to sign in
    assert directives(admin)["script-src"] == ["'self'"]  # no page, no nonce
    assert "'unsafe-inline'" not in admin
    assert_nothing_from_other_sites(directives(admin))

    page, admin = lines["page"].split(" ", 1)
    policy = directives(admin)
    nonce = admin_nonce(policy)
    assert policy["style-src"] == ["'self'", EMPTY_STYLE]
    assert "'unsafe-inline'" not in admin
    assert_nothing_from_other_sites(policy)
    assert page == (
        f'<script_nonce="{nonce}">initDateChooser("id_day",_{{}});</script>'
        "<script>alert(1)</script>"
    )
