"""A session yesterday that a family came to (marked on the register), and one they missed."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from bookings.models import Attendance
from tests.factories import ActivityPageFactory, BookingFactory, SessionFactory, UserFactory


def yesterday_at(hour: int) -> datetime.datetime:
    return (timezone.localtime() - datetime.timedelta(days=1)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


@pytest.fixture
def activity(centre):
    return ActivityPageFactory(parent=centre, title="Stay and play")


@pytest.fixture
def yesterday(activity):
    return SessionFactory(activity=activity, start=yesterday_at(10), end=yesterday_at(11))


@pytest.fixture
def came(yesterday):
    family = UserFactory(email="came@example.org", first_name="Amira", last_name="Khan")
    return BookingFactory(session=yesterday, parent=family, attendance=Attendance.ATTENDED)


def link_in(body: str) -> str:
    """The token of the feedback link in a message."""
    return re.search(r"/feedback/([^/\s]+)/", body).group(1)


@pytest.fixture
def asked(came):
    """The family who came, asked for feedback: the token of the link in their e-mail."""
    from feedback import services

    services.ask_for_feedback()
    return link_in(mail.outbox[-1].body)
