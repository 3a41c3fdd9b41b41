"""The session lock: it refuses to run outside a transaction, and a session held by another change
for longer than the lock timeout gives the family a plain "very busy" refusal, not a server error
(PostgreSQL's row lock in one run of the suite, SQLite's write lock in the other)."""

import threading

import pytest
from django.db import connection, transaction

from bookings import services
from bookings.errors import BookingError
from bookings.locking import BUSY, locked_session, session_transaction
from bookings.models import Booking, Session
from tests.factories import ActivityPageFactory, ChildFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def session(centre):
    activity = ActivityPageFactory(parent=centre, max_age_months=60)
    return SessionFactory(activity=activity, capacity=5)


def test_the_lock_refuses_to_run_outside_a_transaction(session):
    assert not connection.in_atomic_block
    with pytest.raises(RuntimeError, match="needs a transaction"), locked_session(session.pk):
        pass


def test_inside_the_transaction_the_lock_yields_the_session(session):
    with session_transaction(), locked_session(session.pk) as locked:
        assert locked.pk == session.pk
        assert connection.in_atomic_block


def _hold_the_lock(session_id: int, holding: threading.Event, release: threading.Event):
    """Another change to the same session, in its own connection, that takes its time."""
    try:
        with transaction.atomic():
            # On SQLite the IMMEDIATE transaction already holds the write lock; on PostgreSQL
            # this takes the row lock.
            Session.objects.select_for_update().get(pk=session_id)
            holding.set()
            release.wait(30)
    finally:
        connection.close()


def _book_in_another_connection(session_id: int, parent, child) -> list:
    """Books from a fresh connection (so that a lowered SQLite busy timeout applies)."""
    outcome = []

    def attempt():
        try:
            outcome.append(
                services.book_session(parent=parent, session_id=session_id, children=[child])
            )
        except Exception as error:  # noqa: BLE001 - the test looks at what was raised
            outcome.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=attempt)
    thread.start()
    thread.join(60)
    return outcome


def test_a_session_locked_for_too_long_gives_the_family_a_busy_message(
    session, settings, monkeypatch
):
    settings.BOOKINGS_LOCK_TIMEOUT = "300ms"
    if connection.vendor == "sqlite":
        # SQLite waits `timeout` seconds for the write lock; lowered so the test is quick.
        monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 0.3)
    parent = UserFactory()
    child = ChildFactory(parent=parent)
    holding, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_the_lock, args=(session.pk, holding, release))
    holder.start()
    try:
        assert holding.wait(10)
        [outcome] = _book_in_another_connection(session.pk, parent, child)
    finally:
        release.set()
        holder.join(30)

    assert isinstance(outcome, BookingError), outcome
    assert outcome.message == BUSY
    assert not Booking.objects.exists()

    # Once the other change is done, the same request goes through.
    [booking] = _book_in_another_connection(session.pk, parent, child)
    assert isinstance(booking, Booking), booking
    assert booking.status == Booking.Status.CONFIRMED
