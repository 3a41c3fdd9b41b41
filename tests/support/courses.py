"""For the course tests: a course activity with its run of weekly sessions, and households."""

import datetime

from django.utils import timezone

from bookings.models import Course
from tests.factories import ActivityPageFactory, ChildFactory, SessionFactory, UserFactory


def course_of(
    centre,
    *,
    weeks: int = 3,
    capacity: int = 4,
    first_start: datetime.datetime | None = None,
    late_joiners: bool = False,
    max_places_per_booking: int = 2,
    **activity_fields,
) -> Course:
    """A course of `weeks` weekly sessions, the first a week from now unless `first_start`."""
    activity_fields.setdefault("title", "Baby massage")
    activity = ActivityPageFactory(parent=centre, is_course=True, **activity_fields)
    course = Course.objects.create(
        activity=activity,
        capacity=capacity,
        max_places_per_booking=max_places_per_booking,
        allow_late_joiners=late_joiners,
    )
    first_start = first_start or (timezone.now() + datetime.timedelta(days=7)).replace(
        microsecond=0
    )
    for week in range(weeks):
        start = first_start + datetime.timedelta(weeks=week)
        SessionFactory(
            activity=activity,
            course=course,
            start=start,
            end=start + datetime.timedelta(hours=1),
            capacity=capacity,
            max_places_per_booking=max_places_per_booking,
        )
    return course


def household(children: int = 1, *, months_old: int = 24):
    parent = UserFactory()
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - months_old
    kids = [
        ChildFactory(parent=parent, birth_month=index % 12 + 1, birth_year=index // 12)
        for _ in range(children)
    ]
    return parent, kids


def paid_course(
    centre,
    *,
    price_pence: int = 3000,
    allow_pay_at_centre: bool = False,
    funded_places: int | None = None,
    **course_fields,
) -> Course:
    """A course priced for the whole run (the course's own price; its activity is free)."""
    course = course_of(centre, **course_fields)
    course.price_model = "fixed"
    course.price_pence = price_pence
    course.allow_pay_at_centre = allow_pay_at_centre
    course.funded_places = funded_places
    course.save()
    return course


def course_form_data(activity, venue, **overrides) -> dict:
    """What a manager sends on "Add a course": weekly on Tuesdays through February and early
    March 2027 (across the February half term), eight places."""
    data = {
        "activity": activity.pk,
        "venue": venue.pk,
        "weekdays": ["1"],
        "start_time": "10:00",
        "end_time": "11:00",
        "first_date": "2027-02-02",
        "last_date": "2027-03-09",
        "skip_school_holidays": "on",
        "capacity": "8",
        "max_places_per_booking": "2",
    }
    data.update(overrides)
    return data
