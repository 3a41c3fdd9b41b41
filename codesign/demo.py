"""Demo ideas: a few per centre in different states, proposed by the demo parent. Safe to run
again: an idea is found by centre and title before it is made, and every idea has the history of
decisions that brought it to its status."""

import itertools
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cms.models import ActivityPage, CentrePage
from startwell import demo, pagecache
from startwell.models import User

from .models import Audience, Idea, IdeaDecision, IdeaStatus, Support

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


# The moves each demo status took to get there, after the centre published it (decisions as the
# services record them: by the superuser, the decision's words as the note).
MOVES_AFTER_PUBLISHING = {
    IdeaStatus.PUBLISHED: [],
    IdeaStatus.UNDER_REVIEW: [IdeaStatus.UNDER_REVIEW],
    IdeaStatus.ACCEPTED: [IdeaStatus.UNDER_REVIEW, IdeaStatus.ACCEPTED],
    IdeaStatus.DECLINED: [IdeaStatus.UNDER_REVIEW, IdeaStatus.DECLINED],
    IdeaStatus.SCHEDULED: [IdeaStatus.UNDER_REVIEW, IdeaStatus.SCHEDULED],
}
TAKEN_INTO_REVIEW = "Taken into review."


def _new_idea(centre: CentrePage, parent: User, spec: dict, activity, now) -> Idea:
    """The idea as the services leave it once every move in its history is made."""
    idea = Idea(
        centre=centre,
        proposer=parent,
        title=spec["title"],
        description=spec["description"],
        audience=spec["audience"],
        suggested_times=spec.get("suggested_times", ""),
        can_help=spec.get("can_help", False),
        help_offer=spec.get("help_offer", ""),
        status=spec["status"],
        response=spec.get("response", ""),
        last_active_at=now,
    )
    if spec["status"] == IdeaStatus.SCHEDULED:
        idea.activity = activity
        idea.response = f"We now run {activity.title}. Come along!"
        # Sessions already open were listed in the scheduling e-mail itself.
        idea.bookings_announced_at = now
    return idea


def _history(idea: Idea, admin: User | None) -> list[IdeaDecision]:
    if idea.status == IdeaStatus.SUBMITTED:
        return []
    moves = [IdeaStatus.SUBMITTED, IdeaStatus.PUBLISHED, *MOVES_AFTER_PUBLISHING[idea.status]]
    return [
        IdeaDecision(
            idea=idea,
            from_status=from_status,
            to_status=to_status,
            decided_by=admin,
            note={
                IdeaStatus.PUBLISHED: "",
                IdeaStatus.UNDER_REVIEW: TAKEN_INTO_REVIEW,
            }.get(to_status, idea.response),
        )
        for from_status, to_status in itertools.pairwise(moves)
    ]


# After the timetable: scheduled demo ideas need activities.
@demo.step(order=demo.IDEAS)
@transaction.atomic
def seed_codesign_demo() -> None:
    """A few ideas per centre, each with the decisions that brought it to its status, written in
    a few statements (the services write the same rows one move at a time, e-mailing as they go,
    which for the demo's made-up people is time spent for nothing). An idea already there, by
    centre and title, is left as it is."""
    parent = User.objects.filter(email=DEMO_PARENT).first()
    if parent is None:
        return
    supporters = _supporters()
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    there = set(Idea.objects.values_list("centre_id", "title"))
    now = timezone.now()
    ideas = []
    for centre in CentrePage.objects.originals().order_by("title"):
        activity = ActivityPage.objects.descendant_of(centre).order_by("pk").first()
        specs = list(IDEAS)
        if activity is not None:
            specs.append(
                {
                    "title": "More stay and play sessions",
                    "description": "The Tuesday group is always full: could there be another?",
                    "audience": Audience.TODDLERS,
                    "status": IdeaStatus.SCHEDULED,
                }
            )
        ideas += [
            _new_idea(centre, parent, spec, activity, now)
            for spec in specs
            if (centre.pk, spec["title"]) not in there
        ]
    if not ideas:
        return
    Idea.objects.bulk_create(ideas)
    # The demo proposes many ideas at once for one parent: dated back, out of the daily limit.
    Idea.objects.filter(pk__in=[idea.pk for idea in ideas]).update(
        created_at=F("last_active_at") - timedelta(days=7)
    )
    IdeaDecision.objects.bulk_create(
        [decision for idea in ideas for decision in _history(idea, admin)]
    )
    # Every public idea has the champions' support (below any centre's threshold, once each).
    Support.objects.bulk_create(
        [
            Support(idea=idea, parent=person)
            for idea in ideas
            if idea.status != IdeaStatus.SUBMITTED
            for person in supporters
        ]
    )
    # Bulk writes send no model signals: the public ideas pages change.
    pagecache.invalidate()
