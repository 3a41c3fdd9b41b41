"""Only a centre's team moderates and decides on its ideas. Each moderation and decision URL is
tried by an anonymous visitor, a parent, champions (of this centre, of another, suspended), a
manager of another centre, the centre's manager and a superuser; refusals change nothing.
The centre's active champions moderate; only managers decide."""

import pytest
from django.urls import reverse

from codesign.models import CentreIdeaSettings, Comment, IdeaStatus
from tests.factories import UserFactory
from tests.factories.codesign import CommentFactory, IdeaFactory

S = IdeaStatus


# Each action makes what it needs and returns (url, POST data or None for a GET, a check that
# the action took effect or None).


def _idea(centre, status):
    return IdeaFactory(centre=centre, status=status)


def moderate_get(centre, activity):
    idea = _idea(centre, S.SUBMITTED)
    return reverse("codesign:moderate", args=[idea.pk]), None, None


def moderate_post(centre, activity):
    idea = _idea(centre, S.SUBMITTED)

    def done():
        idea.refresh_from_db()
        return idea.status == S.PUBLISHED

    return reverse("codesign:moderate", args=[idea.pk]), {"decision": "publish"}, done


def reject_post(centre, activity):
    idea = _idea(centre, S.SUBMITTED)

    def done():
        idea.refresh_from_db()
        return idea.status == S.REJECTED

    url = reverse("codesign:moderate", args=[idea.pk])
    return url, {"decision": "reject", "reason": "Already running."}, done


def review_post(centre, activity):
    idea = _idea(centre, S.PUBLISHED)

    def done():
        idea.refresh_from_db()
        return idea.status == S.UNDER_REVIEW

    return reverse("codesign:review", args=[idea.pk]), {}, done


def decide_get(centre, activity):
    idea = _idea(centre, S.UNDER_REVIEW)
    return reverse("codesign:decide", args=[idea.pk]), None, None


def accept_post(centre, activity):
    idea = _idea(centre, S.UNDER_REVIEW)

    def done():
        idea.refresh_from_db()
        return idea.status == S.ACCEPTED

    url = reverse("codesign:decide", args=[idea.pk])
    return url, {"decision": "accept", "response": "From May."}, done


def decline_post(centre, activity):
    idea = _idea(centre, S.UNDER_REVIEW)

    def done():
        idea.refresh_from_db()
        return idea.status == S.DECLINED

    url = reverse("codesign:decide", args=[idea.pk])
    return url, {"decision": "decline", "response": "No room."}, done


def schedule_post(centre, activity):
    idea = _idea(centre, S.UNDER_REVIEW)

    def done():
        idea.refresh_from_db()
        return idea.status == S.SCHEDULED and idea.activity_id == activity.pk

    url = reverse("codesign:decide", args=[idea.pk])
    return url, {"decision": "schedule", "activity": activity.pk, "response": ""}, done


def hide_post(centre, activity):
    comment = CommentFactory(idea=_idea(centre, S.PUBLISHED))

    def done():
        return Comment.objects.get(pk=comment.pk).hidden

    return reverse("codesign:hide_comment", args=[comment.pk]), {}, done


def restore_post(centre, activity):
    comment = CommentFactory(idea=_idea(centre, S.PUBLISHED), hidden=True)

    def done():
        return not Comment.objects.get(pk=comment.pk).hidden

    return reverse("codesign:restore_comment", args=[comment.pk]), {}, done


def settings_get(centre, activity):
    return reverse("codesign:settings", args=[centre.pk]), None, None


def settings_post(centre, activity):
    def done():
        return CentreIdeaSettings.objects.filter(centre=centre, support_threshold=4).exists()

    return reverse("codesign:settings", args=[centre.pk]), {"support_threshold": 4}, done


# What the centre's active champions may do besides managers: moderation, not decisions.
MODERATION = {moderate_get, moderate_post, reject_post, hide_post, restore_post}

ACTIONS = [
    moderate_get,
    moderate_post,
    reject_post,
    review_post,
    decide_get,
    accept_post,
    decline_post,
    schedule_post,
    hide_post,
    restore_post,
    settings_get,
    settings_post,
]

ROLES = [
    "anonymous",
    "parent",
    "champion",
    "other_champion",
    "suspended_champion",
    "other_manager",
    "manager",
    "superuser",
]


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.__name__)
@pytest.mark.parametrize("role", ROLES)
def test_only_the_centres_team_moderates_and_decides(
    client, request, centre, activity, action, role
):
    url, data, done = action(centre, activity)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))

    response = client.get(url) if data is None else client.post(url, data)

    allowed = role in {"manager", "superuser"} or (role == "champion" and action in MODERATION)
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif not allowed:
        assert response.status_code == 403
    else:
        assert response.status_code == (200 if data is None else 302), response.content[:2000]
    if done is not None:
        assert done() is allowed


def test_the_queue_is_for_the_team_only(client, centre, parent, manager, other_manager):
    submitted = IdeaFactory(centre=centre, status=S.SUBMITTED, title="Waiting for a check")
    url = reverse("codesign:manage")

    assert client.get(url).status_code == 302
    client.force_login(parent)
    assert client.get(url).status_code == 403

    client.force_login(other_manager)
    response = client.get(url)
    assert response.status_code == 200
    assert "Waiting for a check" not in response.content.decode()

    client.force_login(manager)
    response = client.get(url)
    assert submitted.title in response.content.decode()


@pytest.mark.parametrize(
    "name", ["moderate", "review", "decide", "support", "unsupport", "comment", "withdraw"]
)
def test_tampered_idea_ids_answer_404(client, manager, name):
    client.force_login(manager)
    url = reverse(f"codesign:{name}", args=[987654])
    assert client.post(url, {"decision": "publish"}).status_code == 404


@pytest.mark.parametrize(
    "name", ["support", "unsupport", "comment", "withdraw", "review", "notifications"]
)
def test_state_changes_are_post_only(client, idea, manager, name):
    client.force_login(manager)
    assert client.get(reverse(f"codesign:{name}", args=[idea.pk])).status_code == 405


def test_staff_without_a_second_factor_are_sent_to_set_one_up(client, centre):
    manager = UserFactory(email="new.manager@example.org")
    manager.groups.add(centre.manager_group)
    idea = IdeaFactory(centre=centre, status=S.SUBMITTED)
    client.force_login(manager)

    for url in [reverse("codesign:manage"), reverse("codesign:moderate", args=[idea.pk])]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_index")
    response = client.post(reverse("codesign:moderate", args=[idea.pk]), {"decision": "publish"})
    assert response["Location"] == reverse("mfa_index")
    idea.refresh_from_db()
    assert idea.status == S.SUBMITTED
