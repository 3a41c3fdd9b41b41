"""Centre managers translate their centre's pages in the admin with wagtail-localize: they submit
a page for translation into Polish or Urdu, edit the translation in wagtail-localize's editor,
and nobody else's centre is theirs to translate."""

import pytest
from django.urls import reverse
from wagtail.models import Locale

from cms.models import CentrePage
from tests.factories import ActivityPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client, manager, manager_totp):
    client.force_login(manager)
    return client


def submit_url(page):
    return reverse("wagtail_localize:submit_page_translation", args=[page.pk])


def polish():
    return Locale.objects.get(language_code="pl")


def test_a_manager_translates_their_centre_into_polish(manager_client, centre):
    form = manager_client.get(submit_url(centre))
    assert form.status_code == 200

    response = manager_client.post(submit_url(centre), {"locales": [polish().pk]})

    translated = CentrePage.objects.get(translation_key=centre.translation_key, locale=polish())
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[translated.pk])
    # The centre's managers look after the translation too.
    assert translated.manager_group == centre.manager_group
    editor = manager_client.get(response["Location"])
    assert editor.status_code == 200
    assert "wagtail_localize" in editor.content.decode()  # wagtail-localize's editor
    # Sessions, ideas and reports still see one Northfield.
    assert list(CentrePage.objects.originals().filter(slug="northfield")) == [centre]


def test_a_manager_translates_an_activity_before_its_centre(manager_client, centre):
    activity = ActivityPageFactory(parent=centre, title="Rhyme time", slug="rhyme-time")

    response = manager_client.post(submit_url(activity), {"locales": [polish().pk]})

    assert response.status_code == 302
    assert manager_client.get(response["Location"]).status_code == 200
    polish_centre = CentrePage.objects.get(translation_key=centre.translation_key, locale=polish())
    assert polish_centre.manager_group == centre.manager_group


def test_a_manager_cannot_translate_another_centre(manager_client, centre, other_centre):
    manager_client.post(submit_url(centre), {"locales": [polish().pk]})
    other = other_centre.copy_for_translation(polish(), copy_parents=True)

    response = manager_client.get(reverse("wagtailadmin_pages:edit", args=[other.pk]))

    assert response.status_code in (302, 403)
    assert response.status_code != 200


def test_a_parent_cannot_submit_a_translation(client, parent, centre):
    client.force_login(parent)

    response = client.post(submit_url(centre), {"locales": [polish().pk]})

    assert response.status_code in (302, 403)
    assert not CentrePage.objects.filter(locale=polish()).exists()
