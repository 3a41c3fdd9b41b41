"""Bookings as the register and timetable tests need them: a household booked onto a session,
and the admin's session form as a manager fills it in."""

import datetime

from django.utils import timezone

from tests.factories import BookingFactory, ChildFactory, UserFactory


def book(session, *, first_name="Jo", last_name="Bloggs", children=1, **kwargs):
    """A confirmed booking for a household with `children` two-year-olds, made by the parent
    (as the booking form makes it) unless `booked_by` says otherwise."""
    parent = UserFactory(first_name=first_name, last_name=last_name)
    kwargs.setdefault("booked_by", parent)
    kids = [ChildFactory(parent=parent, first_name=f"{first_name}kid{i}") for i in range(children)]
    kwargs.setdefault("places", children)
    booking = BookingFactory(session=session, parent=parent, **kwargs)
    booking.children.set(kids)
    return booking


def contact_child(contact, *, first_name="Kai", years=2):
    """A child of a family contact, `years` old this month."""
    from bookings.families import ChildDetails, add_child

    today = timezone.localdate()
    return add_child(
        contact=contact, details=ChildDetails(first_name, today.month, today.year - years)
    )


def session_form_data(activity, venue, **overrides):
    """The admin's session form, ten days ahead, with `overrides` applied."""
    start = timezone.localtime() + datetime.timedelta(days=10)
    data = {
        "activity": activity.pk,
        "venue": venue.pk if venue else "",
        "start": start.strftime("%Y-%m-%d 10:00"),
        "end": start.strftime("%Y-%m-%d 11:30"),
        "capacity": 12,
        "max_places_per_booking": 3,
        "booking_opens": "",
        "booking_closes": "",
        "cancellation_cutoff": "",
    }
    data.update(overrides)
    return data
