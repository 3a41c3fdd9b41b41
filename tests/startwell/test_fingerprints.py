"""A fingerprint is equal for records that hold the same and differs when anything a page could
show of them changes, including the records they hold (startwell.fingerprints)."""

import pytest

from bookings.audit import VIEWED
from bookings.models import Booking, SessionLogEntry
from startwell.fingerprints import fingerprint
from tests.factories import ActivityPageFactory, SessionFactory
from tests.support.bookings import book

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(centre):
    session = SessionFactory(activity=ActivityPageFactory(parent=centre), capacity=10)
    return book(session, first_name="Jo", children=1)


def read(pk) -> Booking:
    return Booking.objects.select_related("parent").get(pk=pk)


def test_the_same_records_read_twice_have_the_same_fingerprint(booking):
    assert fingerprint(read(booking.pk)) == fingerprint(read(booking.pk))
    assert hash(fingerprint(read(booking.pk), [booking.parent]))  # usable as a key


def test_a_changed_field_changes_it(booking):
    before = fingerprint(read(booking.pk))
    Booking.objects.filter(pk=booking.pk).update(access_notes="Needs the ramp.")
    assert fingerprint(read(booking.pk)) != before


def test_a_change_to_a_record_it_holds_changes_it(booking):
    before = fingerprint(read(booking.pk))
    booking.parent.first_name = "Joanna"
    booking.parent.save()
    assert fingerprint(read(booking.pk)) != before
    # Read without its parent, the booking's fingerprint does not reach the parent.
    alone = fingerprint(Booking.objects.get(pk=booking.pk))
    booking.parent.first_name = "Jo"
    booking.parent.save()
    assert fingerprint(Booking.objects.get(pk=booking.pk)) == alone


def test_fields_left_unread_are_not_read_for_it(booking, django_assert_num_queries):
    partial = Booking.objects.only("pk", "reference").get(pk=booking.pk)
    with django_assert_num_queries(0):
        held = fingerprint(partial)
    assert held == (("bookings.Booking", booking.pk, booking.reference),)


def test_lists_of_records_count_in_order(booking):
    child = booking.children.get()
    assert fingerprint([child, booking]) != fingerprint([booking, child])
    assert fingerprint([child, booking]) == fingerprint((child, booking))


def test_json_and_stream_fields_count_by_what_they_hold(booking):
    # The entry holds its session, which holds its activity page and its stream field.
    entry = SessionLogEntry(session=booking.session, action=VIEWED, data={"detail": ["a"]})
    held = fingerprint(entry)
    assert hash(held)
    assert fingerprint(entry) == held
    entry.data = {"detail": ["b"]}
    assert fingerprint(entry) != held
