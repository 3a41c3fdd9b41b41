"""`manage.py seed_demo`: each app contributes its step, and production is refused unless the
operator says so. What the demo holds is tested in test_demo_data.py."""

import os
import secrets
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client
from wagtail.models import GroupPagePermission, Page, Revision

from cms.models import CentrePartner, Footprint, Venue
from startwell import demo
from startwell.models import User

ROOT = Path(__file__).resolve().parents[2]


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "email addresses": EmailAddress.objects.count(),
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "groups": Group.objects.count(),
        "page permissions": GroupPagePermission.objects.count(),
        "venues": Venue.objects.count(),
        "footprints": Footprint.objects.count(),
    }


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_each_app_contributes_its_demo_step_and_they_run_in_layer_order():
    demo.discover()
    names = [demo_step.name for demo_step in demo.steps()]
    assert names == [
        "startwell.demo.seed_accounts",
        "cms.demo.seed_pages",
        "cms.demo.translate_a_centre",
        "bookings.demo.seed_bookings_demo",
        "codesign.demo.seed_codesign_demo",
        "parent_champions.demo.seed_champions_demo",
        "privacy.demo.seed_privacy_notice",
    ]


def test_seed_demo_refuses_under_production_settings(db, settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="--i-know-this-is-production"):
        seed()

    assert counts()["users"] == 0
    assert not User.objects.filter(email="admin@startwell.example").exists()


def test_seed_demo_runs_under_production_settings_when_told_it_is_production(
    without_page_tree, settings
):
    settings.PRODUCTION = True

    call_command("seed_demo", "--i-know-this-is-production", stdout=StringIO())

    assert User.objects.filter(email="admin@startwell.example", is_superuser=True).exists()


def test_the_production_settings_module_is_the_one_seed_demo_refuses(tmp_path):
    """The real production module, not an override: the command stops before touching the
    database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "startwell.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        }
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "seed_demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "--i-know-this-is-production" in result.stderr
    assert "Demo data is ready" not in result.stdout


def test_what_a_second_load_writes_shows_at_once_on_cached_public_pages(without_page_tree):
    """The demo writes some rows in bulk, which sends no model signals: it ends the anonymous
    page cache's generation itself."""
    seed()
    CentrePartner.objects.filter(
        centre__slug="northfield", partner__name="Youth Justice Service"
    ).delete()
    visitor = Client()
    assert "Youth Justice Service" not in visitor.get("/centres/northfield/").content.decode()
    assert "Youth Justice Service" not in visitor.get("/centres/northfield/").content.decode()

    seed()  # puts the listing back

    assert "Youth Justice Service" in visitor.get("/centres/northfield/").content.decode()
