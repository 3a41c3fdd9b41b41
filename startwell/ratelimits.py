"""Limits on how often one person may try an action (e.g. "10/m/user,40/h/user" for booking).

Each limit counts attempts in fixed windows of its period, in a table of the shared database,
so it holds across every worker and host. Counting is one atomic statement for all of an
action's limits (an upsert that adds one, or starts again at one in a new window, and returns
the counts), so it costs a single query and parallel attempts by one person are each counted:
the same guarantee as Redis's INCR, on SQLite and PostgreSQL alike. A fixed window lets a
person make up to twice a limit across a window's boundary; that is the price of one query,
and still stops anyone hammering the form.
"""

import re
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from .models import AttemptCount

UNITS = {"s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*/\s*user\s*$")


@dataclass(frozen=True)
class Limit:
    attempts: int
    seconds: int


def parse(rates: str) -> list[Limit]:
    """Limits written as allauth writes them, counted per person: "10/m/user,40/h/user". A
    period may carry a number: "5/10m/user" is five in ten minutes."""
    limits = []
    for rate in filter(None, (part.strip() for part in rates.split(","))):
        match = _RATE.match(rate)
        if not match:
            raise ValueError(f"Not a rate limit: {rate!r} (for example 10/m/user)")
        attempts, count, unit = match.groups()
        limits.append(Limit(int(attempts), int(count or 1) * UNITS[unit]))
    return limits


def consume(*, action: str, user, rates: str) -> bool:
    """Counts one attempt by `user` at `action`; False when it goes over any of the limits
    (the attempt is counted all the same, so hammering stays refused until the window ends)."""
    limits = parse(rates)
    if not limits:
        return True
    now = int(timezone.now().timestamp())
    rows = [(f"{action}:{user.pk}:{limit.seconds}", now // limit.seconds) for limit in limits]
    counts = _count(rows)
    return all(counts[key] <= limit.attempts for (key, _), limit in zip(rows, limits, strict=True))


def _count(rows: list[tuple[str, int]]) -> dict[str, int]:
    quote = connection.ops.quote_name
    table = quote(AttemptCount._meta.db_table)
    key, window, count = quote("key"), quote("window"), quote("count")
    values = ", ".join(["(%s, %s, 1)"] * len(rows))
    # A new window starts again at one; the same window adds one. ON CONFLICT ... RETURNING is
    # in PostgreSQL and in SQLite from 3.35. Only names and placeholders are put together here.
    sql = (
        f"INSERT INTO {table} ({key}, {window}, {count}) VALUES {values} "  # noqa: S608  # nosec B608
        f"ON CONFLICT ({key}) DO UPDATE SET {count} = CASE WHEN {table}.{window} = "
        f"excluded.{window} THEN {table}.{count} + 1 ELSE 1 END, {window} = excluded.{window} "
        f"RETURNING {key}, {count}"
    )
    params = [value for row in rows for value in row]
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # The statement is a transaction of its own, and this makes its commit not wait for
        # the disk: the count is the only write of most attempts (every refused one), and
        # waiting for the disk cost more than the rest of the attempt. A crash could forget the
        # last few counts, which a rate limit can afford. Said in the statement itself, it
        # costs no round trip of its own (nor a BEGIN and COMMIT). (Inside a caller's
        # transaction the setting would cover the caller's writes too, so there it is left
        # alone.)
        sql += ", set_config('synchronous_commit', 'off', true)"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: row[1] for row in cursor.fetchall()}
