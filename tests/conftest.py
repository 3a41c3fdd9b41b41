"""Fixtures shared by every test: the page tree a visitor sees (home → centres → centre)."""

import pytest
from wagtail.models import Page, Site

from tests.factories import CentreIndexPageFactory, CentrePageFactory, HomePageFactory


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
