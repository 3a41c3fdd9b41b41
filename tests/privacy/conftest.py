"""A family with something of everything the portal keeps: the subject of the download and
deletion tests."""

import datetime
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from bookings import audit
from bookings.models import Attendance, Booking
from tests.factories import (
    ActivityPageFactory,
    BookingFactory,
    ChampionApplicationFactory,
    ChildFactory,
    SessionFactory,
    UserFactory,
)
from tests.factories.codesign import CommentFactory, IdeaFactory, SupportFactory


@dataclass
class Family:
    parent: object
    children: list
    past: Booking
    upcoming: Booking
    waiting: Booking
    idea: object
    comment: object
    names: list = field(default_factory=list)


@pytest.fixture
def family(centre):
    parent = UserFactory(
        email="quillon.family@example.org", first_name="Quillon", last_name="Marchbanks"
    )
    now = timezone.now()
    zephyrine = ChildFactory(
        parent=parent, first_name="Zephyrine", birth_year=now.year - 1, birth_month=now.month
    )
    barnaby = ChildFactory(
        parent=parent, first_name="Barnabus", birth_year=now.year - 3, birth_month=now.month
    )
    activity = ActivityPageFactory(parent=centre, title="Rhyme time")
    past_session = SessionFactory(activity=activity, start=now - datetime.timedelta(days=3))
    past = BookingFactory(
        session=past_session,
        parent=parent,
        places=2,
        attendance=Attendance.ATTENDED,
        access_notes="Quillon uses a wheelchair",
        created_at=now - datetime.timedelta(days=10),
    )
    past.children.set([zephyrine, barnaby])
    audit.record(
        past_session,
        audit.MESSAGED,
        user=None,
        detail="To 1 families. Subject: Bring wellies\n\nWe are going outside, bring wellies.",
        subject="Bring wellies",
        body="We are going outside, bring wellies.",
    )
    upcoming = BookingFactory(session=SessionFactory(activity=activity), parent=parent)
    upcoming.children.set([zephyrine])
    full = SessionFactory(activity=activity, capacity=1)
    BookingFactory(session=full, parent=UserFactory())
    waiting = BookingFactory(
        session=full, parent=parent, status=Booking.Status.WAITING, waiting_since=now
    )
    waiting.children.set([barnaby])
    idea = IdeaFactory(centre=centre, proposer=parent, title="Dads' breakfast club")
    SupportFactory(idea=IdeaFactory(centre=centre, title="Sensory room"), parent=parent)
    comment = CommentFactory(idea=idea, author=parent, body="Saturdays suit working dads.")
    ChampionApplicationFactory(parent=parent, centre=centre)
    return Family(
        parent=parent,
        children=[zephyrine, barnaby],
        past=past,
        upcoming=upcoming,
        waiting=waiting,
        idea=idea,
        comment=comment,
        names=["quillon.family@example.org", "Quillon", "Marchbanks", "Zephyrine", "Barnabus"],
    )
