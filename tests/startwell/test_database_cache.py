"""The shared cache in the database (`startwell.cache.DatabaseCache`): Django's, whose writes on
PostgreSQL commit without waiting for the disk when they are a transaction of their own, and
leave a caller's transaction as it is."""

import pytest
from django.core.cache import caches
from django.db import connection, transaction

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cache(settings):
    settings.CACHES = {
        **settings.CACHES,
        "probe": {"BACKEND": "startwell.cache.DatabaseCache", "LOCATION": "startwell_cache"},
    }
    probe = caches["probe"]
    yield probe
    probe.clear()


def statements_of(action) -> list[str]:
    seen = []

    def record(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        action()
    return seen


def test_it_keeps_adds_touches_and_deletes(cache):
    cache.set("a", {"n": 1}, 60)
    assert cache.get("a") == {"n": 1}
    assert cache.add("a", "other") is False
    assert cache.add("b", "new", 60) is True
    assert cache.touch("b", 120) is True
    assert cache.get_many(["a", "b"]) == {"a": {"n": 1}, "b": "new"}
    cache.delete("a")
    assert cache.get("a") is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's commit setting")
def test_on_postgresql_a_write_of_its_own_does_not_wait_for_the_disk(cache):
    for write in (lambda: cache.set("a", 1, 60), lambda: cache.add("b", 2, 60)):
        assert "SET LOCAL synchronous_commit TO OFF" in statements_of(write)
    # Only for that transaction: the next one waits for the disk as usual.
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
    # A delete (how the page cache ends a generation) is never left behind in a crash.
    assert not any("synchronous_commit" in sql for sql in statements_of(lambda: cache.delete("a")))


def test_inside_a_callers_transaction_nothing_changes(cache):
    with transaction.atomic():
        seen = statements_of(lambda: cache.set("a", 1, 60))
    assert not any("synchronous_commit" in sql for sql in seen)
    assert cache.get("a") == 1
