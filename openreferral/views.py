"""The Open Referral UK 3.0 API at /openreferral/: public, read-only JSON, open to any site's
scripts (CORS `*`) and cacheable for a few minutes. Bad paging or filters answer 400, an unknown
service 404, each as `{"code": …, "message": …}` (the profile names no error body; this one is
documented in docs/openreferral.md)."""

import datetime
import math
import uuid

from django.http import JsonResponse
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.timezone import get_current_timezone, is_naive, make_aware
from django.views.decorators.http import require_GET

from cms.models import Venue

from . import mapping, selectors
from .selectors import ServiceFilters

HSDS_VERSION = "3.0"
PROFILE_URL = "https://github.com/openreferral/uk-profile"
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/openapi.json"
DEFAULT_PER_PAGE = 50
MOST_PER_PAGE = 100
MOST_AGE = 150
MAX_TEXT = 100
CACHE_SECONDS = 300
MOST_POSTCODE = 8


class BadParameter(ValueError):
    pass


def _respond(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    if status == 200:
        response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    else:
        response["Cache-Control"] = "public, max-age=60"
    return response


def error(status: int, message: str) -> JsonResponse:
    return _respond({"code": status, "message": message}, status=status)


def _whole_number(params, name: str, default: int, least: int, most: int | None) -> int:
    raw = params.get(name, "").strip()
    if raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or int(raw) < least:
        raise BadParameter(f"'{name}' must be a whole number of at least {least}.")
    value = int(raw)
    if most is not None and value > most:
        raise BadParameter(f"'{name}' must be at most {most}.")
    return value


def _age(params, name: str) -> float | None:
    raw = params.get(name, "").strip()
    if raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not 0 <= value <= MOST_AGE:
        raise BadParameter(f"'{name}' must be an age in years from 0 to {MOST_AGE}.")
    return value


def _uuid(params, name: str) -> uuid.UUID | None:
    raw = params.get(name, "").strip()
    if raw == "":
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise BadParameter(f"'{name}' must be a UUID, such as {uuid.UUID(int=0)}.") from None


def _moment(params, name: str) -> datetime.datetime | None:
    raw = params.get(name, "").strip()
    if raw == "":
        return None
    try:
        moment = parse_datetime(raw.replace(" ", "+")) or None
        if moment is None and (day := parse_date(raw)) is not None:
            moment = datetime.datetime.combine(day, datetime.time())
    except ValueError:
        moment = None
    if moment is None:
        raise BadParameter(
            f"'{name}' must be a date and time such as 2026-09-01T09:00:00Z, or a date."
        )
    return make_aware(moment, get_current_timezone()) if is_naive(moment) else moment


def service_filters(params) -> ServiceFilters:
    text = (params.get("text") or params.get("search") or "").strip()
    if len(text) > MAX_TEXT:
        raise BadParameter(f"'text' must be at most {MAX_TEXT} characters.")
    return ServiceFilters(
        text=text,
        taxonomy_term_id=_uuid(params, "taxonomy_term_id"),
        taxonomy_id=_uuid(params, "taxonomy_id"),
        minimum_age=_age(params, "minimum_age"),
        maximum_age=_age(params, "maximum_age"),
        modified_after=_moment(params, "modified_after"),
    )


def _paging(params) -> tuple[int, int]:
    return (
        _whole_number(params, "page", 1, 1, None),
        _whole_number(params, "per_page", DEFAULT_PER_PAGE, 1, MOST_PER_PAGE),
    )


def _page_of(total: int, page: int, per_page: int, contents: list) -> dict:
    total_pages = math.ceil(total / per_page)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


@require_GET
def metadata(request):
    return _respond({"version": HSDS_VERSION, "profile": PROFILE_URL, "openapi_url": OPENAPI_URL})


@require_GET
def services(request):
    try:
        filters = service_filters(request.GET)
        page, per_page = _paging(request.GET)
    except BadParameter as problem:
        return error(400, str(problem))
    centres = selectors.public_centres()
    found = selectors.filtered(selectors.public_activities(centres), filters)
    total = found.count()
    activities = list(found[(page - 1) * per_page : page * per_page])
    changed = selectors.last_session_change(activities)
    contents = [
        mapping.service_summary(
            activity,
            centres[activity.centre_path],
            changed.get(activity.pk),
            mapping.page_url(activity, request),
        )
        for activity in activities
    ]
    return _respond(_page_of(total, page, per_page, contents))


@require_GET
def service(request, service_id: str):
    unknown = error(404, f"There is no service with the id '{service_id[:60]}'.")
    try:
        wanted = uuid.UUID(service_id)
    except ValueError:
        return unknown
    centres = selectors.public_centres()
    activity = selectors.service(wanted, centres)
    if activity is None:
        return unknown
    sessions = selectors.next_sessions(activity)
    changed = selectors.last_session_change([activity]).get(activity.pk)
    record = mapping.service_detail(
        activity,
        centres[activity.centre_path],
        sessions,
        changed,
        mapping.page_url(activity, request),
    )
    return _respond(record)


@require_GET
def service_at_locations(request):
    try:
        filters = service_filters(request.GET)
        page, per_page = _paging(request.GET)
        postcode = request.GET.get("postcode", "").strip()
        if len(postcode) > MOST_POSTCODE or (postcode and not postcode.replace(" ", "").isalnum()):
            raise BadParameter("'postcode' must be a UK postcode or district, such as WN5 0AB.")
    except BadParameter as problem:
        return error(400, str(problem))
    centres = selectors.public_centres()
    found = selectors.filtered(selectors.public_activities(centres), filters)
    places = selectors.service_places(found, centres, postcode)
    shown = places[(page - 1) * per_page : page * per_page]
    activities = {a.pk: a for a in found.filter(pk__in={pk for pk, _, _ in shown})}
    venues = {v.pk: v for v in Venue.objects.filter(pk__in={v for _, _, v in shown if v})}
    changed = selectors.last_session_change(list(activities.values()))
    contents = []
    for activity_id, centre_path, venue_id in shown:
        activity, centre = activities[activity_id], centres[centre_path]
        summary = mapping.service_summary(
            activity, centre, changed.get(activity_id), mapping.page_url(activity, request)
        )
        contents.append(
            mapping.service_at_location_summary(activity, centre, venues.get(venue_id), summary)
        )
    return _respond(_page_of(len(places), page, per_page, contents))


def not_found(request, path: str = ""):
    return error(404, "There is nothing at this address of the directory API.")
