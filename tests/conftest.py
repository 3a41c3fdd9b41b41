"""Fixtures shared by every test: the shared cache, the page tree a visitor sees
(home → centres → centre)."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from wagtail.models import Page, Site

from tests.accounts import activate_totp
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


@pytest.fixture
def home(db):
    root = Page.get_first_root_node()
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
