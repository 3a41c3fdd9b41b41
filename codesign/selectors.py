"""Reads for co-design: who may moderate and decide, which moves a person may make on an idea,
the idea listings and "You said, we did".

Support and comment counts are always counted from their rows."""

from django.db.models import (
    Count,
    DateTimeField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.households import HOUSEHOLD
from bookings.models import Attendance, Booking, Session, WalkIn
from cms.models import CentrePage
from cms.selectors import centres_managed_by
from parent_champions.selectors import centres_championed_by

from .lifecycle import AUTOMATIC, DECIDER, MODERATOR, PROPOSER, moves_from, roles_for
from .models import (
    DEFAULT_SUPPORT_THRESHOLD,
    PUBLIC_STATUSES,
    CentreIdeaSettings,
    Comment,
    Idea,
    IdeaDecision,
    IdeaStatus,
    Support,
)

SORTS = {
    "support": (_("Most supported"), ["-support_count", "-created_at"]),
    "newest": (_("Newest"), ["-created_at"]),
    "active": (_("Recently active"), ["-last_active_at", "-created_at"]),
}
DEFAULT_SORT = "support"


# --- Who may do what --------------------------------------------------------------------------
# Moderation (publishing ideas, hiding comments) and decisions (accept, decline, schedule) are
# asked of these two functions only. A centre's managers and its active parent champions
# moderate; only its managers decide (DESIGN.md §5). Superusers do both everywhere.


def centres_moderated_by(user) -> QuerySet[CentrePage]:
    if not user.is_authenticated:
        return CentrePage.objects.none()
    if user.is_superuser:
        return CentrePage.objects.originals()
    return CentrePage.objects.originals().filter(
        Q(pk__in=centres_managed_by(user).values("pk"))
        | Q(pk__in=centres_championed_by(user).values("pk"))
    )


def centres_decided_by(user) -> QuerySet[CentrePage]:
    return centres_managed_by(user)


def can_moderate(user, centre: CentrePage) -> bool:
    return centres_moderated_by(user).filter(pk=centre.pk).exists()


def can_decide(user, centre: CentrePage) -> bool:
    return centres_decided_by(user).filter(pk=centre.pk).exists()


def _roles_held(user, idea: Idea, wanted: frozenset[str]) -> set[str]:
    """Which of the `wanted` lifecycle roles the person holds on this idea (`None` is the portal
    itself). Only the roles that matter are asked of the database."""
    if user is None:
        return {AUTOMATIC} & wanted
    if not user.is_authenticated:
        return set()
    checks = {
        PROPOSER: lambda: idea.proposer_id == user.pk,
        MODERATOR: lambda: can_moderate(user, idea.centre),
        DECIDER: lambda: can_decide(user, idea.centre),
    }
    return {role for role in wanted if role in checks and checks[role]()}


def may_move(user, idea: Idea, to: str) -> bool:
    """Whether this person (or the portal, for `None`) may move the idea to `to` now."""
    return bool(_roles_held(user, idea, roles_for(idea.status, to)))


def moves_allowed(user, idea: Idea) -> set[str]:
    """The statuses this person may move the idea to now: what the idea's page offers them."""
    moves = moves_from(idea.status)
    held = _roles_held(user, idea, frozenset().union(*moves.values()))
    return {to for to, roles in moves.items() if roles & held}


# --- Ideas --------------------------------------------------------------------------------------


def _count_of(model, **filters) -> Coalesce:
    """A correlated count of `model` rows pointing at the outer idea (no join multiplication)."""
    rows = (
        model.objects.filter(idea=OuterRef("pk"), **filters)
        .order_by()
        .values("idea")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def with_counts(ideas: QuerySet[Idea]) -> QuerySet[Idea]:
    return ideas.annotate(
        support_count=_count_of(Support), comment_count=_count_of(Comment, hidden=False)
    )


def public_ideas(
    *, centre: CentrePage | None = None, status: str = "", sort: str = DEFAULT_SORT
) -> QuerySet[Idea]:
    ideas = Idea.objects.filter(status__in=PUBLIC_STATUSES)
    if centre is not None:
        ideas = ideas.filter(centre=centre)
    if status:
        ideas = ideas.filter(status=status)
    ordering = SORTS.get(sort, SORTS[DEFAULT_SORT])[1]
    return with_counts(ideas).select_related("centre").order_by(*ordering, "-pk")


def ideas_centres() -> QuerySet[CentrePage]:
    """Centres a parent can propose for or filter by."""
    return CentrePage.objects.live().originals().order_by("title")


def can_view_idea(user, idea: Idea) -> bool:
    if idea.is_public:
        return True
    if not user.is_authenticated:
        return False
    return idea.proposer_id == user.pk or can_moderate(user, idea.centre)


def idea_detail(*, pk: int) -> Idea:
    """The idea with its counts; raises Idea.DoesNotExist."""
    return with_counts(Idea.objects.select_related("centre", "proposer", "activity")).get(pk=pk)


def comments_for(*, idea: Idea, include_hidden: bool = False) -> QuerySet[Comment]:
    comments = idea.comments.select_related("author").annotate(
        open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True))
    )
    return comments if include_hidden else comments.filter(hidden=False)


def support_of(*, idea: Idea, user) -> Support | None:
    if not user.is_authenticated:
        return None
    return Support.objects.filter(idea=idea, parent=user).first()


def supporters_of(idea: Idea) -> int:
    return Support.objects.filter(idea=idea).count()


def support_threshold(centre: CentrePage) -> int:
    threshold = (
        CentreIdeaSettings.objects.filter(centre=centre)
        .values_list("support_threshold", flat=True)
        .first()
    )
    return threshold or DEFAULT_SUPPORT_THRESHOLD


def ideas_proposed_by(user) -> QuerySet[Idea]:
    return with_counts(Idea.objects.filter(proposer=user)).select_related("centre")


def ideas_proposed_since(parent, since) -> int:
    """How many ideas the parent has proposed since then (for the daily limit)."""
    return Idea.objects.filter(proposer=parent, created_at__gte=since).count()


def comments_posted_since(author, since) -> int:
    """How many comments the person has posted since then (for the hourly limit)."""
    return Comment.objects.filter(author=author, created_at__gte=since).count()


# --- The centre's queues ------------------------------------------------------------------------


def ideas_to_moderate(centres: QuerySet[CentrePage]) -> QuerySet[Idea]:
    return (
        Idea.objects.filter(centre__in=centres, status=IdeaStatus.SUBMITTED)
        .select_related("centre")
        .order_by("created_at")
    )


# Waiting for a decision: the centre has still to decide on the idea (under review) or, having
# accepted it, to schedule it. The ideas queue and the admin home count the same ideas.
AWAITING_DECISION = [IdeaStatus.UNDER_REVIEW, IdeaStatus.ACCEPTED]


def ideas_awaiting_decision(centres: QuerySet[CentrePage]) -> QuerySet[Idea]:
    return Idea.objects.filter(centre__in=centres, status__in=AWAITING_DECISION)


def ideas_to_decide(centres: QuerySet[CentrePage]) -> QuerySet[Idea]:
    """Ideas waiting for the centre: under review first, then accepted ones not yet scheduled."""
    return (
        with_counts(ideas_awaiting_decision(centres))
        .select_related("centre")
        .order_by("-status", "-support_count", "created_at")
    )


def open_ideas(centres: QuerySet[CentrePage]) -> QuerySet[Idea]:
    return (
        with_counts(Idea.objects.filter(centre__in=centres, status=IdeaStatus.PUBLISHED))
        .select_related("centre")
        .order_by("-support_count", "created_at")
    )


def reported_comments(centres: QuerySet[CentrePage]) -> QuerySet[Comment]:
    """Comments with reports not yet looked at, and hidden comments that may be restored."""
    return (
        Comment.objects.filter(idea__centre__in=centres)
        .annotate(open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True)))
        .filter(Q(open_reports__gt=0) | Q(hidden=True))
        .select_related("idea", "author")
        .order_by("-open_reports", "created_at")
    )


# --- You said, we did ---------------------------------------------------------------------------


UPCOMING_SESSIONS_SHOWN = 3


def _upcoming_sessions(now):
    return Session.objects.filter(status=Session.Status.SCHEDULED, start__gte=now).order_by(
        "start", "pk"
    )


def taken_up_at() -> Coalesce:
    """When the centre took an idea up: its first move to accepted or scheduled. An idea with no
    such decision recorded counts from when it was proposed, never from before."""
    first_taken_up = (
        IdeaDecision.objects.filter(
            idea=OuterRef("pk"), to_status__in=[IdeaStatus.ACCEPTED, IdeaStatus.SCHEDULED]
        )
        .order_by("decided_at", "pk")
        .values("decided_at")[:1]
    )
    return Coalesce(Subquery(first_taken_up, output_field=DateTimeField()), "created_at")


def outcomes(*, centre: CentrePage | None = None) -> QuerySet[Idea]:
    """Ideas the centres took up (accepted and scheduled), most recent first, each with the
    next sessions of its activity, how many sessions have run and how many families came.

    A family "came" when the register marked its booking attended; each walk-in recorded on
    the register is one family more (walk-ins have no account to tell them apart).

    Only sessions that started on or after the centre took the idea up count: a linked activity
    may have run for years before, and those sessions did not come of the idea."""
    now = timezone.now()
    since = OuterRef("taken_up_at")
    past = Session.objects.filter(
        activity=OuterRef("activity"),
        status=Session.Status.SCHEDULED,
        start__lt=now,
        start__gte=since,
    )
    families = (
        Booking.objects.filter(
            session__activity=OuterRef("activity"),
            session__status=Session.Status.SCHEDULED,
            session__start__lt=now,
            session__start__gte=since,
            attendance=Attendance.ATTENDED,
        )
        .order_by()
        .values("session__activity")
        .annotate(n=Count(HOUSEHOLD, distinct=True))
        .values("n")
    )
    walk_ins = (
        WalkIn.objects.filter(
            session__activity=OuterRef("activity"),
            session__status=Session.Status.SCHEDULED,
            session__start__lt=now,
            session__start__gte=since,
        )
        .order_by()
        .values("session__activity")
        .annotate(n=Count("pk"))
        .values("n")
    )
    sessions_held = past.order_by().values("activity").annotate(n=Count("pk")).values("n")
    ideas = Idea.objects.filter(status__in=[IdeaStatus.SCHEDULED, IdeaStatus.ACCEPTED])
    if centre is not None:
        ideas = ideas.filter(centre=centre)
    return (
        with_counts(ideas)
        .annotate(taken_up_at=taken_up_at())
        .annotate(
            families_attended=Coalesce(Subquery(families, output_field=IntegerField()), 0)
            + Coalesce(Subquery(walk_ins, output_field=IntegerField()), 0),
            sessions_held=Coalesce(Subquery(sessions_held, output_field=IntegerField()), 0),
        )
        .select_related("centre", "activity")
        .prefetch_related(
            Prefetch(
                "activity__sessions",
                queryset=_upcoming_sessions(now).select_related("venue")[:UPCOMING_SESSIONS_SHOWN],
                to_attr="upcoming_sessions",
            )
        )
        .order_by("-last_active_at", "-pk")
    )


def scheduled_idea_ids() -> list[int]:
    """Ideas linked to an activity, whose followers hear when its sessions open for booking."""
    return list(
        Idea.objects.filter(status=IdeaStatus.SCHEDULED, activity__isnull=False).values_list(
            "pk", flat=True
        )
    )


def sessions_opened_for(idea: Idea, *, since, now) -> list[Session]:
    """The idea's upcoming sessions whose booking opened after `since` (ever, for `None`) and by
    `now`. Sessions open from the moment they are added count as opening then."""
    opened = Q(booking_opens__lte=now) | Q(booking_opens__isnull=True, created_at__lte=now)
    if since is not None:
        opened &= Q(booking_opens__gt=since) | Q(booking_opens__isnull=True, created_at__gt=since)
    return list(
        Session.objects.filter(
            opened,
            activity_id=idea.activity_id,
            status=Session.Status.SCHEDULED,
            start__gt=now,
        ).order_by("start")
    )


def upcoming_sessions_of(idea: Idea) -> QuerySet[Session]:
    if idea.activity_id is None:
        return Session.objects.none()
    return _upcoming_sessions(timezone.now()).filter(activity_id=idea.activity_id)
