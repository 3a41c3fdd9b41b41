"""People and sessions for the champions tests: a centre A (`centre`) and a centre B
(`other_centre`), each with a champion and a manager, and sessions at A."""

import datetime

import pytest

from cms.services import ensure_centre_manager_group
from tests.accounts import activate_totp
from tests.factories import (
    ActivityPageFactory,
    ChampionFactory,
    HostingFactory,
    SessionFactory,
    UserFactory,
)
from tests.support.times import in_days, started_earlier_today


@pytest.fixture(autouse=True)
def commit_hooks(django_capture_on_commit_callbacks):
    """E-mails are queued when a transaction commits; run those hooks as they are registered."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        yield callbacks


@pytest.fixture
def activity(centre):
    return ActivityPageFactory(parent=centre, title="Stay and play", delivered_by="champions")


@pytest.fixture
def other_activity(other_centre):
    return ActivityPageFactory(parent=other_centre, title="Baby massage")


@pytest.fixture
def session_today(activity):
    """Started earlier today: check-ins, walk-ins and no-shows are all allowed."""
    start = started_earlier_today()
    return SessionFactory(
        activity=activity, start=start, end=start + datetime.timedelta(hours=2), capacity=4
    )


@pytest.fixture
def session_tomorrow(activity):
    return SessionFactory(activity=activity, start=in_days(1), capacity=4)


@pytest.fixture
def other_session(other_activity):
    return SessionFactory(activity=other_activity, start=started_earlier_today(), capacity=4)


@pytest.fixture
def champion(centre, activity):
    """Champion of centre A, hosting the activity."""
    champion = ChampionFactory(
        centre=centre, user=UserFactory(first_name="Chris", last_name="Host")
    )
    HostingFactory(champion=champion, activity=activity)
    return champion


@pytest.fixture
def other_champion(other_centre, other_activity):
    champion = ChampionFactory(centre=other_centre)
    HostingFactory(champion=champion, activity=other_activity)
    return champion


@pytest.fixture
def manager(centre):
    """Manager of centre A, with the second factor staff need."""
    user = UserFactory(first_name="Morgan", last_name="Manager")
    user.groups.add(ensure_centre_manager_group(centre=centre))
    activate_totp(user)
    return user


@pytest.fixture
def other_manager(other_centre):
    user = UserFactory()
    user.groups.add(ensure_centre_manager_group(centre=other_centre))
    activate_totp(user)
    return user


@pytest.fixture
def superuser(db):
    user = UserFactory(is_superuser=True, is_staff=True)
    activate_totp(user)
    return user


@pytest.fixture
def parent(db):
    return UserFactory(first_name="Pat", last_name="Parent")
