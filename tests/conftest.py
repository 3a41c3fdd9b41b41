"""Fixtures shared by every test: the page tree a visitor sees (home → centres → centre)."""

import pytest
from wagtail.models import Collection, Locale, Page, Site

from tests.factories import CentreIndexPageFactory, CentrePageFactory, HomePageFactory


def tree_root() -> Page:
    """Wagtail's root page (and root collection); transactional tests flush the ones its
    migrations made."""
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        locale, _ = Locale.objects.get_or_create(language_code="en")
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    return root


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
