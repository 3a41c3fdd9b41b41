"""The `pages` cache without Redis (startwell/db_cache.py): Django's database cache whose set
is one statement, counting the table only every so many sets, and which otherwise behaves as
Django's (an entry replaced, `add` leaving a live entry alone, expired entries gone)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from startwell.db_cache import DatabaseCache

pytestmark = pytest.mark.django_db

# The default cache's table, which the test database has (tests/conftest.py); emptied before
# each test.
TABLE = "startwell_cache"


def a_cache(**options) -> DatabaseCache:
    return DatabaseCache(TABLE, {"OPTIONS": options})


def statements(queries) -> list[str]:
    """The statements run, leaving out the savepoint a set takes inside a test's transaction
    (as Django's does, so that a failed set leaves the caller's transaction usable)."""
    return [
        query["sql"].split()[0]
        for query in queries
        if not query["sql"].upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")  # noqa: S608
        return cursor.fetchone()[0]


def test_a_set_is_one_statement_and_the_table_is_counted_every_so_many_sets():
    cache = a_cache(COUNT_EVERY=3)
    run = []
    for n in range(7):
        with CaptureQueriesContext(connection) as queries:
            cache.set(f"key{n}", {"n": n})
        run.append(statements(queries))
    counted = ["SELECT", "INSERT"]
    assert run == [counted, ["INSERT"], ["INSERT"], counted, ["INSERT"], ["INSERT"], counted]
    assert cache.get_many([f"key{n}" for n in range(7)]) == {f"key{n}": {"n": n} for n in range(7)}


def test_a_set_replaces_the_entry_and_add_leaves_a_live_one_alone():
    cache = a_cache()
    cache.set("facts", ("version-1", {"staff": False}))
    cache.set("facts", ("version-2", {"staff": True}))
    assert cache.get("facts") == ("version-2", {"staff": True})
    assert cache.add("facts", "other") is False
    assert cache.get("facts") == ("version-2", {"staff": True})
    assert rows() == 1


def test_an_entry_past_its_time_is_gone_and_one_kept_for_ever_stays():
    cache = a_cache()
    cache.set("brief", "gone at once", timeout=0)
    cache.set("lasting", "kept", timeout=None)
    assert cache.get("brief") is None
    assert cache.get("lasting") == "kept"
    # Django's `add` takes the place of an entry past its time.
    assert cache.add("brief", "again")
    assert cache.get("brief") == "again"


def test_past_its_size_the_table_is_culled_when_next_counted():
    cache = a_cache(MAX_ENTRIES=4, CULL_FREQUENCY=2, COUNT_EVERY=1)
    for n in range(12):
        cache.set(f"key{n}", n)
        # Counted before each set: at most one entry over the limit.
        assert rows() <= 5
    assert cache.get("key11") == 11


@pytest.mark.django_db(transaction=True)
def test_a_set_outside_a_transaction_is_kept():
    # On PostgreSQL the statement also says its commit need not wait for the disk.
    cache = a_cache()
    assert not connection.in_atomic_block
    cache.set("page", b"<html>", timeout=60)
    cache.set("page", b"<html>again", timeout=60)
    assert a_cache().get("page") == b"<html>again"
