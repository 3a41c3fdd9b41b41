"""Writes for the sessions a champion hosts: adding and changing them (managers may too), through
the bookings rules, each change logged in the sessions' audit trail from what to what."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings import audit
from bookings import services as booking_services
from bookings.models import Session
from cms.models import ActivityPage, CentrePage

from ..errors import ChampionError
from ..selectors import edit_refusal

SESSION_ENDS_BEFORE_START = _("The session must end after it starts.")
VENUE_OTHER_CENTRE = _("Choose one of this centre's venues.")
START_IN_PAST = _("Choose a start time in the future.")

SESSION_FIELDS = (
    "venue",
    "start",
    "end",
    "capacity",
    "max_places_per_booking",
    "booking_opens",
    "booking_closes",
    "cancellation_cutoff",
)


def check_can_edit_activity(*, user, activity: ActivityPage, centre_id: int) -> None:
    refusal = edit_refusal(user, activity, centre_id)
    if refusal:
        raise ChampionError(refusal)


def _check_session_values(values: dict, centre_id: int) -> None:
    if values["end"] <= values["start"]:
        raise ChampionError(SESSION_ENDS_BEFORE_START, field="end")
    venue = values.get("venue")
    if venue is not None and venue.centre_id != centre_id:
        raise ChampionError(VENUE_OTHER_CENTRE, field="venue")


def create_session(*, user, activity_id: int, values: dict) -> Session:
    activity = ActivityPage.objects.get(pk=activity_id)
    centre = CentrePage.objects.ancestor_of(activity).get()
    check_can_edit_activity(user=user, activity=activity, centre_id=centre.pk)
    _check_session_values(values, centre.pk)
    if values["start"] <= timezone.now():
        raise ChampionError(START_IN_PAST, field="start")
    with transaction.atomic():
        session = Session(activity=activity, centre=centre)
        for name in SESSION_FIELDS:
            if name in values:
                setattr(session, name, values[name])
        session.save()
        audit.record(
            session,
            audit.SESSION_CREATED,
            user=user,
            detail=audit.describe_values({name: values.get(name) for name in SESSION_FIELDS}),
        )
    return session


def update_session(*, user, session_id: int, values: dict) -> Session:
    """Saves changes to a session through the bookings rules (capacity not below the places
    taken; places added go to the waiting list) and logs what changed, from what to what."""
    session = Session.objects.select_related("activity", "centre").get(pk=session_id)
    check_can_edit_activity(user=user, activity=session.activity, centre_id=session.centre_id)
    _check_session_values(values, session.centre_id)
    changes = {
        name: values[name]
        for name in SESSION_FIELDS
        if name in values and getattr(session, name) != values[name]
    }
    if "start" in changes and changes["start"] <= timezone.now():
        raise ChampionError(START_IN_PAST, field="start")
    if not changes:
        return session
    # The bookings service records the change in the session's history and tells the families.
    return booking_services.update_session(session_id=session.pk, changes=changes, by=user)
