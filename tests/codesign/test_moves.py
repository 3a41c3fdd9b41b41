"""The moves a person may make on an idea, as the idea's page asks them of the selectors: the
proposer withdraws, the centre's team checks, managers take into review and decide, the portal
takes ideas into review at the threshold, and visitors may do nothing."""

import pytest
from django.contrib.auth.models import AnonymousUser

from codesign.models import IdeaStatus
from codesign.selectors import may_move, moves_allowed
from tests.factories.codesign import IdeaFactory

S = IdeaStatus
pytestmark = pytest.mark.django_db


def test_a_submitted_idea_is_checked_by_the_centres_team_and_withdrawn_by_its_proposer(
    centre, parent, other_parent, champion, manager, other_manager
):
    idea = IdeaFactory(centre=centre, proposer=parent, status=S.SUBMITTED)
    assert moves_allowed(parent, idea) == {S.WITHDRAWN}
    assert moves_allowed(champion, idea) == {S.PUBLISHED, S.REJECTED}
    assert moves_allowed(manager, idea) == {S.PUBLISHED, S.REJECTED}
    assert moves_allowed(other_parent, idea) == set()
    assert moves_allowed(other_manager, idea) == set()
    assert moves_allowed(AnonymousUser(), idea) == set()


def test_only_managers_and_the_portal_take_a_published_idea_into_review(
    centre, parent, champion, manager
):
    idea = IdeaFactory(centre=centre, proposer=parent, status=S.PUBLISHED)
    assert moves_allowed(manager, idea) == {S.UNDER_REVIEW}
    assert moves_allowed(champion, idea) == set()
    assert may_move(None, idea, S.UNDER_REVIEW)
    assert not may_move(None, idea, S.WITHDRAWN)


def test_managers_decide_on_ideas_under_review_and_the_proposer_may_still_withdraw(
    centre, parent, champion, manager, superuser
):
    idea = IdeaFactory(centre=centre, proposer=parent, status=S.UNDER_REVIEW)
    assert moves_allowed(manager, idea) == {S.ACCEPTED, S.DECLINED, S.SCHEDULED}
    assert moves_allowed(superuser, idea) == {S.ACCEPTED, S.DECLINED, S.SCHEDULED}
    assert moves_allowed(champion, idea) == set()
    assert moves_allowed(parent, idea) == {S.WITHDRAWN}


@pytest.mark.parametrize("status", [S.REJECTED, S.DECLINED, S.SCHEDULED, S.WITHDRAWN])
def test_nobody_moves_an_idea_the_centre_has_finished_with(status, centre, parent, superuser):
    idea = IdeaFactory(centre=centre, proposer=parent, status=status)
    assert moves_allowed(superuser, idea) == set()
    assert moves_allowed(parent, idea) == set()
