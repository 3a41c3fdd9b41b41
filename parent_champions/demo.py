"""Demo champions: each centre's demo champion account is an approved champion there with current
checks, hosting the centre's champion-led activities. Safe to run again."""

import datetime

from django.utils import timezone

from cms.models import ActivityPage, CentrePage
from startwell import demo
from startwell.models import User

from .models import Champion, ChampionApplication, Hosting


@demo.step(order=demo.CHAMPIONS)
def seed_champions_demo() -> list[Champion]:
    today = timezone.localdate()
    champions = []
    for centre in CentrePage.objects.order_by("title"):
        user = User.objects.filter(email=f"champion.{centre.slug}@startwell.example").first()
        if user is None:
            continue
        manager = User.objects.filter(email=f"manager.{centre.slug}@startwell.example").first()
        champion, created = Champion.objects.get_or_create(
            user=user,
            centre=centre,
            defaults={
                "approved_by": manager,
                "dbs_checked_on": today - datetime.timedelta(days=200),
                "training_completed_on": today - datetime.timedelta(days=120),
            },
        )
        if created:
            ChampionApplication.objects.create(
                parent=user,
                centre=centre,
                why="I loved coming here with my two and want to help other families feel welcome.",
                strengths="Singing, setting up the room, and I speak Urdu.",
                availability="Tuesday and Thursday mornings, term time.",
                status=ChampionApplication.Status.APPROVED,
                decided_by=manager,
                decided_at=timezone.now(),
            )
        for activity in ActivityPage.objects.descendant_of(centre).filter(delivered_by="champions"):
            Hosting.objects.get_or_create(
                champion=champion, activity=activity, defaults={"assigned_by": manager}
            )
        champions.append(champion)
    return champions
