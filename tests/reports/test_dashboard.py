"""The admin home shows a manager their centres' week: sessions with places left, ideas
waiting for a decision, champion checks lapsing."""

import datetime

import pytest
from django.utils import timezone

from codesign.models import Idea, IdeaStatus
from parent_champions.models import Champion
from tests.accounts import sign_in
from tests.factories import ActivityPageFactory, BookingFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_manager_sees_their_week_on_the_admin_home(
    client, manager, manager_totp, centre, other_centre
):
    soon = timezone.now() + datetime.timedelta(minutes=5)
    ours = SessionFactory(
        activity=ActivityPageFactory(parent=centre, title="Rhyme time"), start=soon
    )
    BookingFactory(session=ours, places=3)
    full = SessionFactory(
        activity=ActivityPageFactory(parent=centre, title="Full session"), start=soon, capacity=1
    )
    BookingFactory(session=full)
    SessionFactory(activity=ActivityPageFactory(parent=other_centre, title="Theirs"), start=soon)
    for where, status in [
        (centre, IdeaStatus.UNDER_REVIEW),
        (centre, IdeaStatus.PUBLISHED),
        (other_centre, IdeaStatus.UNDER_REVIEW),
    ]:
        Idea.objects.create(
            centre=where, title="Idea", description="Idea", audience="toddlers", status=status
        )
    Champion.objects.create(user=UserFactory(), centre=centre)  # no checks recorded
    sign_in(client, manager, totp_secret=manager_totp)

    html = client.get("/admin/").content.decode()

    assert "Your centres this week" in html
    assert "Rhyme time" in html
    assert "7 of 10" in html
    assert "Full session" not in html
    assert "Theirs" not in html
    assert "Ideas waiting for a decision: <strong>1</strong>" in html
    assert "check lapsed or missing: <strong>1</strong>" in html
