"""E-mails about ideas. Called from services inside their transaction: the mail backend queues each
message only once that transaction commits, so nothing is sent for a change that rolled back.

One message per person, so nobody sees who else supports an idea."""

import functools

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from startwell import mail
from startwell.languages import addresses_by_language
from startwell.site_address import absolute_url

from .models import Comment, Idea, IdeaStatus

# Changes the proposer hears about; supporters hear about those after publication.
PROPOSER_HEARS = {
    IdeaStatus.PUBLISHED,
    IdeaStatus.REJECTED,
    IdeaStatus.UNDER_REVIEW,
    IdeaStatus.ACCEPTED,
    IdeaStatus.DECLINED,
    IdeaStatus.SCHEDULED,
}
SUPPORTERS_HEAR = {
    IdeaStatus.UNDER_REVIEW,
    IdeaStatus.ACCEPTED,
    IdeaStatus.DECLINED,
    IdeaStatus.SCHEDULED,
    IdeaStatus.WITHDRAWN,
}


def _unless_dropped(notify):
    """Nothing to look up or write while messages are being thrown away (the demo's ideas)."""

    @functools.wraps(notify)
    def notify_unless_dropped(**kwargs) -> None:
        if not mail.dropping():
            notify(**kwargs)

    return notify_unless_dropped


def _absolute(path: str) -> str:
    return absolute_url(path)


def _idea_url(idea: Idea) -> str:
    return _absolute(reverse("codesign:detail", args=[idea.pk]))


def _send(recipients: list[str], subject: str, template: str, context: dict) -> None:
    """One message to each address, written in the language its account chose (rendered once
    per language; the subject is lazy, so it is translated there too)."""
    if not recipients:
        return
    messages = []
    for language, addresses in addresses_by_language(recipients).items():
        with translation.override(language):
            body = render_to_string(template, context)
            messages += [
                EmailMessage(subject=str(subject), body=body, to=[address]) for address in addresses
            ]
    get_connection().send_messages(messages)


def _team_emails(idea: Idea) -> list[str]:
    """The centre's managers (the people who moderate and decide today)."""
    if idea.centre.manager_group_id is None:
        return []
    return list(
        get_user_model()
        .objects.filter(groups=idea.centre.manager_group_id, is_active=True)
        .values_list("email", flat=True)
    )


@_unless_dropped
def idea_submitted(*, idea: Idea) -> None:
    _send(
        _team_emails(idea),
        f"New idea to check: {idea.title}",
        "codesign/email/idea_submitted.txt",
        {"idea": idea, "url": _idea_url(idea), "queue_url": _absolute(reverse("codesign:manage"))},
    )


@_unless_dropped
def threshold_reached(*, idea: Idea, supporters: int) -> None:
    _send(
        _team_emails(idea),
        f"An idea needs your decision: {idea.title}",
        "codesign/email/threshold_reached.txt",
        {"idea": idea, "supporters": supporters, "url": _idea_url(idea)},
    )


def _followers(idea: Idea, *, proposer: bool = True, supporters: bool = True) -> list[str]:
    """The proposer and supporters who still want e-mails about this idea."""
    recipients = []
    if proposer and idea.notify_proposer and idea.proposer_id and idea.proposer.is_active:
        recipients.append(idea.proposer.email)
    if supporters:
        recipients += list(
            idea.supports.filter(notify=True, parent__is_active=True)
            .exclude(parent_id=idea.proposer_id)
            .values_list("parent__email", flat=True)
        )
    return recipients


@_unless_dropped
def status_changed(*, idea: Idea, from_status: str) -> None:
    recipients = _followers(
        idea,
        proposer=idea.status in PROPOSER_HEARS,
        supporters=idea.status in SUPPORTERS_HEAR,
    )
    _send(
        recipients,
        f"{idea.title}: {IdeaStatus(idea.status).label.lower()}",
        "codesign/email/status_changed.txt",
        {
            "idea": idea,
            "status": IdeaStatus(idea.status).label,
            "url": _idea_url(idea),
            "sessions": list(_sessions_of(idea)),
        },
    )


def _sessions_of(idea: Idea):
    """Upcoming sessions of the activity the idea led to (none before it is scheduled)."""
    from .selectors import upcoming_sessions_of

    return upcoming_sessions_of(idea)[:10]


@_unless_dropped
def comment_reported(*, comment: Comment) -> None:
    _send(
        _team_emails(comment.idea),
        f"A comment was reported on: {comment.idea.title}",
        "codesign/email/comment_reported.txt",
        {"idea": comment.idea, "queue_url": _absolute(reverse("codesign:manage"))},
    )


@_unless_dropped
def booking_opened(*, idea: Idea, sessions: list) -> None:
    _send(
        _followers(idea),
        format_lazy(_("Booking is open: {activity}"), activity=idea.activity.title),
        "codesign/email/booking_opened.txt",
        {
            "idea": idea,
            "sessions": sessions,
            "url": _absolute(idea.activity.url or reverse("codesign:detail", args=[idea.pk])),
        },
    )
