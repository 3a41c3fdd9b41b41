"""Which tests the second database's run leaves out (scripts/test runs the suite on SQLite and,
side by side, on PostgreSQL)."""

import pytest
from django.test import TransactionTestCase


def uses_database(item: pytest.Item) -> bool:
    """Whether the test touches the test database (through pytest-django's fixtures or marker,
    or as one of Django's database test cases)."""
    test_class = getattr(item, "cls", None)
    if test_class is not None and issubclass(test_class, TransactionTestCase):
        return True
    return "django_db_setup" in getattr(item, "fixturenames", ()) or bool(
        item.get_closest_marker("django_db")
    )


def repeats_nothing_on_a_second_database(item: pytest.Item) -> bool:
    """Whether a second run on another database would learn nothing from the test: it never
    touches the database (deployment checks, import rules, the dependency audit), or it is a
    browser journey, which tests what a person sees and does. The rules under the journeys
    (locks, constraints, queries) have their own tests, which run on both databases."""
    return not uses_database(item) or "/e2e/" in str(item.path)
