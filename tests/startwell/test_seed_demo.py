"""`manage.py seed_demo` loads the demo once; running it again changes nothing."""

from io import StringIO

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.models import GroupPagePermission, Page, Revision

from cms.models import CentrePage, Footprint, Venue
from startwell import demo
from startwell.demo import DEMO_PASSWORD
from startwell.models import User


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


def test_seed_demo_twice_changes_nothing(db):
    first_output = seed()
    after_first = counts()

    seed()

    assert counts() == after_first
    assert CentrePage.objects.live().count() == 5
    assert all(centre.venues.exists() for centre in CentrePage.objects.all())
    assert all(centre.partner_services for centre in CentrePage.objects.all())
    assert "parent@startwell.example" in first_output
    assert DEMO_PASSWORD in first_output


def test_each_demo_manager_is_in_exactly_their_centres_group(db):
    seed()
    seed()

    centres = CentrePage.objects.all()
    manager_groups = {centre.manager_group for centre in centres}
    assert len(manager_groups) == 5
    for centre in centres:
        manager = User.objects.get(email=f"manager.{centre.slug}@startwell.example")
        assert list(manager.groups.all()) == [centre.manager_group]
        assert not manager.is_superuser


def test_demo_accounts_can_sign_in(db):
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
    ]
