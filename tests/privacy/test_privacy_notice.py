"""The privacy notice: a page editors change in the admin, showing the retention schedule from
the settings; seeded by the demo; linked from every page's footer and from sign-up."""

import pytest
from django.urls import reverse
from wagtail.test.utils import WagtailPageTestCase

from cms.models import CentrePage, HomePage, PrivacyNoticePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(home):
    page = home.add_child(
        instance=PrivacyNoticePage(
            title="Privacy notice", slug="privacy-notice", intro="How we use your information."
        )
    )
    page.save_revision().publish()
    return page


def test_the_notice_renders_the_retention_schedule_from_the_settings(client, notice, settings):
    settings.RETENTION_BOOKING_MONTHS = 18
    settings.RETENTION_STRIPE_EVENT_DAYS = 45
    page = client.get(notice.url).content.decode()
    assert "How we use your information." in page
    assert "18 months after the session" in page
    assert "45 days" in page
    assert "until the child is 6 years old" in page
    assert "24 months" in page  # idle accounts, the default


def test_privacy_is_a_stable_address_for_the_notice(client, notice):
    response = client.get("/privacy/")
    assert response.status_code == 302 and response["Location"] == notice.url


def test_without_a_published_notice_the_address_answers_not_found(client, home):
    assert client.get("/privacy/").status_code == 404


def test_every_page_and_sign_up_link_to_the_notice(client, notice, centre):
    for url in ["/", centre.url, reverse("bookings:session_list"), reverse("account_signup")]:
        assert 'href="/privacy/"' in client.get(url).content.decode(), url
    signup = client.get(reverse("account_signup")).content.decode()
    assert "privacy notice" in signup.lower()


def test_editors_can_create_the_notice_under_home_only(home):
    case = WagtailPageTestCase()
    case.assertCanCreateAt(HomePage, PrivacyNoticePage)
    case.assertCanNotCreateAt(CentrePage, PrivacyNoticePage)
