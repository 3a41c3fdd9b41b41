"""Demo champions: each centre's demo champion account is an approved champion there with current
checks, hosting the centre's champion-led activities; and the demo practitioner runs the Health
Visiting Team's sessions at Northfield. Safe to run again."""

import datetime

from django.utils import timezone

from cms.models import ActivityPage, CentrePage, PartnerOrganisation
from startwell import demo
from startwell.models import User

from .models import Champion, ChampionApplication, Hosting, Practitioner
from .services.practitioners import practitioners_group


@demo.step(order=demo.CHAMPIONS)
def seed_champions_demo() -> list[Champion]:
    today = timezone.localdate()
    champions = []
    for centre in CentrePage.objects.originals().order_by("title"):
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
    _seed_practitioner()
    return champions


def _seed_practitioner() -> None:
    user = User.objects.filter(email=demo.PRACTITIONER_EMAIL).first()
    centre = CentrePage.objects.originals().filter(slug="northfield").first()
    partner = PartnerOrganisation.objects.filter(name="Health Visiting Team").first()
    if user is None or centre is None or partner is None:
        return
    manager = User.objects.filter(email=demo.manager_email(centre.slug)).first()
    Practitioner.objects.get_or_create(
        user=user, centre=centre, defaults={"partner": partner, "invited_by": manager}
    )
    user.groups.add(practitioners_group())
