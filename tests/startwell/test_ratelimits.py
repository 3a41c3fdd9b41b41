"""Limits on how often a person may try an action: counted per person and per window in the
shared database, every attempt counted even when several arrive at once."""

import datetime
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from startwell import ratelimits
from startwell.models import AttemptCount
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_rates_are_read_in_allauths_notation():
    assert ratelimits.parse("10/m/user, 40/h/user") == [
        ratelimits.Limit(10, 60),
        ratelimits.Limit(40, 3600),
    ]
    assert ratelimits.parse("5/10m/user") == [ratelimits.Limit(5, 600)]
    assert ratelimits.parse("") == []
    for wrong in ["10/m", "ten/m/user", "10/w/user", "10/m/ip"]:
        with pytest.raises(ValueError, match="Not a rate limit"):
            ratelimits.parse(wrong)


def test_a_person_is_refused_past_the_limit_and_others_are_not():
    pat, sam = UserFactory(), UserFactory()
    answers = [ratelimits.consume(action="book", user=pat, rates="3/m/user") for _ in range(4)]
    assert answers == [True, True, True, False]
    assert ratelimits.consume(action="book", user=sam, rates="3/m/user")
    assert ratelimits.consume(action="another", user=pat, rates="3/m/user")


def test_every_limit_counts_and_the_tightest_refuses():
    pat = UserFactory()
    answers = [
        ratelimits.consume(action="book", user=pat, rates="5/m/user,2/h/user") for _ in range(3)
    ]
    assert answers == [True, True, False]


def test_a_new_window_starts_again(monkeypatch):
    pat = UserFactory()
    now = timezone.now()
    for _ in range(2):
        ratelimits.consume(action="book", user=pat, rates="2/m/user")
    assert not ratelimits.consume(action="book", user=pat, rates="2/m/user")
    later = now + datetime.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert ratelimits.consume(action="book", user=pat, rates="2/m/user")
    assert AttemptCount.objects.get(key=f"book:{pat.pk}:60").count == 1


def test_counting_an_attempt_is_one_query_for_all_the_limits():
    pat = UserFactory()
    ratelimits.consume(action="book", user=pat, rates="10/m/user,40/h/user")
    with CaptureQueriesContext(connection) as queries:
        ratelimits.consume(action="book", user=pat, rates="10/m/user,40/h/user")
    assert len(queries) == 1


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_attempts_made_at_once_are_each_counted():
    pat = UserFactory()

    def attempt(_):
        try:
            return ratelimits.consume(action="book", user=pat, rates="10/h/user")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(attempt, range(30)))
    assert answers.count(True) == 10
    assert AttemptCount.objects.get(key=f"book:{pat.pk}:3600").count == 30
