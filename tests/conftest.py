"""Fixtures shared by every test: the shared cache, the page tree a visitor sees
(home → centres → centre)."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page, Site

from tests.accounts import SignedInClient, activate_totp
from tests.factories import (
    CentreIndexPageFactory,
    CentrePageFactory,
    HomePageFactory,
    UserFactory,
)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # The database cache (allauth's rate limits, used TOTP codes) needs its table in the test
    # database, as it does in every deployment.
    with django_db_blocker.unblock():
        call_command("createcachetable", verbosity=0)


@pytest.fixture(autouse=True)
def clear_cache(request):
    """Each test starts with no rate-limit counters or used codes left by another."""
    if "django_db_setup" not in request.fixturenames:
        yield
        return
    with request.getfixturevalue("django_db_blocker").unblock():
        cache.clear()
    yield


def tree_root() -> Page:
    """Wagtail's root page, root collection and default locale. Transactional tests empty the
    database afterwards; Django puts back content types and permissions, this puts back the
    rows Wagtail's migrations create."""
    if not Locale.objects.exists():
        Locale.objects.create(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    return root


@pytest.fixture
def client():
    """pytest-django's client, but `force_login` also completes the second factor of someone
    who has one, as signing in does (staff need it on every page: startwell.middleware)."""
    return SignedInClient()


@pytest.fixture
def home(db):
    root = tree_root()
    home = HomePageFactory(parent=root)
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home},
    )
    return home


@pytest.fixture
def centres_index(home):
    return CentreIndexPageFactory(parent=home)


@pytest.fixture
def centre(centres_index):
    return CentrePageFactory(parent=centres_index, title="Northfield Centre", slug="northfield")


@pytest.fixture
def other_centre(centres_index):
    return CentrePageFactory(parent=centres_index, title="Riverside Centre", slug="riverside")


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
