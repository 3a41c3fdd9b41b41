"""Calendar entries (iCalendar): one per booking, and a public feed per centre."""

from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from startwell.site_address import absolute_url

# icalendar is imported where entries are written: this module is loaded at start-up with the
# bookings app's e-mails, and most processes never write a calendar entry.
if TYPE_CHECKING:
    from icalendar import Calendar, Event


def _calendar() -> "Calendar":
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", "-//Start Well family centres//startwell//EN")
    calendar.add("version", "2.0")
    return calendar


def _event(session, *, uid: str, summary: str) -> "Event":
    from icalendar import Event

    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", timezone.now())
    # The same UID with a higher SEQUENCE: calendars replace the entry they saved when it moves.
    event.add("sequence", session.sequence)
    event.add("last-modified", session.updated_at)
    event.add("dtstart", session.start)
    event.add("dtend", session.end)
    event.add("summary", summary)
    if session.venue:
        event.add("location", f"{session.venue.name}, {session.venue.postcode}")
    event.add("url", absolute_url(session.activity.url))
    if session.is_cancelled:
        event.add("status", "CANCELLED")
    return event


def booking_ics(booking) -> bytes:
    """One entry for a session's booking; one per session for a course booking (each with its
    own UID, so a session of the course that moves updates only its own entry)."""
    if hasattr(booking, "course_id"):
        return _course_booking_ics(booking)
    session = booking.session
    calendar = _calendar()
    calendar.add_component(
        _event(
            session,
            uid=f"booking-{booking.reference}@startwell",
            summary=_("{activity} (booking {reference})").format(
                activity=session.activity.title, reference=booking.reference
            ),
        )
    )
    return calendar.to_ical()


def _course_booking_ics(course_booking) -> bytes:
    calendar = _calendar()
    sessions = (
        course_booking.course.sessions.filter(bookings__course_booking=course_booking)
        .select_related("activity", "venue")
        .order_by("start", "pk")
        .distinct()
    )
    for session in sessions:
        calendar.add_component(
            _event(
                session,
                uid=f"booking-{course_booking.reference}-{session.pk}@startwell",
                summary=f"{session.activity.title} (course booking {course_booking.reference})",
            )
        )
    return calendar.to_ical()


def centre_feed_ics(sessions) -> bytes:
    """The centre's public sessions: no booking or family details."""
    calendar = _calendar()
    for session in sessions:
        calendar.add_component(
            _event(session, uid=f"session-{session.pk}@startwell", summary=session.activity.title)
        )
    return calendar.to_ical()
