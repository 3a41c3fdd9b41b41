"""Content-Security-Policy: our pages allow no inline script or style and nothing from another
site; the Wagtail admin's relaxed policy still loads nothing from another site. Checked in the
test settings (which share base) and under the production settings module itself."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.accounts import sign_in

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


@pytest.mark.django_db
def test_the_admin_allows_wagtails_inline_code_but_nothing_from_other_sites(
    client, manager, manager_totp
):
    sign_in(client, manager, totp_secret=manager_totp)

    response = client.get(reverse("wagtailadmin_home"))

    assert response.status_code == 200
    policy = directives(response[HEADER])
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert "'unsafe-eval'" not in response[HEADER]
    assert_nothing_from_other_sites(policy)


PRODUCTION_PROBE = """
import django
django.setup()
from django.test import Client
client = Client()
for path in ("/healthz", "/admin/"):
    response = client.get(path, secure=True, HTTP_HOST="startwell.example")
    print(path, response.status_code, response.headers.get("Content-Security-Policy"))
"""


def test_production_settings_send_the_policy(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "startwell.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "startwell.example",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
            "STATIC_ROOT": str(tmp_path / "static"),
        }
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.strip().splitlines())

    status, public = lines["/healthz"].split(" ", 1)
    assert status == "200"
    assert directives(public)["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in public
    assert_nothing_from_other_sites(directives(public))

    status, admin = lines["/admin/"].split(" ", 1)
    assert status == "302"  # to sign in
    assert directives(admin)["script-src"] == ["'self'", "'unsafe-inline'"]
    assert_nothing_from_other_sites(directives(admin))
