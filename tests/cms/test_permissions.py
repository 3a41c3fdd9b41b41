"""Each centre's managers edit that centre's pages and nothing else."""

import pytest
from django.urls import reverse
from wagtail.models import Revision
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, streamfield

from cms.models import CentrePage
from cms.selectors import centres_managed_by
from cms.services import ensure_centre_manager_group
from tests.accounts import activate_totp
from tests.factories import UserFactory


@pytest.fixture
def manager_client(client, manager, manager_totp):
    # The authenticator is in place, so requests reach Wagtail's own permission checks.
    client.force_login(manager)
    return client


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def edit_data(html, **changes):
    data = querydict_from_html(html, form_id="page-edit-form")
    data.update(nested_form_data({"body": streamfield([])}))
    for name, value in changes.items():
        data[name] = value
    data["action-publish"] = "action-publish"
    return data


def test_each_centre_gets_its_own_managers_group(centre, other_centre):
    assert centre.manager_group is not None
    assert other_centre.manager_group is not None
    assert centre.manager_group != other_centre.manager_group
    assert centre.manager_group.name == "Northfield Centre managers"


def test_ensuring_the_group_twice_changes_nothing(centre):
    group = centre.manager_group
    permissions = set(group.page_permissions.values_list("permission__codename", flat=True))

    again = ensure_centre_manager_group(centre=CentrePage.objects.get(pk=centre.pk))

    assert again == group
    assert group.page_permissions.count() == len(permissions) == 5


def test_manager_edits_and_publishes_their_own_centre(manager_client, centre):
    form = manager_client.get(edit_url(centre))
    assert form.status_code == 200

    response = manager_client.post(
        edit_url(centre),
        edit_data(form.content.decode(), title="Northfield Family Centre"),
    )

    assert response.status_code == 302
    centre.refresh_from_db()
    assert centre.title == "Northfield Family Centre"
    assert centre.latest_revision.content["title"] == "Northfield Family Centre"


def test_manager_cannot_edit_another_centre(manager_client, centre, other_centre):
    revisions = Revision.objects.count()

    page = manager_client.get(edit_url(other_centre))
    assert page.status_code in {302, 403}
    assert "page-edit-form" not in page.content.decode()

    response = manager_client.post(
        edit_url(other_centre),
        {"title": "Taken over", "slug": "riverside", "action-publish": "action-publish"},
    )

    assert response.status_code in {302, 403}
    other_centre.refresh_from_db()
    assert other_centre.title == "Riverside Centre"
    assert Revision.objects.count() == revisions


def test_manager_cannot_edit_the_home_page(manager_client, home, centre):
    revisions = Revision.objects.count()

    assert manager_client.get(edit_url(home)).status_code in {302, 403}
    response = manager_client.post(
        edit_url(home), {"title": "Changed", "slug": "home", "intro": "x", "action-publish": "1"}
    )

    assert response.status_code in {302, 403}
    home.refresh_from_db()
    assert home.title == "Start Well family centres"
    assert Revision.objects.count() == revisions


def test_manager_adds_pages_only_under_their_centre(manager_client, centre, other_centre):
    def add_url(parent):
        return reverse("wagtailadmin_pages:add", args=["cms", "standardpage", parent.pk])

    assert manager_client.get(add_url(centre)).status_code == 200
    assert manager_client.get(add_url(other_centre)).status_code in {302, 403}


def test_manager_explorer_opens_at_their_centre(manager_client, centre, other_centre):
    def explore_url(page):
        return reverse("wagtailadmin_explore", args=[page.pk])

    # Wagtail takes managers to the top of the part of the tree they may work on.
    assert manager_client.get(explore_url(centre.get_parent()))["Location"] == explore_url(centre)
    assert manager_client.get(explore_url(other_centre))["Location"] == explore_url(centre)
    assert manager_client.get(explore_url(centre)).status_code == 200


def test_parent_cannot_reach_the_admin(client, parent, centre):
    client.force_login(parent)

    response = client.get(edit_url(centre))

    assert response.status_code == 403
    assert "page-edit-form" not in response.content.decode()


def test_centres_managed_by(manager, centre, other_centre, parent):
    superuser = UserFactory(is_superuser=True)
    activate_totp(superuser)

    assert list(centres_managed_by(manager)) == [centre]
    assert list(centres_managed_by(parent)) == []
    assert set(centres_managed_by(superuser)) == {centre, other_centre}
