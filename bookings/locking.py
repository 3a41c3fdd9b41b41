"""The session lock: every change to who holds places on a session runs inside one durable
transaction with the session row locked — lock, re-read, check, write — so a session never holds
more places than its capacity, whatever the concurrency.

    with session_transaction(), locked_session(session_id) as session:
        ...

On PostgreSQL the lock is the session row's lock (`SELECT ... FOR UPDATE`), given up after
`BOOKINGS_LOCK_TIMEOUT` rather than queueing for ever; on SQLite it is the database's write lock,
taken when the (IMMEDIATE) transaction starts. Either way a lock that cannot be had in time
reaches the family as a plain "the centre is very busy" refusal, never as a server error.
"""

import contextlib
from collections.abc import Iterator

from django.conf import settings
from django.db import OperationalError, transaction
from django.utils.translation import gettext_lazy as _

from .errors import BookingError
from .models import Course, Session

BUSY = _("The centre is very busy just now. Please try again in a minute.")

# PostgreSQL's SQLSTATE for "lock not available" (lock_timeout ran out).
_LOCK_NOT_AVAILABLE = "55P03"


def locking_enabled() -> bool:
    # Switched off only by the concurrency tests' control run, to show the race is real.
    return getattr(settings, "BOOKINGS_LOCK_SESSIONS", True)


def lock_timeout() -> str:
    """How long to wait for another change to the same session before giving up (PostgreSQL's
    `lock_timeout` syntax, e.g. "5s")."""
    return settings.BOOKINGS_LOCK_TIMEOUT


def _is_lock_timeout(error: OperationalError) -> bool:
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) == _LOCK_NOT_AVAILABLE:
        return True
    return "database is locked" in str(error)


@contextlib.contextmanager
def _busy_as_refusal() -> Iterator[None]:
    try:
        yield
    except OperationalError as error:
        if _is_lock_timeout(error):
            raise BookingError(BUSY) from error
        raise


@contextlib.contextmanager
def session_transaction() -> Iterator[None]:
    """The durable transaction a change to a session's places runs in (on SQLite, starting it
    takes the write lock). With the lock switched off — the concurrency tests' control run only —
    there is no transaction, because on SQLite the transaction itself is the lock."""
    if not locking_enabled():
        yield
        return
    with _busy_as_refusal(), transaction.atomic(durable=True):
        yield


@contextlib.contextmanager
def locked_session(session_id: int) -> Iterator[Session]:
    """Yields the session, locked until the surrounding transaction ends. Refuses to run outside
    a transaction: a lock outside one would be released at once and protect nothing."""
    if not locking_enabled():
        yield Session.objects.select_related("activity").get(pk=session_id)
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("locked_session() needs a transaction: open session_transaction().")
    with _busy_as_refusal():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # SET LOCAL lock_timeout, for this transaction only (set_config takes parameters).
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [lock_timeout()])
        # Only the session's row: the activity (and its page) it is read with stays unlocked, so
        # a course's lock (course, then its sessions) and a session's never wait on each other
        # through the activity they share.
        session = (
            Session.objects.select_for_update(of=("self",))
            .select_related("activity")
            .get(pk=session_id)
        )
    yield session


@contextlib.contextmanager
def locked_course(course_id: int) -> Iterator[Course]:
    """Yields the course, locked with every one of its sessions until the surrounding
    transaction ends: a course place takes a place on each session, so nothing else may change
    who holds places on any of them meanwhile. Locks are taken course first, then sessions in
    id order; a change to one session locks only that session, so the two never wait on each
    other in a circle. On SQLite the transaction's write lock covers it all."""
    if not locking_enabled():
        yield Course.objects.select_related("activity").get(pk=course_id)
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("locked_course() needs a transaction: open session_transaction().")
    with _busy_as_refusal():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [lock_timeout()])
        course = (
            Course.objects.select_for_update(of=("self",))
            .select_related("activity")
            .get(pk=course_id)
        )
        list(Session.objects.select_for_update().filter(course=course).order_by("pk"))
    yield course
