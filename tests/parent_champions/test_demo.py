"""The demo's champion accounts are approved champions with current checks, however often the
demo is loaded."""

import pytest

from cms.models import ActivityPage
from parent_champions.models import Champion, ChampionApplication, Hosting
from startwell.demo import CENTRES, seed_demo

pytestmark = pytest.mark.usefixtures("without_page_tree")


def test_each_demo_champion_is_approved_with_current_checks_and_seeding_is_idempotent():
    seed_demo()
    seed_demo()
    champions = Champion.objects.select_related("user", "centre")
    assert sorted(c.user.email for c in champions) == sorted(
        f"champion.{spec.slug}@startwell.example" for spec in CENTRES
    )
    for champion in champions:
        assert champion.is_active and champion.checks_current
        assert champion.centre.slug in champion.user.email
        assert champion.approved_by.email == f"manager.{champion.centre.slug}@startwell.example"
    assert ChampionApplication.objects.filter(status="approved").count() == len(CENTRES)
    # The demo's champion-led activities have their centre's champion as host, once.
    led = ActivityPage.objects.filter(delivered_by="champions")
    assert led.exists()
    assert Hosting.objects.count() == led.count()
    for hosting in Hosting.objects.select_related("champion__centre", "activity"):
        assert hosting.activity.get_parent().pk == hosting.champion.centre.pk
