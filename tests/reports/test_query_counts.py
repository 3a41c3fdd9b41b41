"""Every report costs the same number of queries for one booking as for a thousand."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings.models import Attendance, Booking, WalkIn
from cms.models import CentrePage
from reports.registry import REPORTS
from startwell.models import Child, User
from tests.factories import ActivityPageFactory, SessionFactory

pytestmark = pytest.mark.django_db

START, END = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)


def make_bookings(centre, count):
    """`count` families, each with one child, booked (or waiting) across a year of sessions."""
    activity = ActivityPageFactory(parent=centre)
    sessions = [
        SessionFactory(
            activity=activity,
            start=timezone.make_aware(datetime.datetime(2025, month, 10, 10)),
            capacity=count,
        )
        for month in range(1, 13)
    ]
    people = User.objects.bulk_create(
        User(email=f"family{n}@centre{centre.pk}.example.org", password="!") for n in range(count)
    )
    children = Child.objects.bulk_create(
        Child(parent=person, first_name="Sam", birth_month=1, birth_year=2023) for person in people
    )
    bookings = Booking.objects.bulk_create(
        Booking(
            session=sessions[n % 12],
            parent=person,
            status=Booking.Status.CONFIRMED if n % 5 else Booking.Status.WAITING,
            waiting_since=None if n % 5 else timezone.now(),
            places=1,
            attendance=Attendance.ATTENDED if n % 3 else "",
            reference=f"C{centre.pk}R{n:06d}",
        )
        for n, person in enumerate(people)
    )
    Booking.children.through.objects.bulk_create(
        Booking.children.through(booking=booking, child=child)
        for booking, child in zip(bookings, children, strict=True)
    )
    WalkIn.objects.bulk_create(
        WalkIn(session=sessions[n % 12], label="Walk-in", places=1) for n in range(count // 10)
    )


def queries_for(slug, centres):
    with CaptureQueriesContext(connection) as context:
        REPORTS[slug].figures(centres=centres, start=START, end=END)
    return len(context.captured_queries)


@pytest.mark.parametrize("slug", list(REPORTS))
def test_constant_queries(slug, centre, other_centre):
    make_bookings(other_centre, 1)
    few = queries_for(slug, CentrePage.objects.filter(pk=other_centre.pk))

    make_bookings(centre, 1000)
    many = queries_for(slug, CentrePage.objects.filter(pk=centre.pk))

    assert Booking.objects.count() == 1001
    assert many == few
    assert many <= 8
