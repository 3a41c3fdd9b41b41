"""Reads for the directory API: the published, public activities of published, public centres
(never a draft, a private page or anything about a family), filtered as the Open Referral UK
parameters ask, and what a service's detail needs, in a fixed number of queries."""

import datetime
import uuid
from dataclasses import dataclass

from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Length, Substr
from django.utils import timezone

from bookings.models import Session
from cms.models import ActivityPage, CentrePage, Venue

from .taxonomy import TAXONOMY_ID, category_for_term

# A service's detail lists its next sessions, up to this many.
SCHEDULES_PER_SERVICE = 20
# Services' and places' paths: a centre's children are one step (four characters) down the tree.
STEP = 4
ADULT_MONTHS = 18 * 12


@dataclass(frozen=True)
class ServiceFilters:
    """The parameters of `/services` that apply to the portal's data, already checked."""

    text: str = ""
    taxonomy_term_id: uuid.UUID | None = None
    taxonomy_id: uuid.UUID | None = None
    minimum_age: float | None = None
    maximum_age: float | None = None
    modified_after: datetime.datetime | None = None


def public_centres() -> dict[str, CentrePage]:
    """Published centres nobody restricted, by their place in the page tree."""
    centres = CentrePage.objects.live().public().originals().select_related("footprint")
    return {centre.path: centre for centre in centres}


def upcoming_sessions() -> QuerySet[Session]:
    return Session.objects.filter(start__gte=timezone.now(), status=Session.Status.SCHEDULED)


def public_activities(centres: dict[str, CentrePage]) -> QuerySet[ActivityPage]:
    """Published, unrestricted activities whose centre is one of `centres`, in tree order."""
    return (
        ActivityPage.objects.live()
        .public()
        .annotate(centre_path=Substr("path", 1, Length("path") - Value(STEP)))
        .filter(centre_path__in=list(centres))
        .select_related("partner")
        .order_by("path")
    )


def filtered(activities: QuerySet[ActivityPage], filters: ServiceFilters) -> QuerySet[ActivityPage]:
    if filters.text:
        words = Q()
        for field in ("title", "summary", "partner__name"):
            words |= Q(**{f"{field}__icontains": filters.text})
        activities = activities.filter(words)
    if filters.taxonomy_id is not None and filters.taxonomy_id != TAXONOMY_ID:
        return activities.none()
    if filters.taxonomy_term_id is not None:
        category = category_for_term(filters.taxonomy_term_id)
        if category is None:
            return activities.none()
        activities = activities.filter(category=category)
    # Ages are in years in the directory, in months here; adults' activities are from 18 with no
    # upper age, children's without a lower age start at 0.
    if filters.minimum_age is not None and filters.minimum_age > 0:
        months = filters.minimum_age * 12
        adults = Q(adults_only=True) if months <= ADULT_MONTHS else Q(pk__in=[])
        activities = activities.filter(adults | Q(adults_only=False, min_age_months__gte=months))
    if filters.maximum_age is not None:
        months = filters.maximum_age * 12
        activities = activities.filter(adults_only=False, max_age_months__lte=months)
    if filters.modified_after is not None:
        changed_sessions = Session.objects.filter(
            activity=OuterRef("pk"), updated_at__gte=filters.modified_after
        )
        activities = activities.filter(
            Q(last_published_at__gte=filters.modified_after) | Exists(changed_sessions)
        )
    return activities


def service(service_id: uuid.UUID, centres: dict[str, CentrePage]) -> ActivityPage | None:
    """One public activity by its directory id (its translation key), or None."""
    return public_activities(centres).filter(translation_key=service_id).first()


def next_sessions(activity: ActivityPage) -> list[Session]:
    return list(
        upcoming_sessions()
        .filter(activity=activity)
        .select_related("venue")
        .order_by("start", "pk")[:SCHEDULES_PER_SERVICE]
    )


def last_session_change(activities: list[ActivityPage]) -> dict[int, datetime.datetime]:
    """When each activity's sessions last changed, by activity, in one query."""
    rows = (
        Session.objects.filter(activity__in=[activity.pk for activity in activities])
        .values("activity_id")
        .annotate(changed=Max("updated_at"))
    )
    return {row["activity_id"]: row["changed"] for row in rows}


def outward_code(postcode: str) -> str:
    """A postcode's district, the part before the space: "WN5" of "WN5 0AB" (or of "WN5")."""
    squeezed = "".join(postcode.split()).upper()
    return squeezed[:-3] if len(squeezed) > 4 else squeezed


def service_places(
    activities: QuerySet[ActivityPage], centres: dict[str, CentrePage], postcode: str = ""
) -> list[tuple[int, str, int | None]]:
    """(activity id, centre path, venue id or None) for each place a service happens: the venues
    of its upcoming sessions, or its centre when none is named; in the order of `activities`,
    then by venue. With `postcode`, only places in that postcode district. Three queries."""
    found = list(activities.values_list("pk", "centre_path"))
    used: dict[int, set[int | None]] = {}
    upcoming = upcoming_sessions().filter(activity_id__in=[pk for pk, _ in found])
    for activity_id, venue_id in upcoming.values_list("activity_id", "venue_id").distinct():
        used.setdefault(activity_id, set()).add(venue_id)
    places = [
        (pk, centre_path, venue_id)
        for pk, centre_path in found
        for venue_id in sorted(used.get(pk, {None}), key=lambda v: (v is not None, v or 0))
    ]
    if postcode:
        district = outward_code(postcode)
        venues = dict(
            Venue.objects.filter(pk__in={v for _, _, v in places if v}).values_list(
                "pk", "postcode"
            )
        )
        places = [
            (pk, centre_path, venue_id)
            for pk, centre_path, venue_id in places
            if outward_code(venues[venue_id] if venue_id else centres[centre_path].postcode)
            == district
        ]
    return places
