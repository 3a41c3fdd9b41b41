"""`manage.py seed_demo` loads the demo once; running it again changes nothing."""

import os
import re
import secrets
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from wagtail.models import GroupPagePermission, Page, Revision, Site

from cms.models import CentrePage, Footprint, Venue
from startwell import demo
from startwell.demo import DEMO_PASSWORD
from startwell.models import User
from tests.accounts import activate_totp

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


def test_seed_demo_twice_changes_nothing(without_page_tree):
    first_output = seed()
    after_first = counts()

    seed()

    assert counts() == after_first
    assert CentrePage.objects.live().count() == 5
    assert all(centre.venues.exists() for centre in CentrePage.objects.all())
    assert all(centre.partner_services for centre in CentrePage.objects.all())
    asking = CentrePage.objects.filter(champions_need_second_factor=True)
    assert {centre.slug for centre in asking} == {"northfield"}
    assert "parent@startwell.example" in first_output
    assert DEMO_PASSWORD in first_output


def test_the_demo_site_has_the_portals_name_and_address(without_page_tree, settings, client):
    settings.SITE_URL = "https://startwell.example"
    seed()

    site = Site.objects.get(is_default_site=True)
    assert (site.site_name, site.root_url) == ("Start Well", "https://startwell.example")
    # The admin home's heading is the site's name, not its host.
    manager = User.objects.get(email=demo.manager_email("northfield"))
    activate_totp(manager)
    client.force_login(manager)
    html = client.get("/admin/").content.decode()
    assert re.search(r"<h1[^>]*>\s*Start Well\s*</h1>", html)


def test_each_demo_manager_is_in_exactly_their_centres_group(without_page_tree):
    seed()
    seed()

    centres = CentrePage.objects.all()
    manager_groups = {centre.manager_group for centre in centres}
    assert len(manager_groups) == 5
    for centre in centres:
        manager = User.objects.get(email=f"manager.{centre.slug}@startwell.example")
        assert list(manager.groups.all()) == [centre.manager_group]
        assert not manager.is_superuser


def test_demo_accounts_can_sign_in(without_page_tree):
    seed()

    for email in ["parent@startwell.example", "admin@startwell.example"]:
        user = User.objects.get(email=email)
        assert user.check_password(DEMO_PASSWORD)
        assert EmailAddress.objects.get(user=user, email=email).verified
    assert User.objects.get(email="admin@startwell.example").is_superuser


def test_each_app_contributes_its_demo_step_and_they_run_in_layer_order():
    demo.discover()
    names = [demo_step.name for demo_step in demo.steps()]
    assert names == [
        "startwell.demo.seed_accounts",
        "cms.demo.seed_pages",
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
