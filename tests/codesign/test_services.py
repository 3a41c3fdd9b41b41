"""The co-design rules, through the services that enforce them."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from codesign import lifecycle, services
from codesign.models import (
    Comment,
    CommentReport,
    Idea,
    IdeaDecision,
    IdeaStatus,
    Support,
)
from codesign.selectors import public_ideas
from codesign.services import CodesignError
from tests.factories import SessionFactory, UserFactory
from tests.factories.codesign import CommentFactory, IdeaFactory, SupportFactory

S = IdeaStatus


def propose(parent, centre, **overrides):
    data = {
        "parent": parent,
        "centre_id": centre.pk,
        "title": "Dads' breakfast club",
        "description": "Breakfast on Saturdays for dads and little ones.",
        "audience": "family",
    }
    return services.propose_idea(**{**data, **overrides})


def support_by(idea, count):
    for _ in range(count):
        SupportFactory(idea=idea)


# --- Proposing ----------------------------------------------------------------------------------


def test_a_new_idea_waits_for_a_check_and_the_centre_is_told(
    centre, parent, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        idea = propose(parent, centre, can_help=True, help_offer="I can make toast")

    assert idea.status == S.SUBMITTED
    assert idea.help_offer == "I can make toast"
    assert list(public_ideas()) == []
    assert [m.to for m in mail.outbox] == [[manager.email]]
    assert "New idea to check" in mail.outbox[0].subject


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", services.TITLE_EMPTY),
        ("title", "   ", services.TITLE_EMPTY),
        ("title", "x" * 121, services.TITLE_TOO_LONG),
        ("description", "", services.DESCRIPTION_EMPTY),
        ("description", "x" * 3001, services.DESCRIPTION_TOO_LONG),
        ("audience", "martians", services.AUDIENCE_UNKNOWN),
    ],
)
def test_bad_proposals_are_refused_and_nothing_is_written(centre, parent, field, value, message):
    with pytest.raises(CodesignError) as refused:
        propose(parent, centre, **{field: value})
    assert refused.value.message == message
    assert refused.value.field == field
    assert not Idea.objects.exists()


def test_limits_are_inclusive(centre, parent):
    idea = propose(parent, centre, title="x" * 120, description="y" * 3000)
    assert len(idea.title) == 120


def test_an_unverified_parent_cannot_propose(centre):
    with pytest.raises(CodesignError, match="confirm your e-mail"):
        propose(UserFactory(verified=False), centre)
    assert not Idea.objects.exists()


def test_an_idea_for_an_unknown_centre_is_refused(parent, centre):
    with pytest.raises(CodesignError) as refused:
        propose(parent, centre, centre_id=centre.pk + 999)
    assert refused.value.field == "centre"


def test_a_parent_may_propose_five_ideas_a_day(centre, parent):
    for n in range(services.IDEAS_PER_DAY):
        propose(parent, centre, title=f"Idea {n}")
    with pytest.raises(CodesignError) as refused:
        propose(parent, centre, title="One too many")
    assert "up to 5 ideas a day" in refused.value.message
    assert Idea.objects.count() == 5
    # A day later the window has moved on.
    Idea.objects.update(created_at=timezone.now() - timedelta(hours=25))
    propose(parent, centre, title="Next day")
    # Another parent is not held back by the first one's ideas.
    propose(UserFactory(), centre, title="Someone else's")


# --- The lifecycle ------------------------------------------------------------------------------


ALL = list(S)


@pytest.mark.parametrize(
    ("start", "target"),
    [(a, b) for a in ALL for b in ALL if not lifecycle.is_move(a, b)],
)
def test_every_change_outside_the_lifecycle_is_refused(start, target, centre, superuser):
    idea = IdeaFactory(centre=centre, status=start)
    with pytest.raises(CodesignError, match="cannot be"):
        services._move(Idea.objects.get(pk=idea.pk), target, by=superuser)
    idea.refresh_from_db()
    assert idea.status == start
    assert not IdeaDecision.objects.exists()


def test_the_lifecycle_from_proposal_to_acceptance_is_recorded(
    centre, parent, manager, django_capture_on_commit_callbacks
):
    idea = propose(parent, centre)
    services.publish_idea(idea=idea, by=manager)
    services.start_review(idea=idea, by=manager)
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_idea(idea=idea, by=manager, response="Starting in May.")

    idea.refresh_from_db()
    assert idea.status == S.ACCEPTED
    assert idea.response == "Starting in May."
    history = list(idea.decisions.values_list("from_status", "to_status", "decided_by"))
    assert history == [
        (S.SUBMITTED, S.PUBLISHED, manager.pk),
        (S.PUBLISHED, S.UNDER_REVIEW, manager.pk),
        (S.UNDER_REVIEW, S.ACCEPTED, manager.pk),
    ]
    assert mail.outbox[-1].to == [parent.email]
    assert "Starting in May." in mail.outbox[-1].body


def test_a_parent_cannot_publish_or_decide(idea, other_parent):
    idea.status = S.SUBMITTED
    idea.save()
    with pytest.raises(CodesignError, match="Only the centre's team"):
        services.publish_idea(idea=idea, by=other_parent)
    idea.status = S.UNDER_REVIEW
    idea.save()
    with pytest.raises(CodesignError, match="Only the centre's team"):
        services.accept_idea(idea=idea, by=other_parent, response="Yes")
    assert not IdeaDecision.objects.exists()


def test_another_centres_manager_cannot_moderate_or_decide(idea, other_manager):
    idea.status = S.SUBMITTED
    idea.save()
    with pytest.raises(CodesignError):
        services.publish_idea(idea=idea, by=other_manager)
    idea.status = S.UNDER_REVIEW
    idea.save()
    with pytest.raises(CodesignError):
        services.decline_idea(idea=idea, by=other_manager, reason="No")
    idea.refresh_from_db()
    assert idea.status == S.UNDER_REVIEW


def test_rejection_needs_a_reason_that_the_proposer_sees(
    centre, parent, manager, django_capture_on_commit_callbacks
):
    idea = propose(parent, centre)
    with pytest.raises(CodesignError, match="Give a reason"):
        services.reject_idea(idea=idea, by=manager, reason="  ")
    idea.refresh_from_db()
    assert idea.status == S.SUBMITTED

    with django_capture_on_commit_callbacks(execute=True):
        services.reject_idea(idea=idea, by=manager, reason="We already run this on Mondays.")
    idea.refresh_from_db()
    assert idea.status == S.REJECTED
    assert mail.outbox[-1].to == [parent.email]
    assert "We already run this on Mondays." in mail.outbox[-1].body


def test_declining_needs_a_public_reason(idea, manager):
    idea.status = S.UNDER_REVIEW
    idea.save()
    with pytest.raises(CodesignError) as refused:
        services.decline_idea(idea=idea, by=manager, reason="")
    assert refused.value.field == "response"
    idea.refresh_from_db()
    assert idea.status == S.UNDER_REVIEW
    services.decline_idea(idea=idea, by=manager, reason="No room on Saturdays.")
    idea.refresh_from_db()
    assert (idea.status, idea.response) == (S.DECLINED, "No room on Saturdays.")


def test_accepting_needs_a_response(idea, manager):
    idea.status = S.UNDER_REVIEW
    idea.save()
    with pytest.raises(CodesignError, match="Say what will happen"):
        services.accept_idea(idea=idea, by=manager, response="")
    idea.refresh_from_db()
    assert idea.status == S.UNDER_REVIEW


def test_the_proposer_may_withdraw_until_the_centre_decides(idea, parent, other_parent):
    with pytest.raises(CodesignError):
        services.withdraw_idea(idea=idea, by=other_parent)
    services.withdraw_idea(idea=idea, by=parent)
    idea.refresh_from_db()
    assert idea.status == S.WITHDRAWN

    decided = IdeaFactory(proposer=parent, centre=idea.centre, status=S.ACCEPTED)
    with pytest.raises(CodesignError, match="cannot be withdrawn"):
        services.withdraw_idea(idea=decided, by=parent)


# --- Scheduling ---------------------------------------------------------------------------------


def test_scheduling_links_the_centres_activity_and_tells_supporters(
    idea, manager, activity, other_parent, django_capture_on_commit_callbacks
):
    SupportFactory(idea=idea, parent=other_parent)
    idea.status = S.UNDER_REVIEW
    idea.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.schedule_idea(idea=idea, by=manager, activity=activity, response="")

    idea.refresh_from_db()
    assert idea.status == S.SCHEDULED
    assert idea.activity == activity
    assert "Saturday breakfast club" in idea.response
    assert sorted(m.to[0] for m in mail.outbox) == sorted([idea.proposer.email, other_parent.email])


def test_an_accepted_idea_can_be_scheduled_later(idea, manager, activity):
    idea.status = S.ACCEPTED
    idea.save()
    services.schedule_idea(idea=idea, by=manager, activity=activity, response="Every Saturday.")
    idea.refresh_from_db()
    assert idea.status == S.SCHEDULED


def test_scheduling_onto_another_centres_activity_is_refused(idea, manager, other_activity):
    idea.status = S.UNDER_REVIEW
    idea.save()
    with pytest.raises(CodesignError) as refused:
        services.schedule_idea(idea=idea, by=manager, activity=other_activity)
    assert refused.value.field == "activity"
    idea.refresh_from_db()
    assert (idea.status, idea.activity) == (S.UNDER_REVIEW, None)


def test_scheduling_needs_an_activity(idea, manager):
    idea.status = S.UNDER_REVIEW
    idea.save()
    with pytest.raises(CodesignError, match="Choose the activity"):
        services.schedule_idea(idea=idea, by=manager, activity=None)


def test_a_published_idea_cannot_be_scheduled_without_review(idea, manager, activity):
    with pytest.raises(CodesignError, match="cannot be scheduled"):
        services.schedule_idea(idea=idea, by=manager, activity=activity)
    idea.refresh_from_db()
    assert idea.activity is None


# --- Support ------------------------------------------------------------------------------------


def test_a_parent_supports_once_and_may_take_it_back(idea, other_parent):
    services.support_idea(idea=idea, parent=other_parent)
    with pytest.raises(CodesignError, match="already support"):
        services.support_idea(idea=idea, parent=other_parent)
    assert Support.objects.filter(idea=idea).count() == 1

    services.withdraw_support(idea=idea, parent=other_parent)
    assert not Support.objects.exists()
    with pytest.raises(CodesignError, match="nothing to take back"):
        services.withdraw_support(idea=idea, parent=other_parent)


def test_supporting_ones_own_idea_twice_is_refused(idea, parent):
    services.support_idea(idea=idea, parent=parent)
    with pytest.raises(CodesignError, match="already support"):
        services.support_idea(idea=idea, parent=parent)
    assert Support.objects.count() == 1


@pytest.mark.parametrize(
    "status", [S.SUBMITTED, S.REJECTED, S.WITHDRAWN, S.DECLINED, S.ACCEPTED, S.SCHEDULED]
)
def test_ideas_that_are_not_open_cannot_be_supported(centre, other_parent, status):
    idea = IdeaFactory(centre=centre, status=status)
    with pytest.raises(CodesignError, match="not open for support"):
        services.support_idea(idea=idea, parent=other_parent)
    assert not Support.objects.exists()


def test_an_unverified_parent_cannot_support(idea):
    with pytest.raises(CodesignError, match="confirm your e-mail"):
        services.support_idea(idea=idea, parent=UserFactory(verified=False))
    assert not Support.objects.exists()


def test_reaching_the_threshold_puts_the_idea_under_review_and_tells_managers(
    idea, manager, other_manager, django_capture_on_commit_callbacks
):
    support_by(idea, 9)
    last = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.support_idea(idea=idea, parent=last)

    idea.refresh_from_db()
    assert idea.status == S.UNDER_REVIEW
    decision = idea.decisions.get()
    assert (decision.decided_by, decision.to_status) == (None, S.UNDER_REVIEW)
    to_managers = [m for m in mail.outbox if "needs your decision" in m.subject]
    assert [m.to for m in to_managers] == [[manager.email]]


def test_below_the_threshold_the_idea_stays_open(idea, manager):
    support_by(idea, 8)
    services.support_idea(idea=idea, parent=UserFactory())
    idea.refresh_from_db()
    assert idea.status == S.PUBLISHED


def test_each_centre_sets_its_own_threshold(idea, manager, other_manager):
    support_by(idea, 3)
    with pytest.raises(CodesignError):
        services.update_idea_settings(centre=idea.centre, by=other_manager, support_threshold=2)
    with pytest.raises(CodesignError) as refused:
        services.update_idea_settings(centre=idea.centre, by=manager, support_threshold=0)
    assert refused.value.field == "support_threshold"
    idea.refresh_from_db()
    assert idea.status == S.PUBLISHED

    # Lowering the threshold below an idea's support sends it to review at once.
    services.update_idea_settings(centre=idea.centre, by=manager, support_threshold=3)
    idea.refresh_from_db()
    assert idea.status == S.UNDER_REVIEW


def test_support_counts_come_from_the_rows(idea, other_parent):
    support_by(idea, 3)
    services.support_idea(idea=idea, parent=other_parent)
    assert public_ideas().get(pk=idea.pk).support_count == 4
    services.withdraw_support(idea=idea, parent=other_parent)
    assert public_ideas().get(pk=idea.pk).support_count == 3


def test_support_cannot_change_after_a_decision(idea, other_parent, manager):
    SupportFactory(idea=idea, parent=other_parent)
    idea.status = S.ACCEPTED
    idea.save()
    with pytest.raises(CodesignError, match="already decided"):
        services.withdraw_support(idea=idea, parent=other_parent)
    assert Support.objects.count() == 1


# --- Comments -----------------------------------------------------------------------------------


def test_comments_are_stored_as_written_and_refused_when_empty_or_long(idea, other_parent):
    comment = services.add_comment(
        idea=idea, author=other_parent, body="<script>alert(1)</script> yes"
    )
    assert comment.body == "<script>alert(1)</script> yes"
    for body, message in [("  ", services.COMMENT_EMPTY), ("x" * 1001, services.COMMENT_TOO_LONG)]:
        with pytest.raises(CodesignError) as refused:
            services.add_comment(idea=idea, author=other_parent, body=body)
        assert refused.value.message == message
    assert Comment.objects.count() == 1


def test_a_parent_may_post_thirty_comments_an_hour(idea, other_parent):
    for n in range(services.COMMENTS_PER_HOUR):
        CommentFactory(idea=idea, author=other_parent, body=f"Comment {n}")
    with pytest.raises(CodesignError, match="up to 30 comments an hour"):
        services.add_comment(idea=idea, author=other_parent, body="One more")
    assert Comment.objects.count() == 30
    Comment.objects.update(created_at=timezone.now() - timedelta(minutes=61))
    services.add_comment(idea=idea, author=other_parent, body="An hour later")


def test_ideas_that_are_not_public_take_no_comments(centre, other_parent):
    idea = IdeaFactory(centre=centre, status=S.SUBMITTED)
    with pytest.raises(CodesignError, match="closed"):
        services.add_comment(idea=idea, author=other_parent, body="Hello")
    assert not Comment.objects.exists()


def test_reported_comments_are_hidden_or_kept_by_the_centre(
    idea, other_parent, manager, other_manager, django_capture_on_commit_callbacks
):
    comment = CommentFactory(idea=idea)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_comment(comment=comment, reporter=other_parent)
    assert [m.to for m in mail.outbox] == [[manager.email]]
    with pytest.raises(CodesignError, match="already reported"):
        services.report_comment(comment=comment, reporter=other_parent)
    assert CommentReport.objects.count() == 1

    with pytest.raises(CodesignError):
        services.hide_comment(comment=comment, by=other_manager)
    services.hide_comment(comment=comment, by=manager)
    comment.refresh_from_db()
    assert comment.hidden and comment.hidden_by == manager
    assert not CommentReport.objects.filter(resolved_at__isnull=True).exists()

    services.restore_comment(comment=comment, by=manager)
    comment.refresh_from_db()
    assert not comment.hidden


# --- E-mails ------------------------------------------------------------------------------------


def test_people_can_stop_emails_about_one_idea(
    idea, parent, other_parent, manager, django_capture_on_commit_callbacks
):
    SupportFactory(idea=idea, parent=other_parent)
    services.set_idea_notifications(idea=idea, person=other_parent, notify=False)
    services.set_idea_notifications(idea=idea, person=parent, notify=False)
    with pytest.raises(CodesignError):
        services.set_idea_notifications(idea=idea, person=UserFactory(), notify=False)

    with django_capture_on_commit_callbacks(execute=True):
        services.start_review(idea=idea, by=manager)
    assert [m.subject for m in mail.outbox] == []


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_for_a_change_that_rolled_back(idea, manager, other_parent, settings):
    # The portal's own queued backend (the test runner swaps in an immediate one) and a real
    # transaction, so that a rollback can show what it discards.
    settings.EMAIL_BACKEND = "startwell.mail.QueuedEmailBackend"
    SupportFactory(idea=idea, parent=other_parent)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.start_review(idea=idea, by=manager)
        raise RuntimeError
    idea.refresh_from_db()
    assert idea.status == S.PUBLISHED
    assert mail.outbox == []

    services.start_review(idea=idea, by=manager)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([idea.proposer.email, other_parent.email])


# --- Booking opens ------------------------------------------------------------------------------


def test_people_hear_once_when_booking_opens_for_sessions_from_their_idea(
    idea, manager, activity, other_parent
):
    SupportFactory(idea=idea, parent=other_parent)
    quiet = SupportFactory(idea=idea, notify=False)
    idea.status = S.UNDER_REVIEW
    idea.save()
    services.schedule_idea(idea=idea, by=manager, activity=activity, response="Saturdays.")
    mail.outbox.clear()

    opens = timezone.now() + timedelta(days=2)
    session = SessionFactory(
        activity=activity,
        booking_opens=opens,
        start=opens + timedelta(days=5),
        end=opens + timedelta(days=5, hours=1),
    )
    SessionFactory(
        activity=activity,
        booking_opens=opens + timedelta(days=30),
        start=opens + timedelta(days=40),
        end=opens + timedelta(days=40, hours=1),
    )

    assert services.announce_open_bookings() == 0  # not open yet
    assert mail.outbox == []

    assert services.announce_open_bookings(now=opens + timedelta(minutes=5)) == 1
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([idea.proposer.email, other_parent.email])
    assert quiet.parent.email not in recipients
    assert mail.outbox[0].subject == "Booking is open: Saturday breakfast club"
    assert timezone.localtime(session.start).strftime("%A %-d %B, %H:%M") in mail.outbox[0].body

    mail.outbox.clear()
    assert services.announce_open_bookings(now=opens + timedelta(minutes=10)) == 0
    assert mail.outbox == []


def test_open_bookings_are_announced_by_the_scheduler():
    from startwell import periodic

    periodic.discover()
    names = [p.name for p in periodic.registered()]
    assert "codesign.tasks.announce_open_idea_bookings" in names
