"""The shared cache in the database (the default without Redis): Django's database cache, whose
writes on PostgreSQL do not wait for the disk.

Everything in the cache can be worked out again (pages, fragments, a person's header facts,
Wagtail's site paths, sign-in attempt counts), and a commit that waits for the disk costs about
4 ms on a small machine: more than a whole cached page. So a write that is a transaction of its
own (the cache's usual case) commits with `synchronous_commit` off; a crash could lose the last
fraction of a second of writes, which then read as misses. Deleting is left as it is: the page
cache ends a generation by deleting its key, and that must not be lost once a change it follows
is on disk. Inside a caller's transaction nothing changes, since the setting would cover the
caller's writes too."""

from contextlib import contextmanager

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router, transaction


class DatabaseCache(DjangoDatabaseCache):
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with not_waiting_for_the_disk(router.db_for_write(self.cache_model_class)):
            super().set(key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with not_waiting_for_the_disk(router.db_for_write(self.cache_model_class)):
            return super().add(key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        with not_waiting_for_the_disk(router.db_for_write(self.cache_model_class)):
            return super().touch(key, timeout, version)


@contextmanager
def not_waiting_for_the_disk(alias: str = "default"):
    """On PostgreSQL, and outside any transaction, runs the block as a transaction of its own
    that commits without waiting for the disk; otherwise as it is."""
    connection = connections[alias]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield
