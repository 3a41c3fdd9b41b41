"""What the race tests share: starting many attempts at the same moment on threads of their own
(each with its own database connection), counting what became of them, and, for the control
runs, widening the gap between counting places and writing a booking so that a missing lock
shows as overbooking."""

import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.db import connection
from django.db.models import Sum

from bookings.errors import BookingError
from bookings.models import Booking

REFUSED = "refused"


def race(attempts: list[Callable[[], str]], *, threads: int) -> dict:
    """Runs the attempts on `threads` threads that all start together. Each attempt returns what
    it became (a booking's status, say); a `BookingError` counts as refused, and any other
    failure is kept under "errors" (the tests expect none). Returns the counts by outcome."""
    outcomes: dict = defaultdict(int, errors=[])
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def run(batch):
        try:
            start.wait()
            for attempt in batch:
                try:
                    outcome = attempt()
                except BookingError:
                    outcome = REFUSED
                except Exception as error:  # noqa: BLE001 - any other failure fails the test
                    with lock:
                        outcomes["errors"].append(repr(error))
                    continue
                with lock:
                    outcomes[outcome] += 1
        finally:
            connection.close()

    batches = [attempts[i::threads] for i in range(threads)]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(run, batches))
    return outcomes


def widen_the_gap(monkeypatch, owner, name: str, *, pause=(0.01, 0.05)) -> Callable:
    """For a control run: `owner.name` (a count of places) sleeps after counting, so that every
    attempt counts the same free places before any writes. Returns the original count."""
    counted = getattr(owner, name)

    def slow_count(*args, **kwargs):
        value = counted(*args, **kwargs)
        time.sleep(random.uniform(*pause))
        return value

    monkeypatch.setattr(owner, name, slow_count)
    return counted


def confirmed_places(session) -> int:
    confirmed = Booking.objects.filter(session=session, status=Booking.Status.CONFIRMED)
    return confirmed.aggregate(total=Sum("places"))["total"] or 0
