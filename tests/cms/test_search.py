"""Site search finds centres by name and by the services they host."""

import pytest
from django.urls import reverse

from cms.views import MAX_QUERY_LENGTH
from tests.factories import CentrePartnerFactory, PartnerOrganisationFactory


@pytest.fixture
def centre_with_services(centre):
    CentrePartnerFactory(
        centre=centre,
        partner=PartnerOrganisationFactory(
            name="Brightwater Youth Justice Team", kind="youth_justice"
        ),
    )
    centre.save_revision().publish()
    return centre


def search(client, query):
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def test_finds_a_centre_by_name(client, centre, other_centre):
    html = search(client, "Northfield")

    assert "1 result for “Northfield”" in html
    assert f'href="{centre.url}"' in html
    assert other_centre.url not in html


def test_finds_a_centre_by_a_partner_service(client, centre_with_services, other_centre):
    html = search(client, "Brightwater")

    assert f'href="{centre_with_services.url}"' in html
    assert other_centre.url not in html


def test_nothing_found_says_so_in_plain_words(client, centre):
    html = search(client, "zebra crossing")

    assert "0 results for “zebra crossing”" in html
    assert "Nothing matched." in html


def test_empty_query_shows_only_the_form(client, centre):
    html = search(client, "   ")

    assert '<form method="get" action="/search/" role="search"' in html
    assert '<label for="search-q"' in html
    assert "result" not in html.split("</form>", 1)[1].split("<footer", 1)[0]


def test_over_long_query_is_cut(client, centre):
    html = search(client, "Northfield" + "x" * 500)

    assert f'maxlength="{MAX_QUERY_LENGTH}"' in html
    shown = "Northfield" + "x" * (MAX_QUERY_LENGTH - len("Northfield"))
    assert f'value="{shown}"' in html
    assert "x" * (MAX_QUERY_LENGTH + 1) not in html


def test_unpublished_pages_are_not_found(client, centre, other_centre):
    other_centre.unpublish()

    html = search(client, "Riverside")

    assert other_centre.url not in html
