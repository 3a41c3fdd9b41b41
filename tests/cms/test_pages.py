"""The page types: where each may be created, that each renders and can be edited in the admin,
and what a centre page shows a family."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    querydict_from_html,
    streamfield,
)

from cms.models import CentreIndexPage, CentrePage, HomePage, PrivacyNoticePage, StandardPage
from tests.accounts import SignedInClient, activate_totp
from tests.factories import (
    CentrePageFactory,
    CentrePartnerFactory,
    FootprintFactory,
    PartnerOrganisationFactory,
    StandardPageFactory,
    UserFactory,
    VenueFactory,
)
from tests.support import page_tree

STREAM_FIELDS = {
    HomePage: ["body"],
    CentreIndexPage: [],
    CentrePage: ["body"],
    StandardPage: ["body"],
}


class PageTypeTests(WagtailPageTestCase):
    client_class = SignedInClient

    @classmethod
    def setUpTestData(cls):
        # The tree every test starts with (tests/support/page_tree.py).
        cls.home = page_tree.home()
        cls.index = page_tree.centres_index()
        cls.centre = page_tree.centre()
        VenueFactory(centre=cls.centre, name="St Mary's Church Hall")
        cls.standard = StandardPageFactory(parent=cls.centre, title="Getting here")
        cls.superuser = UserFactory(is_superuser=True, is_staff=True)
        activate_totp(cls.superuser)

    def test_where_each_page_can_be_created(self):
        self.assertCanCreateAt(Page, HomePage)
        self.assertCanCreateAt(HomePage, CentreIndexPage)
        self.assertCanCreateAt(HomePage, StandardPage)
        self.assertCanCreateAt(CentreIndexPage, CentrePage)
        self.assertCanCreateAt(CentrePage, StandardPage)
        self.assertCanCreateAt(StandardPage, StandardPage)

        self.assertCanNotCreateAt(HomePage, CentrePage)
        self.assertCanNotCreateAt(CentrePage, CentrePage)
        self.assertCanNotCreateAt(CentreIndexPage, StandardPage)
        self.assertCanNotCreateAt(StandardPage, CentrePage)
        self.assertCanNotCreateAt(CentrePage, HomePage)
        self.assertAllowedSubpageTypes(HomePage, {CentreIndexPage, StandardPage, PrivacyNoticePage})
        self.assertAllowedSubpageTypes(CentreIndexPage, {CentrePage})
        self.assertAllowedParentPageTypes(CentrePage, {CentreIndexPage})

    def test_only_one_home_and_one_centres_index(self):
        assert not HomePage.can_create_at(Page.get_first_root_node())
        assert not CentreIndexPage.can_create_at(self.home)

    def test_every_page_renders(self):
        for page in [self.home, self.index, self.centre, self.standard]:
            with self.subTest(page=page.title):
                self.assertPageIsRenderable(page)
                self.assertPageIsRoutable(page)

    def edit_form_data(self, page):
        """The edit form as the browser would send it. Stream fields are drawn by JavaScript,
        so their (empty) values are added here."""
        self.client.force_login(self.superuser)
        response = self.client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
        for name in STREAM_FIELDS[type(page)]:
            data.update(nested_form_data({name: streamfield([])}))
        return data

    def test_every_page_is_editable_in_the_admin(self):
        for page in [self.home, self.index, self.centre, self.standard]:
            with self.subTest(page=page.title):
                revisions = page.revisions.count()
                data = self.edit_form_data(page)
                self.assertPageIsEditable(page, post_data=data, user=self.superuser)
                assert page.revisions.count() == revisions + 1

    def test_centre_can_be_created_in_the_admin(self):
        self.client.force_login(self.superuser)
        footprint = FootprintFactory(name="Hollins")
        data = nested_form_data(
            {
                "title": "Hollins Park Centre",
                "slug": "hollins-park",
                "school": "Hollins Park Primary",
                "footprint": footprint.pk,
                "summary": "",
                "address": "2 Park Road\nTesttown",
                "postcode": "TT2 2TT",
                "phone": "",
                "email": "",
                "opening_times": "Monday: 9:00 to 15:00",
                "accessibility": "Step-free entrance.",
                "partners": inline_formset(
                    [{"partner": PartnerOrganisationFactory(name="Health visiting").pk, "when": ""}]
                ),
                "venues": inline_formset(
                    [
                        {
                            "name": "Hollins Park Primary",
                            "kind": "school",
                            "address": "2 Park Road",
                            "postcode": "TT2 2TT",
                            "access_notes": "",
                        }
                    ]
                ),
                "body": streamfield([]),
            }
        )

        self.assertCanCreate(self.index, CentrePage, data)

        created = CentrePage.objects.get(slug="hollins-park")
        assert created.live
        assert [venue.name for venue in created.venues.all()] == ["Hollins Park Primary"]
        assert created.manager_group.name == "Hollins Park Centre managers"


def test_centre_page_shows_what_a_family_needs(client, centre):
    centre.phone = "01632 960 123"
    centre.email = "hello@northfield.example"
    centre.opening_times = "Monday: 9:00 to 16:00\nTuesday: 9:00 to 12:00"
    centre.accessibility = "Step-free entrance and a changing places toilet."
    CentrePartnerFactory(
        centre=centre,
        partner=PartnerOrganisationFactory(
            name="Northfield Health Visiting Team",
            kind="health_visiting",
            website="https://hv.example.org",
        ),
    )
    CentrePartnerFactory(
        centre=centre,
        partner=PartnerOrganisationFactory(name="Youth Justice Service", kind="youth_justice"),
        when="Fridays",
    )
    centre.save_revision().publish()
    VenueFactory(centre=centre, name="Greenway GP Practice", kind="gp", postcode="NF1 2AB")

    html = client.get(centre.url).content.decode()

    for text in [
        "Northfield Centre",
        centre.school,
        centre.footprint.name,
        "1 Test Street<br>Testtown",
        "TT1 1TT",
        "Monday: 9:00 to 16:00",
        "Tuesday: 9:00 to 12:00",
        'href="tel:01632960123"',
        "hello@northfield.example",
        "Step-free entrance and a changing places toilet.",
        "Partners working here",
        "Northfield Health Visiting Team",
        "Health visiting",
        'href="https://hv.example.org"',
        "Youth Justice Service",
        "<strong>When:</strong> Fridays",
        "Greenway GP Practice",
        "GP practice",
        "NF1 2AB",
    ]:
        assert text in html, text


def test_unpublished_centre_is_not_shown(client, centre, other_centre):
    other_centre.unpublish()

    assert client.get(other_centre.url).status_code == 404
    listing = client.get("/centres/").content.decode()
    assert "Northfield Centre" in listing
    assert "Riverside Centre" not in listing


def queries_to_render(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/", "/centres/"])
def test_listing_pages_use_the_same_number_of_queries_for_3_and_22_centres(
    client, centres_index, url, without_page_cache
):
    CentrePageFactory(parent=centres_index)  # with Northfield and Riverside, three
    client.get(url)  # warm the site and page-path caches, as a running site would be
    with_three = queries_to_render(client, url)

    for _ in range(19):
        CentrePageFactory(parent=centres_index)
    client.get(url)
    with_twenty_two = queries_to_render(client, url)

    assert CentrePage.objects.live().count() == 22
    assert with_twenty_two == with_three
