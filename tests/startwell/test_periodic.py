"""The scheduler's "due" rule: each periodic task is enqueued once per interval, whichever of
several schedulers asks."""

import datetime
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks import task

from startwell import periodic
from startwell.models import PeriodicTaskRun

pytestmark = pytest.mark.django_db

RUNS = []


@task()
def record_run() -> None:
    RUNS.append(1)


@pytest.fixture
def hourly(monkeypatch):
    monkeypatch.setattr(periodic, "_registry", {})
    RUNS.clear()
    periodic.register(record_run, every=datetime.timedelta(hours=1), name="record")
    return periodic.registered()[0]


NOON = datetime.datetime(2027, 1, 5, 12, 0, tzinfo=datetime.UTC)


def test_a_new_task_is_due_at_once(hourly):
    assert periodic.enqueue_due(now=NOON) == ["record"]
    assert RUNS == [1]
    assert PeriodicTaskRun.objects.get(name="record").last_enqueued_at == NOON


def test_not_due_again_until_the_interval_has_passed(hourly):
    periodic.enqueue_due(now=NOON)
    assert periodic.enqueue_due(now=NOON + datetime.timedelta(minutes=59)) == []
    assert periodic.enqueue_due(now=NOON + datetime.timedelta(hours=1)) == ["record"]
    assert len(RUNS) == 2


def test_only_one_of_several_schedulers_claims_a_due_task(hourly):
    claims = [periodic.claim(hourly, now=NOON) for _ in range(3)]
    assert claims == [True, False, False]
    later = NOON + datetime.timedelta(hours=2)
    assert [periodic.claim(hourly, now=later) for _ in range(2)] == [True, False]


def test_reminders_are_registered_hourly():
    periodic.discover()
    by_name = {p.name: p for p in periodic.registered()}
    reminders = by_name["bookings.tasks.send_session_reminders"]
    assert reminders.interval == datetime.timedelta(hours=1)


def test_run_scheduler_once_enqueues_due_tasks(hourly, capsys):
    call_command("run_scheduler", "--once")
    assert RUNS == [1]
    assert "Enqueued record" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_concurrent_schedulers_enqueue_a_due_task_once(hourly):
    results = []
    start = threading.Barrier(4)

    def scheduler():
        try:
            start.wait()
            results.append(periodic.claim(hourly, now=NOON))
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, True]
