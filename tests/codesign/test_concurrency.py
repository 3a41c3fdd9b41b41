"""Races on the real database: many identical support requests at once, and many parents
pushing an idea over its threshold at once. Each thread is its own connection (the SQLite test
database is a file, so they really share it)."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from codesign import services
from codesign.models import IdeaDecision, IdeaStatus, Support
from tests.factories import UserFactory
from tests.factories.codesign import IdeaFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

THREADS = 100


def _run_together(count: int, work) -> list:
    """Runs `work(i)` in `count` threads released at the same moment; returns results or
    exceptions. PostgreSQL allows about 100 connections in all, so there at most 30 threads
    hold one at a time; SQLite takes them all."""
    barrier = threading.Barrier(count)
    limit = threading.BoundedSemaphore(30 if connection.vendor == "postgresql" else count)
    results: list = [None] * count

    def run(i):
        barrier.wait()
        with limit:
            try:
                results[i] = work(i)
            except Exception as error:  # noqa: BLE001 - reported by the test
                results[i] = error
            finally:
                connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_a_hundred_identical_support_requests_leave_one_row(centre):
    idea = IdeaFactory(centre=centre)
    parent = UserFactory()
    signed_in = Client()
    signed_in.force_login(parent)
    url = reverse("codesign:support", args=[idea.pk])

    def support(_i):
        client = Client()
        client.cookies = signed_in.cookies
        return client.post(url).status_code

    results = _run_together(THREADS, support)

    assert results == [302] * THREADS
    assert Support.objects.filter(idea=idea, parent=parent).count() == 1


def test_parents_crossing_the_threshold_together_send_it_to_review_once(centre):
    idea = IdeaFactory(centre=centre)
    parents = [UserFactory() for _ in range(20)]

    def support(i):
        return services.support_idea(idea=idea, parent=parents[i])

    results = _run_together(len(parents), support)

    assert [r for r in results if isinstance(r, Exception)] == []
    assert Support.objects.filter(idea=idea).count() == 20
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.UNDER_REVIEW
    assert IdeaDecision.objects.filter(idea=idea, to_status=IdeaStatus.UNDER_REVIEW).count() == 1
