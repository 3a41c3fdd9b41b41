"""The admin home shows a manager their centres' week: sessions with places left, ideas
waiting for a decision, champion checks lapsing."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from codesign.models import Idea, IdeaStatus
from parent_champions.models import Champion
from tests.accounts import activate_totp, sign_in
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
        (centre, IdeaStatus.ACCEPTED),  # accepted, still to be scheduled: waiting too
        (centre, IdeaStatus.PUBLISHED),
        (centre, IdeaStatus.SCHEDULED),
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
    assert '<a href="/ideas/manage/">Ideas waiting for a decision</a>: <strong>2</strong>' in html
    assert "check lapsed or missing</a>: <strong>1</strong>" in html
    # The ideas queue counts the same ideas.
    queue = client.get("/ideas/manage/").content.decode()
    assert "Ideas waiting for a decision (2)" in queue


def test_manager_reaches_ideas_and_champions_from_the_admin_menu(client, manager, manager_totp):
    sign_in(client, manager, totp_secret=manager_totp)

    html = client.get("/admin/").content.decode()

    # The sidebar is drawn from a JSON description of the menu.
    assert '"/ideas/manage/"' in html
    assert '"/champions/manage/"' in html
    # Ours and Wagtail's reports are told apart.
    assert '"Centre reports"' in html
    assert '"Site reports"' in html
    assert '"Reports"' not in html
    # No avatars fetched from gravatar.com with a hash of the manager's e-mail address.
    assert "gravatar" not in html


def test_the_admin_menu_leaves_out_what_someone_cannot_use(client, centre):
    editor = UserFactory()
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    activate_totp(editor)
    client.force_login(editor)

    html = client.get("/admin/").content.decode()

    assert "/ideas/manage/" not in html
    assert "/champions/manage/" not in html
    assert "Centre reports" not in html
