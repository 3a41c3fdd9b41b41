"""Writes for parent champions' applications and a manager's decisions: applying, approving or
declining, suspending, recording checks, and who hosts or covers what (covers are logged in the
sessions' audit trail)."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings import audit
from bookings.models import Session
from cms.models import ActivityPage, CentrePage
from startwell.selectors import has_verified_email

from .. import notifications
from ..errors import FIELD_REQUIRED, NOT_MANAGER, ChampionError
from ..models import Champion, ChampionApplication, Hosting, SessionCover
from ..selectors import for_children, manages_centre

NOT_VERIFIED = _("Please confirm your e-mail address before applying. We have sent you a link.")
ALREADY_APPLIED = _(
    "You already have an application waiting for a decision at {centre}. "
    "We will e-mail you when the centre has decided."
)
ALREADY_CHAMPION = _("You are already a champion at {centre}.")
NOT_OPEN = _("This application has already been decided.")
REASON_REQUIRED = _("Say why the application is declined: the parent will read it.")
ALREADY_SUSPENDED = _("This champion is already suspended.")
NOT_SUSPENDED = _("This champion is not suspended.")
DATE_IN_FUTURE = _("This date is in the future. Enter the date the check was done.")
HOST_ONE_THING = _("Choose one activity or one session to host.")
HOST_OTHER_CENTRE = _("Champions can only host activities and sessions at their own centre.")
HOST_SUSPENDED = _("A suspended champion cannot host.")
HOST_NO_CHECKS = _(
    "{name} cannot host sessions for children until their DBS check and safeguarding training "
    "are both recorded and current."
)
ALREADY_HOSTING = _("{name} already hosts this.")
COVER_OTHER_CENTRE = _("Only a champion of the session's centre can cover it.")
COVER_SUSPENDED = _("A suspended champion cannot cover a session.")
COVER_NO_CHECKS = _(
    "{name} cannot cover sessions for children until their DBS check and safeguarding training "
    "are both recorded and current."
)
ALREADY_COVERING = _("{name} already covers this session.")


def _required(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ChampionError(FIELD_REQUIRED, field=field)
    return value


# --- Applying and a manager's decisions --------------------------------------------------------


def apply_to_be_champion(
    *, parent, centre_id: int, why: str, strengths: str, availability: str
) -> ChampionApplication:
    if not has_verified_email(parent):
        raise ChampionError(NOT_VERIFIED)
    why = _required(why, "why")
    strengths = _required(strengths, "strengths")
    availability = _required(availability, "availability")
    centre = CentrePage.objects.get(pk=centre_id)
    if Champion.objects.filter(user=parent, centre=centre).exists():
        raise ChampionError(ALREADY_CHAMPION.format(centre=centre.title), field="centre")
    if ChampionApplication.objects.filter(
        parent=parent, centre=centre, status=ChampionApplication.Status.OPEN
    ).exists():
        raise ChampionError(ALREADY_APPLIED.format(centre=centre.title), field="centre")
    try:
        with transaction.atomic():
            application = ChampionApplication.objects.create(
                parent=parent,
                centre=centre,
                why=why,
                strengths=strengths,
                availability=availability,
            )
    except IntegrityError as error:
        # A second submission crossed the first; the constraint kept one.
        raise ChampionError(ALREADY_APPLIED.format(centre=centre.title), field="centre") from error
    notifications.application_received(application)
    return application


def _check_manager(by, centre_id: int) -> None:
    if not manages_centre(by, centre_id):
        raise ChampionError(NOT_MANAGER)


def _open_application_locked(application_id: int) -> ChampionApplication:
    application = (
        ChampionApplication.objects.select_for_update()
        .select_related("centre", "parent")
        .get(pk=application_id)
    )
    if not application.is_open:
        raise ChampionError(NOT_OPEN)
    return application


@transaction.atomic
def approve_application(*, application_id: int, by) -> Champion:
    """Approves an open application: the parent becomes an active champion at the centre (their
    checks still need recording before they host for children)."""
    application = _open_application_locked(application_id)
    _check_manager(by, application.centre_id)
    now = timezone.now()
    application.status = ChampionApplication.Status.APPROVED
    application.decided_by = by
    application.decided_at = now
    application.save(update_fields=["status", "decided_by", "decided_at"])
    champion, _ = Champion.objects.get_or_create(
        user=application.parent,
        centre=application.centre,
        defaults={"approved_by": by, "approved_at": now},
    )
    notifications.application_decided(application)
    return champion


@transaction.atomic
def decline_application(*, application_id: int, reason: str, by) -> ChampionApplication:
    reason = (reason or "").strip()
    if not reason:
        raise ChampionError(REASON_REQUIRED, field="reason")
    application = _open_application_locked(application_id)
    _check_manager(by, application.centre_id)
    application.status = ChampionApplication.Status.DECLINED
    application.decision_reason = reason
    application.decided_by = by
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
    notifications.application_decided(application)
    return application


def _champion_locked(champion_id: int, by) -> Champion:
    champion = (
        Champion.objects.select_for_update().select_related("user", "centre").get(pk=champion_id)
    )
    _check_manager(by, champion.centre_id)
    return champion


@transaction.atomic
def suspend_champion(*, champion_id: int, by) -> Champion:
    champion = _champion_locked(champion_id, by)
    if not champion.is_active:
        raise ChampionError(ALREADY_SUSPENDED)
    champion.status = Champion.Status.SUSPENDED
    champion.status_changed_at = timezone.now()
    champion.save(update_fields=["status", "status_changed_at"])
    return champion


@transaction.atomic
def reinstate_champion(*, champion_id: int, by) -> Champion:
    champion = _champion_locked(champion_id, by)
    if champion.is_active:
        raise ChampionError(NOT_SUSPENDED)
    champion.status = Champion.Status.ACTIVE
    champion.status_changed_at = timezone.now()
    champion.save(update_fields=["status", "status_changed_at"])
    return champion


@transaction.atomic
def record_checks(
    *,
    champion_id: int,
    dbs_checked_on: datetime.date | None,
    training_completed_on: datetime.date | None,
    by,
) -> Champion:
    """Records the dates of a champion's DBS check and safeguarding training."""
    today = timezone.localdate()
    for name, day in [
        ("dbs_checked_on", dbs_checked_on),
        ("training_completed_on", training_completed_on),
    ]:
        if day and day > today:
            raise ChampionError(DATE_IN_FUTURE, field=name)
    champion = _champion_locked(champion_id, by)
    champion.dbs_checked_on = dbs_checked_on
    champion.training_completed_on = training_completed_on
    champion.save(update_fields=["dbs_checked_on", "training_completed_on"])
    return champion


@transaction.atomic
def assign_host(
    *, champion_id: int, by, activity_id: int | None = None, session_id: int | None = None
) -> Hosting:
    """Makes a champion the host of an activity (all its sessions) or of one session. Hosting
    anything for children needs both checks current."""
    if (activity_id is None) == (session_id is None):
        raise ChampionError(HOST_ONE_THING, field="what")
    champion = _champion_locked(champion_id, by)
    if activity_id is not None:
        activity = ActivityPage.objects.get(pk=activity_id)
        session = None
        centre_id = CentrePage.objects.ancestor_of(activity).values_list("pk", flat=True).first()
    else:
        session = Session.objects.select_related("activity").get(pk=session_id)
        activity = session.activity
        centre_id = session.centre_id
    name = _champion_name(champion)
    if centre_id != champion.centre_id:
        raise ChampionError(HOST_OTHER_CENTRE, field="what")
    if not champion.is_active:
        raise ChampionError(HOST_SUSPENDED, field="what")
    if for_children(activity) and not champion.checks_current:
        raise ChampionError(HOST_NO_CHECKS.format(name=name), field="what")
    hosting_filter = {"session": session} if session else {"activity": activity}
    if Hosting.objects.filter(champion=champion, **hosting_filter).exists():
        raise ChampionError(ALREADY_HOSTING.format(name=name), field="what")
    return Hosting.objects.create(
        champion=champion,
        activity=None if session else activity,
        session=session,
        assigned_by=by,
    )


@transaction.atomic
def remove_hosting(*, hosting_id: int, by) -> None:
    hosting = Hosting.objects.select_related("champion").get(pk=hosting_id)
    _check_manager(by, hosting.champion.centre_id)
    hosting.delete()


def _champion_name(champion: Champion) -> str:
    return champion.user.get_full_name() or champion.user.display_name


@transaction.atomic
def assign_cover(*, session_id: int, champion_id: int, by) -> SessionCover:
    """A manager asks a champion of the centre to cover one session: for that session they see
    and run the register. Covering a children's session needs both checks current."""
    session = Session.objects.select_related("activity").get(pk=session_id)
    _check_manager(by, session.centre_id)
    champion = (
        Champion.objects.select_for_update().select_related("user").filter(pk=champion_id).first()
    )
    if champion is None or champion.centre_id != session.centre_id:
        raise ChampionError(COVER_OTHER_CENTRE, field="champion")
    name = _champion_name(champion)
    if not champion.is_active:
        raise ChampionError(COVER_SUSPENDED, field="champion")
    if for_children(session.activity) and not champion.checks_current:
        raise ChampionError(COVER_NO_CHECKS.format(name=name), field="champion")
    if SessionCover.objects.filter(session=session, champion=champion).exists():
        raise ChampionError(ALREADY_COVERING.format(name=name), field="champion")
    cover = SessionCover.objects.create(session=session, champion=champion, assigned_by=by)
    audit.record(
        session,
        audit.COVER_ASSIGNED,
        user=by,
        detail=f"{name} covers this session",
        champion_id=champion.pk,
    )
    return cover


@transaction.atomic
def remove_cover(*, cover_id: int, by) -> None:
    cover = SessionCover.objects.select_related("session", "champion__user").get(pk=cover_id)
    _check_manager(by, cover.session.centre_id)
    cover.delete()
    audit.record(
        cover.session,
        audit.COVER_REMOVED,
        user=by,
        detail=f"{_champion_name(cover.champion)} no longer covers this session",
        champion_id=cover.champion_id,
    )
