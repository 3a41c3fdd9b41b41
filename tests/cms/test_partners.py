"""Partner organisations are data: kept once as snippets, listed by the centres they work at,
named by the activities they run (or parent champions, or centre staff)."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import (
    ActivityPageFactory,
    CentrePartnerFactory,
    PartnerOrganisationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def health_visitors():
    return PartnerOrganisationFactory(
        name="Wigan Health Visiting Team",
        kind="health_visiting",
        website="https://hv.example.org",
        phone="01632 960 555",
    )


def test_an_activity_names_the_partner_that_runs_it(client, centre, health_visitors):
    activity = ActivityPageFactory(
        parent=centre, title="Baby clinic", delivered_by="partner", partner=health_visitors
    )
    html = client.get(activity.url).content.decode()
    assert '<a href="https://hv.example.org">Wigan Health Visiting Team</a>' in html
    assert "Health visiting" in html


def test_an_activity_run_by_champions_says_so(client, centre):
    activity = ActivityPageFactory(parent=centre, delivered_by="champions")
    assert activity.delivered_by_name == "Parent champions"
    assert "Parent champions" in client.get(activity.url).content.decode()


def test_a_partner_activity_must_name_its_partner_and_no_other_may(centre, health_visitors):
    activity = ActivityPageFactory.build(delivered_by="partner", partner=None)
    with pytest.raises(ValidationError) as refused:
        activity.clean()
    assert refused.value.message_dict["partner"] == [
        "Choose the partner organisation that runs it."
    ]
    activity = ActivityPageFactory.build(delivered_by="champions", partner=health_visitors)
    with pytest.raises(ValidationError) as refused:
        activity.clean()
    assert "Leave the partner empty" in refused.value.message_dict["partner"][0]


def test_a_centre_lists_its_partners_in_their_order_and_no_others(
    client, centre, other_centre, health_visitors
):
    CentrePartnerFactory(centre=centre, partner=health_visitors, when="Tuesdays", sort_order=1)
    CentrePartnerFactory(
        centre=centre, partner=PartnerOrganisationFactory(name="Early Help Team"), sort_order=0
    )
    CentrePartnerFactory(
        centre=other_centre, partner=PartnerOrganisationFactory(name="Riverside Scouts")
    )
    html = client.get(centre.url).content.decode()
    assert html.index("Early Help Team") < html.index("Wigan Health Visiting Team")
    assert "Riverside Scouts" not in html
    assert 'href="tel:01632960555"' in html


def test_the_centre_page_reads_partners_in_a_fixed_number_of_queries(
    client, centre, django_assert_max_num_queries
):
    def queries_for_page():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client.get(centre.url)  # warm caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(centre.url).status_code == 200
        return len(queries)

    CentrePartnerFactory(centre=centre)
    one = queries_for_page()
    for _ in range(6):
        CentrePartnerFactory(centre=centre)
    assert queries_for_page() == one
