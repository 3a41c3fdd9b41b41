"""Reads for parent champions: who is a champion where, the sessions they host or cover, what a
person may do with a register or a session, and the manager's view of their champions and of the
centre's audit trail. Every listing here runs a fixed number of queries. (A register's contents
are `bookings.registers`.)"""

import datetime
import operator
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce

from django.contrib.auth import get_user_model
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone

from bookings.models import Session, SessionLogEntry
from bookings.selectors import with_places
from cms.models import ActivityPage, CentrePage, Venue
from cms.selectors import centres_managed_by, centres_whose_managers_include
from startwell import person_facts
from startwell.compiled import Compiled

from .errors import CHECKS_LAPSED, NOT_HOST, NOT_MANAGER, SUSPENDED
from .models import Champion, ChampionApplication, Hosting, Practitioner, SessionCover


def champion_roles(user) -> QuerySet[Champion]:
    """Every centre where this person is a champion, suspended or not."""
    if not user.is_authenticated:
        return Champion.objects.none()
    return Champion.objects.filter(user=user).select_related("centre")


def centres_championed_by(user) -> QuerySet[CentrePage]:
    """Centres where this person is an active (not suspended) champion."""
    if not user.is_authenticated:
        return CentrePage.objects.none()
    return CentrePage.objects.filter(champions__user=user, champions__status=Champion.Status.ACTIVE)


# Asked by every register action and look; one per person and centre (so no default order, and
# none of its joins). Its SQL is written once per process (`startwell.compiled`).
_CHAMPION_AT = Compiled(
    lambda person_id, centre_id: Champion.objects.filter(
        user_id=person_id, centre_id=centre_id
    ).order_by("pk")[:1]
)


def champion_at(user, centre_id: int) -> Champion | None:
    if not user.is_authenticated:
        return None
    return next(iter(_CHAMPION_AT.instances(person_id=user.pk, centre_id=centre_id)), None)


def manages_centre(user, centre_id: int) -> bool:
    return centres_managed_by(user).filter(pk=centre_id).exists()


def applications_of(user) -> QuerySet[ChampionApplication]:
    return ChampionApplication.objects.filter(parent=user).select_related("centre")


def practitioner_roles(user) -> QuerySet[Practitioner]:
    """Every organisation and centre this person is a practitioner for."""
    if not user.is_authenticated:
        return Practitioner.objects.none()
    return Practitioner.objects.filter(user=user).select_related("partner", "centre")


def _their_organisations_session(user) -> Exists:
    """A session of an activity run by an organisation this person practises for, at a centre
    they were invited to (for a `Session` query)."""
    return Exists(
        Practitioner.objects.filter(
            user=user, centre_id=OuterRef("centre_id"), partner_id=OuterRef("activity__partner_id")
        )
    )


def practises(user, *, centre_id: int, partner_id: int | None) -> bool:
    """Whether this person is a practitioner of the organisation at the centre."""
    if partner_id is None or not user.is_authenticated:
        return False
    return Practitioner.objects.filter(
        user=user, centre_id=centre_id, partner_id=partner_id
    ).exists()


def _reach(user) -> dict[str, Q]:
    """Each way a person may have a session in reach, by name (see `register_sessions_for`)."""
    hostings = Hosting.objects.filter(champion__user=user)
    return {
        "manages": Q(centre__in=centres_managed_by(user).values("pk")),
        "hosts_activity": Q(
            activity__in=hostings.filter(activity__isnull=False).values("activity")
        ),
        "hosts_session": Q(pk__in=hostings.filter(session__isnull=False).values("session")),
        "covers": Q(pk__in=SessionCover.objects.filter(champion__user=user).values("session")),
        "practises": Q(_their_organisations_session(user)),
    }


def register_sessions_for(user) -> QuerySet[Session]:
    """Sessions whose register this person may open, on a need-to-know basis: every session of
    a centre they manage; as a champion, the sessions they host (the whole activity or that one
    session) and those a manager asked them to cover; as a practitioner, the sessions of their
    organisation's activities at the centres they were invited to. Any other session answers
    404. (Whether a champion may act right now, suspended or with lapsed checks, is
    `run_refusal`.)"""
    if not user.is_authenticated:
        return Session.objects.none()
    if user.is_superuser:
        return Session.objects.all()
    return Session.objects.filter(reduce(operator.or_, _reach(user).values()))


@dataclass(frozen=True)
class Standing:
    """What a person is to one session, as the register's rules ask it: whether they manage its
    centre (a superuser does every centre's), practise there for the organisation that runs the
    activity, host the activity (suspended or not) or the session, or were asked to cover it.
    Read in one query with the session (`session_in_reach`), then asked by every rule of the
    request."""

    user_id: int | None
    manages: bool = False
    practises: bool = False
    hosts_activity: bool = False
    hosts_session: bool = False
    covers: bool = False

    REACH = ("manages", "practises", "hosts_activity", "hosts_session", "covers")

    @property
    def in_reach(self) -> bool:
        """As `register_sessions_for`."""
        return any(getattr(self, name) for name in self.REACH)


def _with_standing(sessions: QuerySet[Session], user) -> QuerySet[Session]:
    return sessions.annotate(
        **{
            f"reach_{name}": ExpressionWrapper(condition, output_field=BooleanField())
            for name, condition in _reach(user).items()
        }
    )


def _standing(user, session: Session) -> Standing:
    if user.is_superuser:
        return Standing(user.pk, manages=True)
    return Standing(
        user.pk,
        **{name: bool(getattr(session, f"reach_{name}")) for name in Standing.REACH},
    )


# Read on every request to a register page. Building the five conditions of a person's standing
# cost more than anything else on the page, so their SQL (and the pages') is written once per
# process (`startwell.compiled`); the rules themselves stay in `_reach`.
_SESSION_WITH_STANDING = Compiled(
    lambda session_id, person_id: _with_standing(
        Session.objects.filter(pk=session_id).order_by(), get_user_model()(pk=person_id)
    )
)
_VENUE = Compiled(lambda venue_id: Venue.objects.filter(pk=venue_id).order_by())
_ACTIVITY = Compiled(lambda page_id: ActivityPage.objects.filter(pk=page_id).order_by())
_CENTRE = Compiled(lambda page_id: CentrePage.objects.filter(pk=page_id).order_by())


def where_it_is(session: Session) -> tuple[Venue | None, ActivityPage, CentrePage]:
    """The session's venue (None while it is to be confirmed), activity and centre: a query
    each (each page is two tables, read apart from the session: joined to it, they cost
    PostgreSQL more to plan than to run)."""
    venue = _one(_VENUE, venue_id=session.venue_id) if session.venue_id is not None else None
    activity = _one(_ACTIVITY, page_id=session.activity_id)
    return venue, activity, _one(_CENTRE, page_id=session.centre_id)


def session_in_reach(
    user, session_id: int, *, where: Callable[[Session], tuple] = where_it_is
) -> Session | None:
    """The session, if its register is in this person's reach (`register_sessions_for`), with
    its venue, activity and centre (as `where` gives them: `where_it_is` by default), and the
    person's `Standing` as `session.standing`; None otherwise. One query, then `where`'s."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        session = Session.objects.filter(pk=session_id).first()
    else:
        asked = _SESSION_WITH_STANDING.instances(session_id=session_id, person_id=user.pk)
        session = next(iter(asked), None)
    if session is None:
        return None
    session.standing = _standing(user, session)
    if not session.standing.in_reach:
        return None
    session.venue, session.activity, session.centre = where(session)
    return session


def _one(query: Compiled, **values: int):
    return next(iter(query.instances(**values)), None)


def standing_at(user, session: Session) -> Standing:
    """The person's standing at the session: as read with it by `session_in_reach`, or else
    read now (one query; none for a superuser)."""
    standing = getattr(session, "standing", None)
    if standing is not None and standing.user_id == user.pk:
        return standing
    if not user.is_authenticated:
        return Standing(user.pk)
    if user.is_superuser:
        return _standing(user, session)
    row = _with_standing(Session.objects.filter(pk=session.pk), user).only("pk").first()
    return _standing(user, row) if row is not None else Standing(user.pk)


def for_children(activity: ActivityPage) -> bool:
    return not activity.adults_only


def run_refusal(user, session: Session) -> str | None:
    """Why this person may not run the session's register (or None: they may). Managers of the
    centre and superusers may; a champion who hosts or covers it only while active, and for
    children's sessions only with current checks. The session is already one they may see
    (`register_sessions_for`)."""
    standing = standing_at(user, session)
    if standing.manages or standing.practises:
        return None
    champion = champion_at(user, session.centre_id)
    if champion is None:
        return NOT_MANAGER
    if not champion.is_active:
        return SUSPENDED.format(centre=session.centre.title)
    if for_children(session.activity) and not champion.checks_current:
        return CHECKS_LAPSED
    return None


def edit_refusal(user, activity: ActivityPage, centre_id: int) -> str | None:
    """Why this person may not add or change the activity's sessions (or None: they may).
    Managers of the centre and its practitioners of the organisation that runs the activity may;
    a champion only for activities they host, while active, and for children's activities with
    current checks."""
    if user.is_superuser or manages_centre(user, centre_id):
        return None
    if practises(user, centre_id=centre_id, partner_id=activity.partner_id):
        return None
    champion = champion_at(user, centre_id)
    if champion is not None and not champion.is_active:
        return SUSPENDED.format(centre=champion.centre.title)
    if champion is None or not hosts_activity(user, activity.pk):
        return NOT_HOST
    if for_children(activity) and not champion.checks_current:
        return CHECKS_LAPSED
    return None


def may_assign_cover(user, session: Session) -> bool:
    """Only the centre's managers ask a champion to cover a session."""
    return user.is_superuser or standing_at(user, session).manages


def covers_of(session: Session) -> QuerySet[SessionCover]:
    return SessionCover.objects.filter(session=session).select_related("champion__user")


def champions_who_may_cover(session: Session) -> QuerySet[Champion]:
    """Active champions of the session's centre not already covering it."""
    return (
        Champion.objects.filter(centre_id=session.centre_id, status=Champion.Status.ACTIVE)
        .exclude(covers__session=session)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "pk")
    )


def _start_of_today() -> datetime.datetime:
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def hosted_sessions(user, *, days: int = 60) -> QuerySet[Session]:
    """Sessions from today on that this person hosts as an active champion, directly or through
    the activity, or was asked to cover, with places taken counted."""
    if not user.is_authenticated:
        return Session.objects.none()
    active = {"champion__user": user, "champion__status": Champion.Status.ACTIVE}
    by_session = Hosting.objects.filter(**active, session__isnull=False).values("session")
    by_activity = Hosting.objects.filter(**active, activity__isnull=False).values("activity")
    covered = SessionCover.objects.filter(**active).values("session")
    start = _start_of_today()
    sessions = Session.objects.filter(
        Q(pk__in=by_session) | Q(activity__in=by_activity) | Q(pk__in=covered),
        start__gte=start,
        start__lt=start + datetime.timedelta(days=days),
    ).select_related("activity", "venue", "centre")
    return with_places(sessions).order_by("start", "pk")


def activities_hosted_by(user) -> QuerySet[ActivityPage]:
    """Activities this person hosts as an active champion: they may add and change sessions."""
    if not user.is_authenticated:
        return ActivityPage.objects.none()
    return ActivityPage.objects.filter(
        hostings__champion__user=user, hostings__champion__status=Champion.Status.ACTIVE
    ).order_by("title")


def hosts_activity(user, activity_id: int, *, active_only: bool = True) -> bool:
    hostings = Hosting.objects.filter(champion__user=user, activity_id=activity_id)
    if active_only:
        hostings = hostings.filter(champion__status=Champion.Status.ACTIVE)
    return hostings.exists()


def champions_at(centres: QuerySet[CentrePage]) -> QuerySet[Champion]:
    return (
        Champion.objects.filter(centre__in=centres)
        .select_related("user", "centre")
        .prefetch_related(
            Prefetch(
                "hostings",
                queryset=Hosting.objects.select_related("activity", "session__activity"),
            )
        )
        .order_by("centre__title", "user__first_name", "user__last_name", "pk")
    )


def applications_at(centres: QuerySet[CentrePage]) -> QuerySet[ChampionApplication]:
    return ChampionApplication.objects.filter(centre__in=centres).select_related(
        "parent", "centre", "decided_by"
    )


def register_log_at(centre: CentrePage) -> QuerySet[SessionLogEntry]:
    """The centre's trail of sessions and registers, newest first (read by its managers)."""
    return SessionLogEntry.objects.filter(centre=centre).select_related("user", "session__activity")


def centre_sessions_to_host(centre: CentrePage) -> QuerySet[Session]:
    """Upcoming sessions of a centre a manager may assign a host to."""
    return (
        Session.objects.filter(
            centre=centre, start__gte=_start_of_today(), status=Session.Status.SCHEDULED
        )
        .select_related("activity")
        .order_by("start", "pk")
    )


def centre_activities(centre: CentrePage) -> QuerySet[ActivityPage]:
    return ActivityPage.objects.descendant_of(centre).order_by("title")


def may_edit_activity(user, activity_id: int, centre_id: int | None) -> bool:
    """Managers of the centre, champions hosting the activity and practitioners of the
    organisation that runs it at the centre may add and change its sessions
    (whether a champion may act right now, suspended or with lapsed checks, is the services'
    question: they are told why, not shown a 404)."""
    return (
        user.is_superuser
        or (centre_id is not None and manages_centre(user, centre_id))
        or hosts_activity(user, activity_id, active_only=False)
        or (
            centre_id is not None
            and Practitioner.objects.filter(
                user=user, centre_id=centre_id, partner__activities=activity_id
            ).exists()
        )
    )


def may_edit_session(user, session: Session) -> bool:
    """As `may_edit_activity`, for the session's activity and centre."""
    standing = standing_at(user, session)
    return standing.manages or standing.hosts_activity or standing.practises


def shows_champions_link(user) -> bool:
    """Champions, practitioners and centre managers see the link. Asked on every signed-in
    page, so it is kept with the person's other header facts (`startwell.person_facts`)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return person_facts.facts_for(user)["champions_link"]


@person_facts.fact("champions_link")
def _holds_a_champions_role(person: OuterRef) -> Q:
    """Whether the person is a champion, a practitioner or a centre's manager (asked with the
    other header facts, in one query)."""
    return (
        Exists(Champion.objects.filter(user=person))
        | Exists(Practitioner.objects.filter(user=person))
        | Exists(centres_whose_managers_include(person))
    )


def practitioner_sessions(user, *, days: int = 60) -> QuerySet[Session]:
    """Sessions from today on of the activities this person's organisations run at the centres
    they were invited to, with places taken counted."""
    if not user.is_authenticated:
        return Session.objects.none()
    start = _start_of_today()
    sessions = Session.objects.filter(
        _their_organisations_session(user),
        start__gte=start,
        start__lt=start + datetime.timedelta(days=days),
    ).select_related("activity", "venue", "centre")
    return with_places(sessions).order_by("start", "pk")


def practitioner_activities(user) -> list[tuple[ActivityPage, CentrePage]]:
    """The activities this person's organisations run at the centres they were invited to,
    each with its centre, so they may add sessions to them."""
    roles = list(practitioner_roles(user))
    if not roles:
        return []
    found = []
    activities = ActivityPage.objects.filter(
        partner_id__in={role.partner_id for role in roles}
    ).order_by("path")
    centres = {role.centre.path: role.centre for role in roles}
    wanted = {(role.centre.path, role.partner_id) for role in roles}
    for activity in activities:
        centre_path = activity.path[: -ActivityPage.steplen]
        if (centre_path, activity.partner_id) in wanted:
            found.append((activity, centres[centre_path]))
    return found


def practitioners_at(centre: CentrePage) -> QuerySet[Practitioner]:
    return practitioners_in(CentrePage.objects.filter(pk=centre.pk))


def practitioners_in(centres: QuerySet[CentrePage]) -> QuerySet[Practitioner]:
    return (
        Practitioner.objects.filter(centre__in=centres)
        .select_related("user", "partner", "invited_by")
        .order_by("partner__name", "user__email", "pk")
    )
