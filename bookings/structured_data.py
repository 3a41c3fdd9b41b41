"""schema.org `Event` records for an activity's upcoming sessions, for search engines and other
tools that read a page's JSON-LD: where, when, what it costs, and whether the centre cancelled
it. Public facts only."""

import json

from django.conf import settings
from django.utils import timezone

from startwell.templatetags.passkeys import JSON_ESCAPES

from .models import Session
from .selectors import with_places

# As many as the activity page lists.
EVENTS_PER_PAGE = 20
SCHEMA = "https://schema.org/"


def upcoming_for_events(activity) -> list[Session]:
    """The activity's sessions that have not started, cancelled ones too, soonest first."""
    # By translation key: a translated activity page shows its English original's sessions.
    sessions = Session.objects.filter(
        activity__translation_key=activity.translation_key, start__gt=timezone.now()
    )
    sessions = with_places(sessions).select_related("venue", "centre", "activity__partner")
    return list(sessions.order_by("start", "pk")[:EVENTS_PER_PAGE])


def _place(session: Session) -> dict:
    where = session.venue or session.centre
    lines = [line.strip() for line in where.address.splitlines() if line.strip()]
    place = {
        "@type": "Place",
        "name": where.name if session.venue else where.title,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": ", ".join(lines),
            "postalCode": where.postcode,
            "addressCountry": "GB",
        },
    }
    if session.venue and session.venue.latitude is not None and session.venue.longitude is not None:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(session.venue.latitude),
            "longitude": float(session.venue.longitude),
        }
    return place


def _offer(session: Session, url: str) -> dict:
    pricing = session.pricing
    pence = pricing.price_pence if pricing.is_fixed else 0
    if pricing.is_pay_what_you_can:
        pence = pricing.minimum_pence
    available = session.places_left > 0 and not session.is_cancelled
    offer = {
        "@type": "Offer",
        "url": url,
        "price": f"{pence / 100:.2f}",
        "priceCurrency": "GBP",
        "availability": f"{SCHEMA}{'InStock' if available else 'SoldOut'}",
    }
    if session.booking_opens:
        offer["validFrom"] = timezone.localtime(session.booking_opens).isoformat()
    return offer


def event(session: Session, url: str) -> dict:
    activity = session.activity
    organiser = (
        {"@type": "Organization", "name": activity.partner.name}
        if activity.delivered_by == "partner" and activity.partner_id
        else {"@type": "Organization", "name": session.centre.title}
    )
    if activity.delivered_by == "partner" and activity.partner_id and activity.partner.website:
        organiser["url"] = activity.partner.website
    status = "EventCancelled" if session.is_cancelled else "EventScheduled"
    return {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": activity.title,
        "description": activity.summary,
        "url": url,
        "startDate": timezone.localtime(session.start).isoformat(),
        "endDate": timezone.localtime(session.end).isoformat(),
        "eventStatus": f"{SCHEMA}{status}",
        "eventAttendanceMode": f"{SCHEMA}OfflineEventAttendanceMode",
        "location": _place(session),
        "organizer": organiser,
        "offers": _offer(session, url),
    }


def events_json(activity) -> str:
    """The activity's upcoming sessions as a JSON-LD array, safe inside a <script> element."""
    url = f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{activity.url}"
    events = [event(session, url) for session in upcoming_for_events(activity)]
    return json.dumps(events, ensure_ascii=False).translate(JSON_ESCAPES)
