"""Queries whose SQL is written once per process (startwell/compiled.py): asked with new ids each
time, they find what the ORM finds for those ids, annotations included; a query whose SQL does
not carry its ids as parameters is refused rather than asked with the stand-ins."""

import pytest
from django.db.models import Count

from bookings.models import Session, WalkIn
from startwell.compiled import Compiled
from tests.factories import BookingFactory, SessionFactory

pytestmark = pytest.mark.django_db


def sessions_with_bookings(session_id: int):
    return Session.objects.filter(pk=session_id).annotate(booked=Count("bookings")).order_by()


def test_each_asking_finds_the_rows_for_its_own_ids():
    busy, quiet = SessionFactory(), SessionFactory()
    BookingFactory.create_batch(2, session=busy)
    query = Compiled(sessions_with_bookings)

    for session in (busy, quiet, busy):
        [found] = query.instances(session_id=session.pk)
        [expected] = sessions_with_bookings(session.pk)
        assert (found.pk, found.start, found.booked) == (session.pk, session.start, expected.booked)
    assert list(query.instances(session_id=quiet.pk + busy.pk + 1000)) == []


def test_a_query_that_drops_its_id_is_refused():
    ignores_it = Compiled(lambda session_id: Session.objects.filter(pk=1))

    with pytest.raises(ValueError, match="session_id"):
        list(ignores_it.instances(session_id=1))


def test_it_is_asked_with_exactly_its_ids():
    query = Compiled(sessions_with_bookings)

    with pytest.raises(TypeError):
        query.instances(pk=1)
    with pytest.raises(ValueError):
        query.instances(session_id="1 OR 1=1")


def test_a_key_given_as_text_is_asked_as_text():
    session = SessionFactory()
    red = WalkIn.objects.create(session=session, label="Red coat", children=1, places=1)
    blue = WalkIn.objects.create(session=session, label="Blue hat", children=1, places=1)

    def labelled(label: str):
        return WalkIn.objects.filter(label=label).order_by()

    query = Compiled(labelled)
    assert [walk_in.pk for walk_in in query.instances(label="Blue hat")] == [blue.pk]
    assert [walk_in.pk for walk_in in query.instances(label="Red coat")] == [red.pk]
    assert list(query.instances(label="' OR 1=1 --")) == []


def field_values(instance) -> dict:
    fields = type(instance)._meta.fields
    return {field.attname: getattr(instance, field.attname) for field in fields}


def test_its_instances_are_the_orms_field_for_field_and_left_out_fields_are_deferred():
    booking = BookingFactory(funded=True, access_notes="Step-free, please")

    def bookings(booking_id: int):
        return type(booking).objects.filter(pk=booking_id).order_by()

    [found] = Compiled(bookings).instances(booking_id=booking.pk)
    [expected] = bookings(booking.pk)
    assert field_values(found) == field_values(expected)
    assert found.funded is True and found.created_at.tzinfo is not None

    def references(booking_id: int):
        return bookings(booking_id).only("reference")

    [partial] = Compiled(references).instances(booking_id=booking.pk)
    assert partial.reference == booking.reference
    assert "access_notes" in partial.get_deferred_fields()


def test_a_query_without_the_primary_key_is_refused():
    session = SessionFactory()
    without_key = Compiled(lambda session_id: Session.objects.filter(pk=session_id).values("start"))

    with pytest.raises(Exception, match="primary key"):
        without_key.instances(session_id=session.pk)
