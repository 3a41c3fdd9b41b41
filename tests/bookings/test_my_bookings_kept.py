"""A family's bookings list on /bookings/ is kept for them alone (`pagecache.personal_fragment`)
and is never stale: each kind of change it shows appears on the next request, a session that
starts moves to the past bookings without anyone writing, nobody is given another family's list,
and what was kept for a person goes with their account."""

import datetime

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings.models import Payment, Session
from startwell import pagecache
from tests.factories import (
    ActivityPageFactory,
    BookingFactory,
    ChildFactory,
    SessionFactory,
    UserFactory,
)
from tests.support.times import in_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(centre):
    return ActivityPageFactory(parent=centre, title="Stay and play", slug="stay-and-play")


@pytest.fixture
def family(client, parent, activity):
    """Pat, signed in, with Ada booked on a session in three days."""
    ada = ChildFactory(parent=parent, first_name="Ada")
    booking = BookingFactory(
        session=SessionFactory(activity=activity, start=in_days(3)), parent=parent
    )
    booking.children.set([ada])
    client.force_login(parent)
    return booking


def my_bookings(client) -> str:
    response = client.get("/bookings/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_second_request_reads_no_booking(client, family):
    assert family.reference in my_bookings(client)
    with CaptureQueriesContext(connection) as queries:
        assert family.reference in my_bookings(client)
    assert not any("bookings_booking" in query["sql"] for query in queries.captured_queries)


def test_each_kind_of_change_shows_on_the_next_request(client, parent, family, activity):
    assert "Ada" in my_bookings(client)

    ada = family.children.get()
    ada.first_name = "Adaline"
    ada.save()
    assert "Adaline" in my_bookings(client)

    family.children.set([ChildFactory(parent=parent, first_name="Bea")])
    assert "Bea" in my_bookings(client)

    Payment.objects.create(
        booking=family,
        amount_pence=450,
        method=Payment.Method.CENTRE,
        status="paid",
        paid_at=timezone.now(),
    )
    family.amount_pence = 450
    family.save()
    assert "£4.50" in my_bookings(client)

    another = BookingFactory(
        session=SessionFactory(activity=activity, start=in_days(5)), parent=parent
    )
    assert another.reference in my_bookings(client)

    session = family.session
    session.status = Session.Status.CANCELLED
    session.save()
    assert "Session cancelled by the centre" in my_bookings(client)

    activity.title = "Stay and play (new times)"
    activity.save_revision().publish()
    assert "Stay and play (new times)" in my_bookings(client)


def test_a_session_that_starts_moves_to_the_past_without_any_write(client, family, monkeypatch):
    # Cancelled by the centre: it leaves no public page as it starts, but it leaves the
    # family's "Cancelled" list for their past bookings.
    session = family.session
    session.status = Session.Status.CANCELLED
    session.save()
    before = my_bookings(client)
    assert before.index(family.reference) < before.index('id="past-heading"')
    later = session.start + datetime.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    after = my_bookings(client)
    assert after.index(family.reference) > after.index('id="past-heading"')


def test_nobody_is_given_another_familys_list(client, family, activity):
    assert family.reference in my_bookings(client)
    other = UserFactory(first_name="Bo")
    theirs = BookingFactory(
        session=SessionFactory(activity=activity, start=in_days(4)), parent=other
    )
    client.force_login(other)
    page = my_bookings(client)
    assert theirs.reference in page
    assert family.reference not in page and "Ada" not in page


def test_what_was_kept_for_a_person_goes_with_their_account(client, parent, family):
    my_bookings(client)
    kept = caches[pagecache.CACHE_ALIAS]
    assert kept.get(pagecache.person_key(parent.pk))
    parent.delete()
    assert kept.get(pagecache.person_key(parent.pk)) is None
