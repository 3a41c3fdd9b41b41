"""Writes for co-design: proposing, supporting and discussing ideas, and moving each idea along
its lifecycle (`lifecycle.py`) from proposal to outcome.

Every status change goes through `_move`, which checks the lifecycle and the person, keeps a
record of who made the change and tells the people who asked to hear. Writes that race (support,
the threshold, the daily limits) lock the row they depend on, re-read it, check, then write."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cms.models import ActivityPage, CentrePage
from startwell.errors import ApplicationError
from startwell.selectors import has_verified_email

from . import lifecycle, notifications, selectors
from .models import (
    COMMENT_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    OPEN_STATUSES,
    TITLE_MAX_LENGTH,
    Audience,
    CentreIdeaSettings,
    Comment,
    CommentReport,
    Idea,
    IdeaDecision,
    IdeaStatus,
    Support,
)

IDEAS_PER_DAY = 5
COMMENTS_PER_HOUR = 30

S = IdeaStatus

NOT_VERIFIED = _("Please confirm your e-mail address first: we sent you a link when you signed up.")
NOT_ALLOWED = _("Only the centre's team can do that.")
TITLE_EMPTY = _("Give your idea a short title.")
TITLE_TOO_LONG = format_lazy(
    _("Keep the title to {limit} characters or fewer."), limit=TITLE_MAX_LENGTH
)
DESCRIPTION_EMPTY = _("Tell us a little about your idea.")
DESCRIPTION_TOO_LONG = format_lazy(
    _("Keep the description to {limit} characters or fewer."), limit=DESCRIPTION_MAX_LENGTH
)
AUDIENCE_UNKNOWN = _("Choose who the idea is for.")
CENTRE_UNKNOWN = _("Choose one of our centres.")
TOO_MANY_IDEAS = format_lazy(
    _(
        "You can propose up to {most} ideas a day. Thank you for your ideas: "
        "please come back tomorrow for the next one."
    ),
    most=IDEAS_PER_DAY,
)
ALREADY_SUPPORTED = _("You already support this idea.")
NOT_SUPPORTED = _("You do not support this idea, so there is nothing to take back.")
NOT_OPEN = _("This idea is not open for support.")
COMMENT_EMPTY = _("Write a comment first.")
COMMENT_TOO_LONG = format_lazy(
    _("Keep comments to {limit} characters or fewer."), limit=COMMENT_MAX_LENGTH
)
TOO_MANY_COMMENTS = format_lazy(
    _("You can post up to {most} comments an hour. Please wait a little and try again."),
    most=COMMENTS_PER_HOUR,
)
NOT_COMMENTABLE = _("Comments are closed on this idea.")
ALREADY_REPORTED = _(
    "You have already reported this comment. Thank you: the centre will look at it."
)
REASON_REQUIRED = _("Give a reason: the person who proposed it will see it.")
PUBLIC_REASON_REQUIRED = _("Give a reason: everyone will see it next to the idea.")
ACTIVITY_REQUIRED = _("Choose the activity that came from this idea.")
ACTIVITY_OTHER_CENTRE = _(
    "Choose one of this centre's activities: that one belongs to another centre."
)
RESPONSE_REQUIRED = _("Say what will happen next: everyone will see it next to the idea.")
THRESHOLD_TOO_LOW = _("The threshold must be at least 1.")
SUPPORT_CLOSED = _("The centre has already decided on this idea, so support can no longer change.")
NOT_FOLLOWING = _("You only get e-mails about ideas you proposed or support.")


class CodesignError(ApplicationError):
    """A co-design rule was broken; `message` is shown to the person as it stands."""


# --- Helpers ------------------------------------------------------------------------------------


def _require_verified(user) -> None:
    if not has_verified_email(user):
        raise CodesignError(NOT_VERIFIED)


def _locked_idea(idea: Idea) -> Idea:
    """Re-reads the idea under a row lock (PostgreSQL; SQLite's IMMEDIATE transactions already
    hold the write lock)."""
    return Idea.objects.select_for_update().get(pk=idea.pk)


def _lock_person(user) -> None:
    """Serialises one person's rate-limited writes so parallel requests cannot slip past."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()


def _clean_text(value: str, *, field: str, empty: str, too_long: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise CodesignError(empty, field=field)
    if len(value) > max_length:
        raise CodesignError(too_long, field=field)
    return value


def _move(idea: Idea, to: str, *, by, note: str = "", response: str | None = None) -> Idea:
    """Moves a locked idea to `to` if the lifecycle and the person allow it, and records it."""
    if not lifecycle.is_move(idea.status, to):
        raise CodesignError(lifecycle.refusal(idea.status, to))
    if not selectors.may_move(by, idea, to):
        raise CodesignError(NOT_ALLOWED)
    from_status = idea.status
    idea.status = to
    idea.last_active_at = timezone.now()
    if response is not None:
        idea.response = response
    idea.save(update_fields=["status", "last_active_at", "response"])
    IdeaDecision.objects.create(
        idea=idea, from_status=from_status, to_status=to, decided_by=by, note=note
    )
    notifications.status_changed(idea=idea, from_status=from_status)
    return idea


def _review_if_supported_enough(idea: Idea) -> None:
    """At the centre's threshold an open idea goes to review by itself (idea locked)."""
    if idea.status != S.PUBLISHED:
        return
    supporters = selectors.supporters_of(idea)
    if supporters >= selectors.support_threshold(idea.centre):
        _move(idea, S.UNDER_REVIEW, by=None, note=f"Reached {supporters} supporters.")
        notifications.threshold_reached(idea=idea, supporters=supporters)


# --- Proposing ----------------------------------------------------------------------------------


def propose_idea(
    *,
    parent,
    centre_id: int,
    title: str,
    description: str,
    audience: str,
    suggested_times: str = "",
    can_help: bool = False,
    help_offer: str = "",
) -> Idea:
    """A parent's new idea, waiting for the centre to check it before it is public."""
    _require_verified(parent)
    title = _clean_text(
        title,
        field="title",
        empty=TITLE_EMPTY,
        too_long=TITLE_TOO_LONG,
        max_length=TITLE_MAX_LENGTH,
    )
    description = _clean_text(
        description,
        field="description",
        empty=DESCRIPTION_EMPTY,
        too_long=DESCRIPTION_TOO_LONG,
        max_length=DESCRIPTION_MAX_LENGTH,
    )
    if audience not in Audience.values:
        raise CodesignError(AUDIENCE_UNKNOWN, field="audience")
    centre = CentrePage.objects.live().originals().filter(pk=centre_id).first()
    if centre is None:
        raise CodesignError(CENTRE_UNKNOWN, field="centre")

    with transaction.atomic():
        _lock_person(parent)
        since = timezone.now() - timedelta(days=1)
        if selectors.ideas_proposed_since(parent, since) >= IDEAS_PER_DAY:
            raise CodesignError(TOO_MANY_IDEAS)
        idea = Idea(
            centre=centre,
            proposer=parent,
            title=title,
            description=description,
            audience=audience,
            suggested_times=suggested_times.strip()[:200],
            can_help=can_help,
            help_offer=help_offer.strip()[:500] if can_help else "",
        )
        idea.full_clean()
        idea.save()
        notifications.idea_submitted(idea=idea)
    return idea


def withdraw_idea(*, idea: Idea, by) -> Idea:
    with transaction.atomic():
        return _move(_locked_idea(idea), S.WITHDRAWN, by=by)


# --- Moderation ---------------------------------------------------------------------------------


def publish_idea(*, idea: Idea, by) -> Idea:
    with transaction.atomic():
        idea = _move(_locked_idea(idea), S.PUBLISHED, by=by)
        # A threshold of one (or support given before a re-check) can be met at once.
        _review_if_supported_enough(idea)
    return idea


def reject_idea(*, idea: Idea, by, reason: str) -> Idea:
    reason = (reason or "").strip()
    if not reason:
        raise CodesignError(REASON_REQUIRED, field="reason")
    with transaction.atomic():
        return _move(_locked_idea(idea), S.REJECTED, by=by, note=reason, response=reason)


def hide_comment(*, comment: Comment, by) -> Comment:
    return _set_comment_hidden(comment=comment, by=by, hidden=True)


def restore_comment(*, comment: Comment, by) -> Comment:
    """Shows a hidden comment again, or keeps a reported one: either way its reports are closed."""
    return _set_comment_hidden(comment=comment, by=by, hidden=False)


def _set_comment_hidden(*, comment: Comment, by, hidden: bool) -> Comment:
    if not selectors.can_moderate(by, comment.idea.centre):
        raise CodesignError(NOT_ALLOWED)
    now = timezone.now()
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        comment.hidden = hidden
        comment.hidden_by = by if hidden else None
        comment.hidden_at = now if hidden else None
        comment.save(update_fields=["hidden", "hidden_by", "hidden_at"])
        comment.reports.filter(resolved_at__isnull=True).update(resolved_at=now)
    return comment


# --- Decisions ----------------------------------------------------------------------------------


def start_review(*, idea: Idea, by) -> Idea:
    """Managers may take an idea into review before it reaches the threshold."""
    with transaction.atomic():
        return _move(_locked_idea(idea), S.UNDER_REVIEW, by=by, note="Taken into review.")


def accept_idea(*, idea: Idea, by, response: str) -> Idea:
    response = (response or "").strip()
    if not response:
        raise CodesignError(RESPONSE_REQUIRED, field="response")
    with transaction.atomic():
        return _move(_locked_idea(idea), S.ACCEPTED, by=by, note=response, response=response)


def decline_idea(*, idea: Idea, by, reason: str) -> Idea:
    reason = (reason or "").strip()
    if not reason:
        raise CodesignError(PUBLIC_REASON_REQUIRED, field="response")
    with transaction.atomic():
        return _move(_locked_idea(idea), S.DECLINED, by=by, note=reason, response=reason)


def schedule_idea(*, idea: Idea, by, activity: ActivityPage | None, response: str = "") -> Idea:
    """Links the idea to the activity (and so the sessions) that came from it."""
    if activity is None:
        raise CodesignError(ACTIVITY_REQUIRED, field="activity")
    with transaction.atomic():
        idea = _locked_idea(idea)
        centre = idea.centre
        if not activity.path.startswith(centre.path) or activity.depth <= centre.depth:
            raise CodesignError(ACTIVITY_OTHER_CENTRE, field="activity")
        response = (response or "").strip() or f"We now run {activity.title}. Come along!"
        idea.activity = activity
        # Sessions already open are listed in the scheduling e-mail itself.
        idea.bookings_announced_at = timezone.now()
        idea.save(update_fields=["activity", "bookings_announced_at"])
        return _move(idea, S.SCHEDULED, by=by, note=response, response=response)


def announce_open_bookings(*, now=None) -> int:
    """Tells each scheduled idea's proposer and supporters when booking opens for sessions that
    came from it (run every few minutes by `manage.py announce_open_bookings`). Sessions open
    from the moment they are added count as opening then. Returns how many ideas were announced.
    """
    now = now or timezone.now()
    announced = 0
    for idea_id in selectors.scheduled_idea_ids():
        with transaction.atomic():
            idea = Idea.objects.select_for_update().get(pk=idea_id)
            sessions = selectors.sessions_opened_for(
                idea, since=idea.bookings_announced_at, now=now
            )
            if sessions:
                notifications.booking_opened(idea=idea, sessions=sessions)
                announced += 1
            idea.bookings_announced_at = now
            idea.save(update_fields=["bookings_announced_at"])
    return announced


# --- Support and discussion ---------------------------------------------------------------------


def support_idea(*, idea: Idea, parent) -> Support:
    """One support per parent per idea. The idea's row lock makes parallel requests queue; the
    unique constraint stands behind it."""
    _require_verified(parent)
    try:
        with transaction.atomic():
            idea = _locked_idea(idea)
            if idea.status not in OPEN_STATUSES:
                raise CodesignError(NOT_OPEN)
            if Support.objects.filter(idea=idea, parent=parent).exists():
                raise CodesignError(ALREADY_SUPPORTED)
            support = Support.objects.create(idea=idea, parent=parent)
            Idea.objects.filter(pk=idea.pk).update(last_active_at=timezone.now())
            _review_if_supported_enough(idea)
    except IntegrityError as error:
        raise CodesignError(ALREADY_SUPPORTED) from error
    return support


def withdraw_support(*, idea: Idea, parent) -> None:
    with transaction.atomic():
        idea = _locked_idea(idea)
        if idea.status not in OPEN_STATUSES:
            raise CodesignError(SUPPORT_CLOSED)
        deleted, _ = Support.objects.filter(idea=idea, parent=parent).delete()
        if not deleted:
            raise CodesignError(NOT_SUPPORTED)


def add_comment(*, idea: Idea, author, body: str) -> Comment:
    _require_verified(author)
    body = _clean_text(
        body,
        field="body",
        empty=COMMENT_EMPTY,
        too_long=COMMENT_TOO_LONG,
        max_length=COMMENT_MAX_LENGTH,
    )
    with transaction.atomic():
        _lock_person(author)
        idea = _locked_idea(idea)
        if not idea.is_public:
            raise CodesignError(NOT_COMMENTABLE)
        since = timezone.now() - timedelta(hours=1)
        if selectors.comments_posted_since(author, since) >= COMMENTS_PER_HOUR:
            raise CodesignError(TOO_MANY_COMMENTS, field="body")
        comment = Comment.objects.create(idea=idea, author=author, body=body)
        Idea.objects.filter(pk=idea.pk).update(last_active_at=comment.created_at)
    return comment


def report_comment(*, comment: Comment, reporter) -> CommentReport:
    if comment.hidden:
        raise CodesignError("This comment is already hidden.")
    try:
        with transaction.atomic():
            report = CommentReport.objects.create(comment=comment, reporter=reporter)
    except IntegrityError as error:
        raise CodesignError(ALREADY_REPORTED) from error
    notifications.comment_reported(comment=comment)
    return report


def set_idea_notifications(*, idea: Idea, person, notify: bool) -> None:
    """Turns e-mails about one idea on or off for its proposer or one of its supporters."""
    changed = 0
    if idea.proposer_id == person.pk:
        changed += Idea.objects.filter(pk=idea.pk).update(notify_proposer=notify)
    changed += Support.objects.filter(idea=idea, parent=person).update(notify=notify)
    if not changed:
        raise CodesignError(NOT_FOLLOWING)


# --- Centre settings ----------------------------------------------------------------------------


def update_idea_settings(*, centre: CentrePage, by, support_threshold: int) -> CentreIdeaSettings:
    """Sets the centre's threshold; open ideas that already meet it go to review now."""
    if not selectors.can_decide(by, centre):
        raise CodesignError(NOT_ALLOWED)
    if support_threshold is None or support_threshold < 1:
        raise CodesignError(THRESHOLD_TOO_LOW, field="support_threshold")
    with transaction.atomic():
        settings, _ = CentreIdeaSettings.objects.update_or_create(
            centre=centre, defaults={"support_threshold": support_threshold}
        )
        for idea in Idea.objects.select_for_update().filter(centre=centre, status=S.PUBLISHED):
            _review_if_supported_enough(idea)
    return settings
