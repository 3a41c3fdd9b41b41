"""Family contacts are erased as idle accounts are: after the same months without a booking or
a change and with nothing upcoming; their bookings stay as anonymous rows, counted once."""

import datetime

import pytest
from django.utils import timezone

from bookings.households import HOUSEHOLD
from bookings.models import Booking, FamilyContact
from privacy import retention
from startwell.models import Child, DeliveryFailure
from tests.factories import BookingFactory, FamilyContactFactory, SessionFactory
from tests.support.bookings import contact_child

pytestmark = pytest.mark.django_db


def old_booking(contact, child, *, months_ago):
    start = timezone.now() - datetime.timedelta(days=31 * months_ago)
    session = SessionFactory(start=start, end=start + datetime.timedelta(hours=1))
    booking = BookingFactory(session=session, parent=None, family_contact=contact)
    booking.children.set([child])
    return booking


def test_an_idle_contact_is_erased_and_its_bookings_stay_anonymous(centre):
    contact = FamilyContactFactory(centre=centre, mobile="+447911123456")
    child = contact_child(contact, first_name="Zara")
    bookings = [old_booking(contact, child, months_ago=m) for m in (30, 26)]
    DeliveryFailure.objects.create(channel="text", address="+447911123456", reason="refused")
    FamilyContact.objects.filter(pk=contact.pk).update(
        last_active_at=timezone.now() - datetime.timedelta(days=31 * 25)
    )
    kept = FamilyContactFactory(centre=centre)  # active lately

    done = retention.enforce()

    assert done["erase_idle_family_contacts"] == 1
    assert list(FamilyContact.objects.all()) == [kept]
    assert not Child.objects.filter(first_name="Zara").exists()
    assert not DeliveryFailure.objects.exists()
    rows = Booking.objects.filter(pk__in=[b.pk for b in bookings])
    assert rows.count() == 2
    assert set(rows.annotate(key=HOUSEHOLD).values_list("key", flat=True)) == {
        rows.first().household
    }
    assert all(child.first_name == "" for row in rows for child in row.children.all())


def test_a_contact_with_an_upcoming_booking_is_kept(centre):
    contact = FamilyContactFactory(centre=centre)
    child = contact_child(contact)
    booking = BookingFactory(session=SessionFactory(), parent=None, family_contact=contact)
    booking.children.set([child])
    FamilyContact.objects.filter(pk=contact.pk).update(
        last_active_at=timezone.now() - datetime.timedelta(days=31 * 25)
    )
    assert retention.erase_idle_family_contacts(timezone.now()) == 0
    assert FamilyContact.objects.filter(pk=contact.pk).exists()


def test_old_bookings_of_a_kept_contact_are_anonymised_with_one_key(centre):
    contact = FamilyContactFactory(centre=centre)
    child = contact_child(contact)
    old = [old_booking(contact, child, months_ago=m) for m in (30, 27)]
    assert retention.anonymise_old_bookings(timezone.now()) == 2
    keys = set(
        Booking.objects.filter(pk__in=[b.pk for b in old]).values_list("household", flat=True)
    )
    assert len(keys) == 1 and next(iter(keys)).startswith("h")
    assert FamilyContact.objects.filter(pk=contact.pk).exists()
