"""Django's database cache with a cheaper `set`, for the `pages` cache when there is no Redis.

Django's `DatabaseCache.set` counts the whole table (to cull it once it holds more than
`MAX_ENTRIES`), then reads the key and inserts or updates it in a transaction of its own: three
statements and a commit that waits for the disk, on every set. Here a set is one statement (an
insert that updates the row already there), the table is counted only every `COUNT_EVERY` sets
of each process (so it may hold that many entries over its limit until the next count), and on
PostgreSQL the commit of a set made outside a transaction does not wait for the disk: a crash
could forget the last few entries, which a cache can afford (a page or a person's facts are
worked out again). Everything else (`add`, `touch`, reads, deletes, the table itself) is
Django's.
"""

import base64
import datetime
import pickle
from contextlib import nullcontext

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import DatabaseError, connections, router, transaction
from django.utils import timezone

UPSERT_VENDORS = {"postgresql", "sqlite"}


class DatabaseCache(DjangoDatabaseCache):
    def __init__(self, table, params):
        super().__init__(table, params)
        options = params.get("OPTIONS") or {}
        self._count_every = max(1, int(options.get("COUNT_EVERY", 100)))
        self._sets_until_count = 0

    def _base_set(self, mode, key, value, timeout=DEFAULT_TIMEOUT):
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        if mode != "set" or connection.vendor not in UPSERT_VENDORS:
            return super()._base_set(mode, key, value, timeout)
        timeout = self.get_backend_timeout(timeout)
        if timeout is None:
            expires = datetime.datetime.max
        else:
            zone = datetime.UTC if settings.USE_TZ else None
            expires = datetime.datetime.fromtimestamp(timeout, tz=zone)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        quote = connection.ops.quote_name
        table = quote(self._table)
        cache_key, stored, expiry = quote("cache_key"), quote("value"), quote("expires")
        # Only names and placeholders are put together here.
        sql = (
            f"INSERT INTO {table} ({cache_key}, {stored}, {expiry}) VALUES (%s, %s, %s) "  # noqa: S608  # nosec B608
            f"ON CONFLICT ({cache_key}) DO UPDATE "
            f"SET {stored} = excluded.{stored}, {expiry} = excluded.{expiry}"
        )
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # The statement is a transaction of its own: this makes its commit not wait for
            # the disk (inside a caller's transaction the setting would cover the caller's
            # writes too, so there it is left alone).
            sql += " RETURNING set_config('synchronous_commit', 'off', true)"
        try:
            with connection.cursor() as cursor:
                self._cull_now_and_then(db, cursor, table)
                # Inside a caller's transaction, a failure undoes only the set (as Django's).
                with transaction.atomic(using=db) if connection.in_atomic_block else nullcontext():
                    cursor.execute(sql, [key, encoded, expires])
        except DatabaseError:
            # As Django's: a set that fails is a miss later, never an error now.
            return False
        return True

    def _cull_now_and_then(self, db, cursor, table: str) -> None:
        if self._sets_until_count > 0:
            self._sets_until_count -= 1
            return
        self._sets_until_count = self._count_every - 1
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608  # nosec B608
        entries = cursor.fetchone()[0]
        if entries > self._max_entries:
            self._cull(db, cursor, timezone.now().replace(microsecond=0), entries)
