"""People around one centre's ideas: parents, the centre's manager, another centre's manager and
a superuser."""

import pytest

from parent_champions.models import Champion
from tests.factories import ActivityPageFactory, UserFactory
from tests.factories.champions import ChampionFactory
from tests.factories.codesign import IdeaFactory


@pytest.fixture
def parent(db):
    return UserFactory(email="parent@example.org", first_name="Asha")


@pytest.fixture
def other_parent(db):
    return UserFactory(email="other.parent@example.org", first_name="Ben")


@pytest.fixture
def manager(centre):
    user = UserFactory(email="manager@example.org")
    user.groups.add(centre.manager_group)
    return user


@pytest.fixture
def other_manager(other_centre):
    user = UserFactory(email="other.manager@example.org")
    user.groups.add(other_centre.manager_group)
    return user


@pytest.fixture
def champion(centre):
    return ChampionFactory(centre=centre, user=UserFactory(email="champion@example.org")).user


@pytest.fixture
def other_champion(other_centre):
    user = UserFactory(email="other.champion@example.org")
    return ChampionFactory(centre=other_centre, user=user).user


@pytest.fixture
def suspended_champion(centre):
    user = UserFactory(email="suspended.champion@example.org")
    return ChampionFactory(centre=centre, user=user, status=Champion.Status.SUSPENDED).user


@pytest.fixture
def superuser(db):
    return UserFactory(email="admin@example.org", is_superuser=True, is_staff=True)


@pytest.fixture
def idea(centre, parent):
    return IdeaFactory(centre=centre, proposer=parent, title="Dads' breakfast club")


@pytest.fixture
def activity(centre):
    return ActivityPageFactory(parent=centre, title="Saturday breakfast club")


@pytest.fixture
def other_activity(other_centre):
    return ActivityPageFactory(parent=other_centre, title="Riverside stay and play")
