"""Fixtures shared by every test: the shared cache, the page tree a visitor sees
(home → centres → centre), people, and the local stand-in for Stripe."""

import os

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.test import TestCase, TransactionTestCase
from django.utils import translation
from pytest_django.fixtures import validate_django_db
from pytest_django.plugin import blocking_manager_key

from startwell.templatetags.fragments import process_fragments
from tests.accounts import SignedInClient, activate_totp
from tests.factories import UserFactory
from tests.support import page_tree
from tests.support.runs import repeats_nothing_on_a_second_database
from tests.support.translations import compile_stale_catalogues

# Set once a test that empties the database has run: the next test builds the page tree again.
_database_emptied = False


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # The database cache (allauth's rate limits, used TOTP codes) needs its table in the test
    # database, as it does in every deployment.
    with django_db_blocker.unblock():
        call_command("createcachetable", verbosity=0)
        # The page tree is committed once here; each test's changes to it are rolled back.
        page_tree.ensure_page_tree()


def empties_database(item: pytest.Item) -> bool:
    """Whether pytest-django runs the test as a TransactionTestCase, which commits for real and
    empties every table afterwards (the same rule pytest-django applies)."""
    test_class = getattr(item, "cls", None)
    if test_class is not None and issubclass(test_class, TransactionTestCase):
        return not issubclass(test_class, TestCase)
    marker = item.get_closest_marker("django_db")
    if marker is not None:
        transaction, reset_sequences, *_ = validate_django_db(marker)
        if transaction or reset_sequences:
            return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


def pytest_configure(config):
    if not hasattr(config, "workerinput"):  # once, before any worker starts
        compile_stale_catalogues()


def pytest_collection_modifyitems(config, items):
    # scripts/test runs the suite on SQLite and, side by side, on PostgreSQL, where it sets
    # STARTWELL_SECOND_DATABASE: that run leaves out what it would only repeat.
    if os.environ.get("STARTWELL_SECOND_DATABASE") != "1":
        return
    kept, left_out = [], []
    for item in items:
        (left_out if repeats_nothing_on_a_second_database(item) else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    # Before any fixture opens the test's transaction, so that the tree is committed.
    global _database_emptied
    if _database_emptied and page_tree.is_known():
        with item.config.stash[blocking_manager_key].unblock():
            page_tree.ensure_page_tree()
        _database_emptied = False
    if empties_database(item):
        _database_emptied = True
    return (yield)


@pytest.fixture(autouse=True)
def clear_cache(request):
    """Each test starts with no rate-limit counters or used codes left by another, no page
    another test's data put in the anonymous page cache, and no part of a page a worker keeps
    (a rolled-back test's records can come back with the same keys)."""
    process_fragments.clear()
    if "django_db_setup" not in request.fixturenames:
        yield
        return
    with request.getfixturevalue("django_db_blocker").unblock():
        for cache in caches.all():
            cache.clear()
    yield


@pytest.fixture(autouse=True)
def in_english():
    """Each test starts in English: a request in another language leaves that language active
    in the thread (as LocaleMiddleware does), and the next test must not inherit it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def without_page_cache(settings):
    """For tests that count the queries a page itself runs: every request renders it."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def client():
    """pytest-django's client, but `force_login` also completes the second factor of someone
    who has one, as signing in does (staff need it on every page: startwell.middleware)."""
    return SignedInClient()


@pytest.fixture
def home(db):
    return page_tree.home()


@pytest.fixture
def centres_index(db):
    return page_tree.centres_index()


@pytest.fixture
def centre(db):
    """Northfield Centre, whose managers' group is `centre.manager_group`."""
    return page_tree.centre("centre")


@pytest.fixture
def other_centre(db):
    """Riverside Centre, another centre with its own managers."""
    return page_tree.centre("other_centre")


@pytest.fixture
def without_page_tree(db):
    """For tests of code that builds the site itself (every test that loads the demo): no
    home, centres or their managers' groups, as on a fresh install (within this test only)."""
    page_tree.remove_page_tree()


@pytest.fixture
def parent(db):
    return UserFactory(email="parent@example.org", first_name="Pat")


@pytest.fixture
def manager(centre):
    """Manager of `centre`, not yet with an authenticator app."""
    person = UserFactory(email="manager@example.org")
    person.groups.add(centre.manager_group)
    return person


@pytest.fixture
def manager_totp(manager):
    """The authenticator-app secret of `manager`, who now has a second factor."""
    return activate_totp(manager)


@pytest.fixture
def stripe_server(settings):
    """Online payment switched on, against the local stand-in for Stripe (tests/stripe_server)."""
    from tests import stripe_server as local_stripe

    server, fake = local_stripe.start()
    settings.STRIPE_SECRET_KEY = local_stripe.API_KEY
    settings.STRIPE_WEBHOOK_SECRET = local_stripe.WEBHOOK_SECRET
    settings.STRIPE_API_BASE = fake.base_url
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def texts_queued_at_once(monkeypatch):
    """Texts are queued once the transaction commits (`startwell.sms`), and a test's own
    transaction never does; e-mail in tests goes straight to `mail.outbox`. With this fixture
    texts are queued (and, with the test's task backend, sent) as soon as they are asked for."""
    from types import SimpleNamespace

    monkeypatch.setattr(
        "startwell.sms.transaction", SimpleNamespace(on_commit=lambda callback: callback())
    )


@pytest.fixture
def notify_server(settings):
    """Texts through GOV.UK Notify, against the local stand-in (tests/notify_server)."""
    from tests import notify_server as local_notify

    server, fake = local_notify.start()
    settings.NOTIFY_API_KEY = local_notify.API_KEY
    settings.NOTIFY_BASE_URL = fake.base_url
    settings.NOTIFY_SMS_TEMPLATE_ID = local_notify.SMS_TEMPLATE_ID
    yield fake
    server.shutdown()
    server.server_close()
