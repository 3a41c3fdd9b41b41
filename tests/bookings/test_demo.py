"""The demo timetable: a realistic school year, loaded quickly and idempotently."""

import datetime

import pytest
from django.db.models import Count
from django.utils import timezone

from bookings.demo import HOLIDAYS
from bookings.models import Booking, HolidayPeriod, Session
from cms.models import ActivityPage, CentrePage
from startwell.demo import seed_demo
from startwell.models import Child

pytestmark = pytest.mark.usefixtures("without_page_tree")


def snapshot() -> dict:
    return {
        "holidays": list(HolidayPeriod.objects.values_list("name", "start_date", "end_date")),
        "activities": list(ActivityPage.objects.values_list("pk", "title")),
        "sessions": list(Session.objects.order_by("pk").values_list("pk", "start", "capacity")),
        "bookings": list(Booking.objects.order_by("pk").values_list("pk", "session", "places")),
        "children": list(Child.objects.values_list("pk", "first_name")),
    }


def test_demo_timetable_is_realistic_and_loading_it_again_changes_nothing():
    seed_demo()
    first = snapshot()
    seed_demo()
    assert snapshot() == first

    assert len(first["holidays"]) == len(HOLIDAYS)
    centres = CentrePage.objects.all()
    assert centres.count() == 5
    per_centre = Session.objects.values("centre").annotate(n=Count("pk"))
    assert {row["centre"] for row in per_centre} == set(centres.values_list("pk", flat=True))
    assert all(row["n"] > 150 for row in per_centre)
    for centre in centres:
        activities = ActivityPage.objects.child_of(centre)
        assert activities.count() == 6
        assert {"stay_and_play", "baby_toddler", "holiday_club", "antenatal"} <= set(
            activities.values_list("category", flat=True)
        )

    # Term-time activities skip the holidays; the holiday club runs only in them.
    christmas = HolidayPeriod.objects.get(name="Christmas holidays")
    in_christmas = Session.objects.filter(
        start__date__gte=christmas.start_date, start__date__lte=christmas.end_date
    )
    assert in_christmas.exists()
    assert set(in_christmas.values_list("activity__slug", flat=True)) == {"holiday-club"}
    starts = [timezone.localtime(s) for s in Session.objects.values_list("start", flat=True)]
    assert min(starts).date() >= datetime.date(2026, 9, 3)
    assert max(starts).date() <= datetime.date(2027, 7, 22)
    assert datetime.date(2026, 12, 25) not in {s.date() for s in starts}

    children = Child.objects.filter(parent__email="parent@startwell.example")
    assert children.count() == 2
    bookings = Booking.objects.filter(parent__email="parent@startwell.example")
    if Session.objects.filter(start__gt=timezone.now() + datetime.timedelta(days=1)).exists():
        assert bookings.count() == 3
        assert all(b.status == Booking.Status.CONFIRMED for b in bookings)
