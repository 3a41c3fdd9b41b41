"""Opening a register writes who looked, before the register is shown; on PostgreSQL that commit
does not wait for the disk, and the setting covers nothing else (bookings.audit.record_looks)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings import audit
from bookings.models import SessionLogEntry

pytestmark = pytest.mark.django_db(transaction=True)


def synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def test_opening_the_register_writes_who_looked(client, champion, session_today):
    client.force_login(champion.user)

    response = client.get(reverse("parent_champions:register", args=[session_today.pk]))

    assert response.status_code == 200
    entry = SessionLogEntry.objects.get(session=session_today)
    assert (entry.action, entry.user_id) == (audit.VIEWED, champion.user_id)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_only_the_looks_own_commit_does_not_wait_for_the_disk(champion, session_today):
    assert synchronous_commit() == "on"

    audit.record_looks(session_today, [audit.VIEWED, audit.DROP_OFF_VIEWED], user=champion.user)

    assert SessionLogEntry.objects.filter(session=session_today).count() == 2
    assert synchronous_commit() == "on"  # the next transaction waits again
    with transaction.atomic():
        # Inside a caller's transaction (a booking, say), its commit is left to wait.
        audit.record_looks(session_today, [audit.VIEWED], user=champion.user)
        assert synchronous_commit() == "on"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL statement")
def test_the_looks_are_one_statement_writing_what_record_writes(champion, session_today):
    audit.record(session_today, audit.VIEWED, user=champion.user)
    recorded = SessionLogEntry.objects.get()

    with CaptureQueriesContext(connection) as queries:
        audit.record_looks(session_today, [audit.VIEWED, audit.DROP_OFF_VIEWED], user=champion.user)

    assert len(queries) == 1 and "synchronous_commit" in queries[0]["sql"]
    looked = list(SessionLogEntry.objects.exclude(pk=recorded.pk).order_by("pk"))
    assert [entry.action for entry in looked] == [audit.VIEWED, audit.DROP_OFF_VIEWED]

    def written(entry):
        fields = SessionLogEntry._meta.concrete_fields
        skip = {"id", "timestamp", "uuid", "action"}
        return {f.attname: getattr(entry, f.attname) for f in fields if f.attname not in skip}

    assert written(looked[0]) == written(looked[1]) == written(recorded)
    assert recorded.timestamp <= looked[0].timestamp
    assert looked[0].uuid == looked[1].uuid  # one look, as one request's entries share one
    assert synchronous_commit() == "on"


def test_an_unknown_look_is_refused_and_writes_nothing(champion, session_today):
    with pytest.raises(ValueError, match="Unknown session log action"):
        audit.record_looks(session_today, [audit.VIEWED, "startwell.register.peeked"], user=None)
    assert not SessionLogEntry.objects.exists()
