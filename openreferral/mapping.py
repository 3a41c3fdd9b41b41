"""The portal's public data as Open Referral UK 3.0 records. An activity at a centre is a
*service*: run by its partner organisation, or else by the school that runs the centre; found at
the venues of its upcoming sessions (the centre itself when none is named); scheduled as those
sessions; for the ages it welcomes; priced as its price model says; reached through the centre's
public contact; classified by its category (see `taxonomy`). Nothing about a family is read here."""

import datetime

from django.conf import settings
from django.utils import timezone

from bookings.models import Session
from bookings.pricing import format_pence
from cms.models import ActivityPage, CentrePage, Venue

from .ids import service_id, stable_id
from .taxonomy import TERMS

ADULT_AGE = 18
COUNTRY = "GB"


def absolute_url(path: str) -> str:
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{path}"


def iso_datetime(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _years(months: int) -> float | int:
    years = months / 12
    return int(years) if years.is_integer() else round(years, 2)


def ages(activity: ActivityPage) -> dict:
    if activity.adults_only:
        return {"minimum_age": ADULT_AGE}
    found = {"minimum_age": _years(activity.min_age_months or 0)}
    if activity.max_age_months is not None:
        found["maximum_age"] = _years(activity.max_age_months)
    return found


def fees(activity: ActivityPage) -> str:
    if activity.price_model == ActivityPage.PRICE_FIXED and activity.price_pence:
        text = f"{format_pence(activity.price_pence)} a place"
    elif activity.price_model == ActivityPage.PRICE_PAY_WHAT_YOU_CAN:
        text = f"Pay what you can (we suggest {format_pence(activity.suggested_pence or 0)})"
    else:
        text = "Free"
    if activity.funded_places:
        text += "; funded places for families who need one"
    return text


def cost_options(activity: ActivityPage, sid: str) -> list[dict]:
    def option(name: str, pence: int, description: str) -> dict:
        return {
            "id": stable_id("cost_option", sid, name),
            "service_id": sid,
            "option": name,
            "amount": pence / 100,
            "amount_description": description,
        }

    if activity.price_model == ActivityPage.PRICE_FIXED and activity.price_pence:
        options = [option("Per place", activity.price_pence, "per place, per session")]
    elif activity.price_model == ActivityPage.PRICE_PAY_WHAT_YOU_CAN:
        least = activity.minimum_pence or 0
        options = [
            option(
                "Pay what you can",
                activity.suggested_pence or 0,
                f"suggested per place; pay what you can, from {format_pence(least)}"
                if least
                else "suggested per place; pay what you can, nothing if need be",
            )
        ]
    else:
        options = [option("Free", 0, "free of charge")]
    if activity.funded_places and activity.price_model != ActivityPage.PRICE_FREE:
        options.append(option("Funded place", 0, "for families who say they need one"))
    return options


def organization(activity: ActivityPage, centre: CentrePage) -> dict:
    partner = activity.partner if activity.delivered_by == "partner" else None
    if partner is not None:
        record = {
            "id": stable_id("organization", "partner", partner.pk),
            "name": partner.name,
            "description": partner.description or partner.get_kind_display(),
        }
        if partner.email:
            record["email"] = partner.email
        if partner.website:
            record["website"] = partner.website
        return record
    record = {
        "id": stable_id("organization", "school", centre.pk),
        "name": centre.school,
        "description": f"Runs {centre.title}.",
    }
    if centre.email:
        record["email"] = centre.email
    return record


def page_url(page, request) -> str:
    """The page's public address; `request` lets Wagtail read the sites once per request."""
    _, _, path = page.get_url_parts(request=request)
    return absolute_url(path)


def service_summary(
    activity: ActivityPage,
    centre: CentrePage,
    sessions_changed: datetime.datetime | None,
    url: str,
) -> dict:
    """The one-to-one fields of a service, and its organisation: an item of `/services`."""
    org = organization(activity, centre)
    changed = activity.last_published_at or activity.latest_revision_created_at
    if sessions_changed and (changed is None or sessions_changed > changed):
        changed = sessions_changed
    record = {
        "id": service_id(activity),
        "organization_id": org["id"],
        "name": f"{activity.title}, {centre.title}",
        "description": activity.summary,
        "url": url,
        "status": "active",
        "fees": fees(activity),
        **ages(activity),
        "organization": org,
    }
    if centre.email:
        record["email"] = centre.email
    if changed:
        record["last_modified"] = iso_datetime(changed)
    return record


def _address_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def location(centre: CentrePage, venue: Venue | None) -> dict:
    """A venue of the centre, or the centre itself when a session names no venue."""
    key = ("venue", venue.pk) if venue else ("centre", centre.pk)
    location_id = stable_id("location", *key)
    name = venue.name if venue else centre.title
    address, postcode = (
        (venue.address, venue.postcode) if venue else (centre.address, centre.postcode)
    )
    lines = _address_lines(address) or [name]
    record = {
        "id": location_id,
        "location_type": "physical",
        "name": name,
        "description": f"Where {centre.title} meets" if venue else f"{centre.title}",
        "addresses": [
            {
                "id": stable_id("address", *key),
                "location_id": location_id,
                "address_1": lines[0],
                "city": lines[-1] if len(lines) > 1 else "",
                "state_province": "",
                "postal_code": postcode,
                "country": COUNTRY,
                "address_type": "physical",
            }
        ],
    }
    if venue and venue.latitude is not None and venue.longitude is not None:
        record["latitude"] = float(venue.latitude)
        record["longitude"] = float(venue.longitude)
    notes = venue.access_notes if venue else centre.accessibility
    if notes:
        record["accessibility"] = [
            {
                "id": stable_id("accessibility", *key),
                "location_id": location_id,
                "description": notes,
            }
        ]
    return record


def service_at_location_id(sid: str, centre: CentrePage, venue: Venue | None) -> str:
    return stable_id(
        "service_at_location", sid, *(("venue", venue.pk) if venue else ("centre", centre.pk))
    )


def schedule(session: Session, sid: str, centre: CentrePage, url: str) -> dict:
    start, end = timezone.localtime(session.start), timezone.localtime(session.end)
    where = session.venue.name if session.venue else centre.title
    return {
        "id": stable_id("schedule", "session", session.pk),
        "service_id": sid,
        "service_at_location_id": service_at_location_id(sid, centre, session.venue),
        "valid_from": start.date().isoformat(),
        "valid_to": end.date().isoformat(),
        "dtstart": start.date().isoformat(),
        "opens_at": start.strftime("%H:%M"),
        "closes_at": end.strftime("%H:%M"),
        "description": f"{start:%A %-d %B %Y}, {start:%H:%M} to {end:%H:%M}, at {where}",
        "attending_type": "in person",
        "schedule_link": url,
    }


def attributes(activity: ActivityPage, sid: str) -> list[dict]:
    term = TERMS.get(activity.category)
    if term is None:
        return []
    return [
        {
            "id": stable_id("attribute", sid, term["id"]),
            "link_id": sid,
            "taxonomy_term_id": term["id"],
            "link_type": "service",
            "taxonomy_term": dict(term),
        }
    ]


def service_detail(
    activity: ActivityPage,
    centre: CentrePage,
    sessions: list[Session],
    sessions_changed: datetime.datetime | None,
    url: str,
) -> dict:
    """The whole service: `/services/{id}`."""
    record = service_summary(activity, centre, sessions_changed, url)
    sid = record["id"]
    places: dict[int | None, Venue | None] = {}
    for session in sessions:
        places.setdefault(session.venue_id, session.venue)
    if not places:
        places[None] = None
    record["service_at_locations"] = [
        {
            "id": service_at_location_id(sid, centre, venue),
            "service_id": sid,
            "location_id": (place := location(centre, venue))["id"],
            "location": place,
        }
        for venue in places.values()
    ]
    record["schedules"] = [schedule(session, sid, centre, url) for session in sessions]
    record["contacts"] = [
        {
            "id": stable_id("contact", "centre", centre.pk),
            "service_id": sid,
            "name": centre.title,
            "title": "Centre reception",
        }
    ]
    record["cost_options"] = cost_options(activity, sid)
    record["attributes"] = attributes(activity, sid)
    return record


def service_at_location_summary(
    activity: ActivityPage, centre: CentrePage, venue: Venue | None, summary: dict
) -> dict:
    """An item of `/service_at_locations`: the place, briefly, and the service's summary."""
    place = location(centre, venue)
    brief = {
        key: place[key]
        for key in ("id", "location_type", "name", "description", "latitude", "longitude")
        if key in place
    }
    return {
        "id": service_at_location_id(summary["id"], centre, venue),
        "service_id": summary["id"],
        "location_id": place["id"],
        "location": brief,
        "service": summary,
    }
