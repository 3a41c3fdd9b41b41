"""Demo ideas: a few per centre in different states, proposed by the demo parent. Safe to run
again: an idea is found by centre and title before it is made, and decisions go through the same
services as in real use so every idea has its history."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from cms.models import ActivityPage, CentrePage
from startwell import demo
from startwell.models import User

from . import services
from .models import Audience, Idea, IdeaStatus, Support

DEMO_PARENT = "parent@startwell.example"

IDEAS = [
    {
        "title": "Dads' Saturday breakfast club",
        "description": "A relaxed breakfast for dads and male carers with their little ones, "
        "once a month on a Saturday morning when most of us are not at work.",
        "audience": Audience.WHOLE_FAMILY,
        "suggested_times": "First Saturday of the month, 9:30",
        "can_help": True,
        "help_offer": "I can bring toast and set up the tables.",
        "status": IdeaStatus.UNDER_REVIEW,
    },
    {
        "title": "Baby sign language taster",
        "description": "Simple signs to help babies tell us what they need before they can talk.",
        "audience": Audience.BABIES,
        "suggested_times": "Weekday mornings",
        "status": IdeaStatus.PUBLISHED,
    },
    {
        "title": "Messy play outdoors",
        "description": "Mud kitchen, water and paint in the garden when the weather is good.",
        "audience": Audience.TODDLERS,
        "suggested_times": "Summer afternoons",
        "status": IdeaStatus.ACCEPTED,
        "response": "We will try a six-week outdoor messy play block from May.",
    },
    {
        "title": "Indoor trampoline park trips",
        "description": "Monthly trips to the trampoline park in town for pre-schoolers.",
        "audience": Audience.PRESCHOOL,
        "status": IdeaStatus.DECLINED,
        "response": "We cannot cover the travel and insurance, but our soft play room is open "
        "every Friday afternoon.",
    },
    {
        "title": "Evening coffee and chat",
        "description": "A drop-in after work for parents who cannot come in the daytime.",
        "audience": Audience.ADULTS,
        "suggested_times": "Thursday evenings",
        "status": IdeaStatus.SUBMITTED,
    },
]


def _supporters() -> list[User]:
    """The demo's champions stand in for other parents supporting ideas."""
    return list(User.objects.filter(email__startswith="champion.").order_by("email")[:3])


def _ensure_idea(centre: CentrePage, parent: User, spec: dict, supporters: list[User]) -> None:
    if Idea.objects.filter(centre=centre, title=spec["title"]).exists():
        return
    idea = services.propose_idea(
        parent=parent,
        centre_id=centre.pk,
        title=spec["title"],
        description=spec["description"],
        audience=spec["audience"],
        suggested_times=spec.get("suggested_times", ""),
        can_help=spec.get("can_help", False),
        help_offer=spec.get("help_offer", ""),
    )
    # The demo proposes many ideas at once for one parent: date them back, out of the daily limit.
    Idea.objects.filter(pk=idea.pk).update(created_at=idea.created_at - timedelta(days=7))
    target = spec["status"]
    if target == IdeaStatus.SUBMITTED:
        return
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    services.publish_idea(idea=idea, by=admin)
    # Supporting a new open idea, as `services.support_idea` would allow (below the centre's
    # threshold, once per person), written in one go: the demo's supporters are its champions.
    Support.objects.bulk_create([Support(idea=idea, parent=person) for person in supporters])
    Idea.objects.filter(pk=idea.pk).update(last_active_at=timezone.now())
    if target == IdeaStatus.PUBLISHED:
        return
    services.start_review(idea=idea, by=admin)
    if target == IdeaStatus.ACCEPTED:
        services.accept_idea(idea=idea, by=admin, response=spec["response"])
    elif target == IdeaStatus.DECLINED:
        services.decline_idea(idea=idea, by=admin, reason=spec["response"])
    elif target == IdeaStatus.SCHEDULED:
        activity = ActivityPage.objects.descendant_of(centre).order_by("pk").first()
        services.schedule_idea(idea=idea, by=admin, activity=activity)


# After the timetable: scheduled demo ideas need activities.
@demo.step(order=demo.IDEAS)
@transaction.atomic
def seed_codesign_demo() -> None:
    parent = User.objects.filter(email=DEMO_PARENT).first()
    if parent is None:
        return
    supporters = _supporters()
    for centre in CentrePage.objects.originals().order_by("title"):
        specs = list(IDEAS)
        if ActivityPage.objects.descendant_of(centre).exists():
            specs.append(
                {
                    "title": "More stay and play sessions",
                    "description": "The Tuesday group is always full: could there be another?",
                    "audience": Audience.TODDLERS,
                    "status": IdeaStatus.SCHEDULED,
                }
            )
        for spec in specs:
            _ensure_idea(centre, parent, spec, supporters)
