"""The data migration that gave sessions their own audit trail: entries about sessions in
Wagtail's general log move to it, with the centre that may read them, and leave the general log."""

import importlib

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import ModelLogEntry

from bookings.models import Session, SessionLogEntry
from cms.models import CentrePage
from tests.factories import ActivityPageFactory, SessionFactory

migration = importlib.import_module("bookings.migrations.0005_session_log_entries")


def general_log_entry(object_id, action: str, model=Session) -> ModelLogEntry:
    """An entry as the general log held it (its old action names are no longer registered,
    so it is written without the log's validation)."""
    [entry] = ModelLogEntry.objects.bulk_create(
        [
            ModelLogEntry(
                content_type=ContentType.objects.get_for_model(model),
                label="Stay and play, 7 December",
                action=action,
                object_id=str(object_id),
                data={"reason": "Flooded hall"},
                timestamp=timezone.now(),
            )
        ]
    )
    return entry


def test_session_entries_move_to_the_sessions_trail_with_their_centre(centre, manager):
    session = SessionFactory(activity=ActivityPageFactory(parent=centre))
    cancelled = general_log_entry(session.pk, "bookings.cancel_session")
    edited = general_log_entry(session.pk, "wagtail.edit")
    general_log_entry(session.pk + 1000, "wagtail.edit")  # a session since deleted
    page_entry = general_log_entry(centre.pk, "wagtail.edit", model=CentrePage)

    migration.move_session_entries(apps, None)

    moved = SessionLogEntry.objects.filter(session=session).order_by("action")
    assert [(e.action, e.centre_id, e.label) for e in moved] == [
        ("startwell.session.cancelled", centre.pk, cancelled.label),
        ("wagtail.edit", centre.pk, edited.label),
    ]
    assert moved[0].data == {"reason": "Flooded hall"}
    assert moved[0].timestamp == cancelled.timestamp
    assert set(SessionLogEntry.objects.viewable_by_user(manager)) == set(moved)
    assert SessionLogEntry.objects.count() == 2  # nothing for the deleted session
    # Sessions' entries have left the general log (the deleted session's too); pages' stay.
    assert list(ModelLogEntry.objects.all()) == [page_entry]
