"""Every message is written in its recipient's language (the one saved on their account),
whoever sends it: the task worker at night, a manager in English, a champion in Polish. Each
template is seen being rendered with the recipient's language active; the words themselves
are the translations' business (locale/*/LC_MESSAGES/django.po)."""

import datetime

import pytest
from django.core import mail
from django.test.signals import template_rendered
from django.utils import timezone, translation
from django.utils.translation import gettext

from bookings import notifications
from bookings.tasks import send_session_reminders
from codesign import notifications as idea_notifications
from codesign.models import IdeaStatus
from parent_champions.services.registers import message_families
from startwell.languages import addresses_by_language, language_of, speaking_to
from tests.factories import ActivityPageFactory, BookingFactory, SessionFactory, UserFactory
from tests.factories.codesign import IdeaFactory, SupportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rendered():
    """(template name, language active while it was rendered, its context) for each template."""
    seen = []

    def record(sender, template, context, **kwargs):
        seen.append((template.name, translation.get_language(), context))

    template_rendered.connect(record)
    yield seen
    template_rendered.disconnect(record)


@pytest.fixture
def families():
    return {
        "pl": UserFactory(email="agnieszka@example.org", language="pl"),
        "ur": UserFactory(email="imran@example.org", language="ur"),
        "en-gb": UserFactory(email="jo@example.org"),  # never chose: English
    }


def test_speaking_to_someone_uses_their_language_and_then_restores_ours(families):
    with speaking_to(families["pl"]):
        assert gettext("This field is required.") == "To pole jest wymagane."  # Django's own
    with speaking_to(families["en-gb"]):
        assert translation.get_language() == "en-gb"
    with speaking_to(None):  # nobody to write to: whatever was active
        assert translation.get_language() == "en-gb"
    assert translation.get_language() == "en-gb"


def test_a_language_no_longer_offered_falls_back_to_english():
    assert language_of(UserFactory.build(language="de")) == "en-gb"
    assert language_of(None) == "en-gb"


def test_the_workers_reminders_are_each_in_the_familys_language(centre, families, rendered):
    activity = ActivityPageFactory(parent=centre, title="Stay and play")
    tomorrow = (timezone.localtime() + datetime.timedelta(days=1)).replace(hour=10, minute=0)
    session = SessionFactory(activity=activity, start=tomorrow)
    for person in families.values():
        BookingFactory(session=session, parent=person)

    with translation.override("en-gb"):  # the worker's own language
        assert send_session_reminders.enqueue().return_value == 3

    reminders = [
        (lang, ctx["booking"].parent) for name, lang, ctx in rendered if "reminder" in name
    ]
    assert sorted(lang for lang, _ in reminders) == ["en-gb", "pl", "ur"]
    assert all(lang == language_of(parent) for lang, parent in reminders)
    assert translation.get_language() == "en-gb"


def test_a_booking_confirmation_is_in_the_familys_language_whoever_confirms_it(
    centre, families, rendered, django_capture_on_commit_callbacks
):
    booking = BookingFactory(
        session=SessionFactory(activity=ActivityPageFactory(parent=centre)),
        parent=families["pl"],
    )

    with translation.override("ur"), django_capture_on_commit_callbacks(execute=True):
        notifications.booking_confirmed(booking)

    assert [lang for name, lang, _ in rendered if "booking_confirmed" in name] == ["pl"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].attachments[0][0].endswith(".ics")


def test_addresses_are_grouped_by_their_accounts_language(families, django_assert_num_queries):
    with django_assert_num_queries(1):
        groups = addresses_by_language(
            ["imran@example.org", "agnieszka@example.org", "jo@example.org", "no-account@x.org"]
        )

    assert groups == {
        "ur": ["imran@example.org"],
        "pl": ["agnieszka@example.org"],
        "en-gb": ["jo@example.org", "no-account@x.org"],
    }


def test_news_of_an_idea_reaches_each_follower_in_their_language(centre, families, rendered):
    idea = IdeaFactory(centre=centre, proposer=families["en-gb"], status=IdeaStatus.ACCEPTED)
    SupportFactory(idea=idea, parent=families["pl"])
    SupportFactory(idea=idea, parent=families["ur"])

    idea_notifications.status_changed(idea=idea, from_status=IdeaStatus.UNDER_REVIEW)

    renders = sorted(lang for name, lang, _ in rendered if "status_changed" in name)
    assert renders == ["en-gb", "pl", "ur"]  # once per language, not per person


def test_a_message_to_the_families_reaches_each_in_their_language(
    centre, families, rendered, manager
):
    session = SessionFactory(activity=ActivityPageFactory(parent=centre))
    for person in families.values():
        BookingFactory(session=session, parent=person)

    with translation.override("pl"):  # the sender reads the site in Polish
        sent = message_families(user=manager, session=session, subject="Wellies", body="Mud!")

    assert sent == 3
    renders = sorted(lang for name, lang, _ in rendered if "message_to_families" in name)
    assert renders == ["en-gb", "pl", "ur"]
