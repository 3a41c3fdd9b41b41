"""Periodic tasks: apps register a task with how often it should run, and `manage.py
run_scheduler` enqueues each one when it is due.

Several schedulers may run at once (one per host, say): the last time a task was enqueued is kept
in the database, and a scheduler enqueues only if its conditional update of that time wins."""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    task: object  # a django_tasks Task
    interval: datetime.timedelta


_registry: dict[str, PeriodicTask] = {}


def register(task, *, every: datetime.timedelta, name: str | None = None) -> None:
    name = name or task.module_path
    _registry[name] = PeriodicTask(name=name, task=task, interval=every)


def every(interval: datetime.timedelta, *, name: str | None = None):
    """Decorator for a `@task()`: run it on this interval."""

    def decorate(task):
        register(task, every=interval, name=name)
        return task

    return decorate


def registered() -> list[PeriodicTask]:
    return sorted(_registry.values(), key=lambda periodic: periodic.name)


def discover() -> None:
    """Imports every app's `tasks` module, where periodic tasks register themselves."""
    autodiscover_modules("tasks")


def claim(periodic: PeriodicTask, *, now: datetime.datetime) -> bool:
    """True for exactly one caller per interval: records `now` as the last enqueue time only if
    the previous one is at least an interval old."""
    from .models import PeriodicTaskRun

    try:
        with transaction.atomic():
            PeriodicTaskRun.objects.get_or_create(name=periodic.name)
    except IntegrityError:
        pass  # another scheduler created the row first
    due = Q(last_enqueued_at__isnull=True) | Q(last_enqueued_at__lte=now - periodic.interval)
    updated = PeriodicTaskRun.objects.filter(due, name=periodic.name).update(last_enqueued_at=now)
    return updated == 1


def enqueue_due(*, now: datetime.datetime | None = None) -> list[str]:
    """Enqueues every registered task that is due; returns their names."""
    now = now or timezone.now()
    enqueued = []
    for periodic in registered():
        # The claim and the queued task commit together, so a failed enqueue is retried.
        with transaction.atomic():
            if claim(periodic, now=now):
                periodic.task.enqueue()
                enqueued.append(periodic.name)
    return enqueued
