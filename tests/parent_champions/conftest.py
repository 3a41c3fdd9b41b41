"""People and sessions for the champions tests: a centre A (`centre`) and a centre B
(`other_centre`), each with a champion and a manager, and sessions at A."""

import datetime

import pytest
from django.utils import timezone

from cms.services import ensure_centre_manager_group
from tests.accounts import activate_totp
from tests.factories import (
    ActivityPageFactory,
    BookingFactory,
    ChampionFactory,
    ChildFactory,
    HostingFactory,
    SessionFactory,
    UserFactory,
)


def started_earlier_today() -> datetime.datetime:
    """A start time earlier today (half-way between midnight and now), so no-shows are allowed."""
    now = timezone.localtime()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight + (now - midnight) / 2


def starting_later_today() -> datetime.datetime:
    now = timezone.localtime()
    next_midnight = now.replace(hour=0, minute=0, second=0, microsecond=0) + datetime.timedelta(
        days=1
    )
    return now + (next_midnight - now) / 2


def in_days(days: int, hour: int = 10) -> datetime.datetime:
    return (timezone.localtime() + datetime.timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


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


def book(session, *, first_name="Jo", last_name="Bloggs", children=1, **kwargs):
    """A confirmed booking for a household with `children` two-year-olds."""
    parent = UserFactory(first_name=first_name, last_name=last_name)
    kids = [ChildFactory(parent=parent, first_name=f"{first_name}kid{i}") for i in range(children)]
    booking = BookingFactory(session=session, parent=parent, places=children, **kwargs)
    booking.children.set(kids)
    return booking


def logged(session, action: str) -> list[tuple[int, str]]:
    """(who, detail) of each entry of this kind in the session's audit trail, oldest first.
    `action` is the part after "startwell.register." or "startwell.session." when it has no dot."""
    from bookings.models import SessionLogEntry

    if "." not in action:
        action = f"startwell.register.{action}"
    entries = SessionLogEntry.objects.filter(session=session, action=action).order_by(
        "timestamp", "pk"
    )
    return [(entry.user_id, entry.data.get("detail", "")) for entry in entries]


def act(action: str, **kwargs):
    """Runs one register action by its name in the table, as the register's buttons do."""
    from parent_champions.services.registers import run_register_action

    return run_register_action(action=action, **kwargs)
