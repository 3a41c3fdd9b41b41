"""Fixtures for the booking pages: the shared cache that counts booking attempts."""

import pytest
from django.core.cache import cache
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # The database cache (booking and sign-in rate limits) needs its table, as it does in
    # every deployment.
    with django_db_blocker.unblock():
        call_command("createcachetable", verbosity=0)


@pytest.fixture(autouse=True)
def clear_cache(django_db_blocker, django_db_setup):
    """Each test starts with no rate-limit counters left by another."""
    with django_db_blocker.unblock():
        cache.clear()
