"""A model of the booking rules, run against the real services by hypothesis: whatever sequence of
bookings, cancellations, waiting-list moves and session cancellations happens, the database agrees
with the model and the invariants hold (confirmed ≤ capacity, waiting list first come first
served, nobody both booked and waiting)."""

import pytest
from django.db.models import Count, Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from bookings import services
from bookings.errors import BookingError
from bookings.models import Booking
from tests.factories import ActivityPageFactory, ChildFactory, SessionFactory, UserFactory

HOUSEHOLDS = 5
MAX_CHILDREN = 3


class BookingMachine(RuleBasedStateMachine):
    centre = None  # set by the test

    def __init__(self):
        super().__init__()
        activity = ActivityPageFactory(parent=self.centre, max_age_months=60)
        self.capacity = 4
        self.session = SessionFactory(
            activity=activity, capacity=self.capacity, max_places_per_booking=MAX_CHILDREN
        )
        self.households = []
        for _ in range(HOUSEHOLDS):
            parent = UserFactory()
            children = [ChildFactory(parent=parent) for _ in range(MAX_CHILDREN)]
            self.households.append((parent, children))
        # The model: booking id -> who booked, status, places, and when (for waiting order).
        self.model: dict[int, dict] = {}
        self.clock = 0
        self.cancelled = False

    # --- the model's rules -------------------------------------------------------------------
    def _free(self) -> int:
        taken = sum(b["places"] for b in self.model.values() if b["status"] == "confirmed")
        return self.capacity - taken

    def _promote(self):
        waiting = sorted(
            (b for b in self.model.values() if b["status"] == "waiting"), key=lambda b: b["order"]
        )
        for booking in waiting:
            if booking["places"] <= self._free():
                booking["status"] = "confirmed"

    # --- actions ----------------------------------------------------------------------------
    @rule(
        who=st.integers(0, HOUSEHOLDS - 1),
        places=st.integers(1, MAX_CHILDREN),
        join=st.booleans(),
    )
    def book(self, who, places, join):
        parent, children = self.households[who]
        active = any(
            b["who"] == who and b["status"] in ("confirmed", "waiting") for b in self.model.values()
        )
        try:
            booking = services.book_session(
                parent=parent,
                session_id=self.session.pk,
                children=children[:places],
                join_waiting_list=join,
            )
        except BookingError:
            booking = None
        if self.cancelled or active:
            assert booking is None
            return
        self.clock += 1
        if places <= self._free():
            expected = "confirmed"
        elif join:
            expected = "waiting"
        else:
            expected = None
        if expected is None:
            assert booking is None
            return
        assert booking is not None and booking.status == expected
        self.model[booking.pk] = {
            "who": who,
            "status": expected,
            "places": places,
            "order": self.clock,
        }

    @precondition(lambda self: any(b["status"] == "confirmed" for b in self.model.values()))
    @rule(data=st.data())
    def cancel(self, data):
        confirmed = sorted(pk for pk, b in self.model.items() if b["status"] == "confirmed")
        pk = data.draw(st.sampled_from(confirmed))
        parent, _ = self.households[self.model[pk]["who"]]
        services.cancel_booking(booking_id=pk, by=parent)
        self.model[pk]["status"] = "cancelled"
        self._promote()

    @precondition(lambda self: any(b["status"] == "waiting" for b in self.model.values()))
    @rule(data=st.data())
    def leave_waiting_list(self, data):
        waiting = sorted(pk for pk, b in self.model.items() if b["status"] == "waiting")
        pk = data.draw(st.sampled_from(waiting))
        parent, _ = self.households[self.model[pk]["who"]]
        services.leave_waiting_list(booking_id=pk, by=parent)
        self.model[pk]["status"] = "left_waiting_list"

    @precondition(lambda self: not self.cancelled)
    @rule()
    def cancel_session(self):
        services.cancel_session(session_id=self.session.pk, reason="Flooded hall", by=None)
        self.cancelled = True
        for booking in self.model.values():
            if booking["status"] in ("confirmed", "waiting"):
                booking["status"] = "cancelled"

    # --- invariants -------------------------------------------------------------------------
    @invariant()
    def database_matches_the_model(self):
        rows = dict(Booking.objects.filter(session=self.session).values_list("pk", "status"))
        assert rows == {pk: b["status"] for pk, b in self.model.items()}

    @invariant()
    def never_more_confirmed_than_capacity(self):
        confirmed = Booking.objects.filter(
            session=self.session, status=Booking.Status.CONFIRMED
        ).aggregate(total=Sum("places"))["total"]
        assert (confirmed or 0) <= self.capacity

    @invariant()
    def nobody_both_booked_and_waiting(self):
        doubles = (
            Booking.objects.filter(session=self.session, status__in=Booking.ACTIVE_STATUSES)
            .values("parent")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
        )
        assert not doubles.exists()

    @invariant()
    def no_waiting_household_fits_the_free_places(self):
        # First come, first served: freed places always go to the waiting list at once.
        if self.cancelled:
            return
        free = self._free()
        assert all(b["places"] > free for b in self.model.values() if b["status"] == "waiting")


@pytest.mark.django_db
def test_booking_rules_hold_for_any_sequence(centre):
    BookingMachine.centre = centre
    run_state_machine_as_test(
        BookingMachine,
        settings=settings(
            max_examples=30,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
