"""The register's rows: each household with its own parent, its own children and who booked,
and nothing from another session or a cancelled booking."""

import pytest

from bookings import registers
from bookings.models import Booking
from bookings.registers import register_for
from tests.factories import BookingFactory, ChildFactory, SessionFactory, UserFactory
from tests.support.bookings import book

pytestmark = pytest.mark.django_db


def children_by_household(register) -> dict[str, list[str]]:
    return {row.short_name: [name for name, _age in row.children] for row in register.booked}


def test_each_household_has_its_own_children_and_no_others():
    session = SessionFactory(capacity=20)
    other_session = SessionFactory(activity=session.activity, capacity=20)
    priya = book(session, first_name="Priya", last_name="Patel", children=2)
    sam = book(session, first_name="Sam", last_name="Jones", children=1)
    # Priya's first child is booked on another session too, and Sam cancelled a booking for a
    # second child: neither shows twice, nor at all.
    elsewhere = BookingFactory(session=other_session, parent=priya.parent, places=1)
    elsewhere.children.set([priya.children.order_by("first_name").first()])
    cancelled = BookingFactory(
        session=session, parent=sam.parent, places=1, status=Booking.Status.CANCELLED
    )
    cancelled.children.set([ChildFactory(parent=sam.parent, first_name="Cancelledkid")])

    register = register_for(session)

    assert children_by_household(register) == {
        "Priya P.": ["Priyakid0", "Priyakid1"],
        "Sam J.": ["Samkid0"],
    }
    assert [row.booking.parent for row in register.booked] == [priya.parent, sam.parent]


def test_who_booked_is_the_parent_or_the_member_of_staff():
    session = SessionFactory(capacity=20)
    staff = UserFactory(first_name="Chris")
    own = book(session, first_name="Priya")
    for_them = book(session, first_name="Sam", booked_by=staff)

    rows = {row.booking.pk: row.booking for row in register_for(session).booked}

    assert rows[own.pk].booked_by == own.parent and not rows[own.pk].made_on_behalf
    assert rows[for_them.pk].booked_by == staff and rows[for_them.pk].made_on_behalf


def test_a_register_with_nobody_booked_asks_nothing_of_families(django_assert_num_queries):
    session = SessionFactory(capacity=20)
    session.activity  # noqa: B018 - read here, so that only the register's queries are counted
    with django_assert_num_queries(2):  # the bookings, the walk-ins
        register = register_for(session)
    assert register.booked == [] and register.waiting == []


def test_an_account_erased_while_the_register_is_read_leaves_its_booking_unnamed():
    session = SessionFactory(capacity=20)
    priya = book(session, first_name="Priya", last_name="Patel")
    book(session, first_name="Sam", last_name="Jones")
    bookings = list(Booking.objects.filter(session=session).order_by("pk"))
    priya.parent.delete()  # between reading the bookings and reading their parents

    registers._read_parents(bookings, session.pk)

    assert [registers.short_name(booking) for booking in bookings] == [
        registers.ANONYMISED,
        "Sam J.",
    ]
    # Not shown as booked by staff: the family had booked for itself.
    assert [booking.made_on_behalf for booking in bookings] == [False, False]
    assert bookings[0].booked_by is None


def test_each_row_says_who_comes_children_with_their_ages_or_the_adults():
    session = SessionFactory(capacity=20)
    family = book(session, first_name="Priya", children=2)
    grown_ups = book(session, first_name="Sam", children=0, adults=2, places=2)
    grown_up = book(session, first_name="Ada", children=0, adults=1, places=1)

    rows = {row.booking.pk: row for row in register_for(session).booked}

    ages = [age for _name, age in rows[family.pk].children]
    assert rows[family.pk].who_comes == f"Priyakid0 ({ages[0]}), Priyakid1 ({ages[1]})"
    assert rows[grown_ups.pk].who_comes == "2 adults"
    assert rows[grown_up.pk].who_comes == "1 adult"
