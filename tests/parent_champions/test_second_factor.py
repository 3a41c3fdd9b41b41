"""A centre may ask its champions for a second factor before its register pages; champions may
add one whether or not their centre asks."""

import importlib
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from cms.models import CentrePage
from parent_champions.models import Champion
from tests.accounts import activate_totp, confirm_password, totp_code


def register_pages(session, activity) -> list[str]:
    return [
        reverse("parent_champions:register", args=[session.pk]),
        reverse("parent_champions:add_walk_in", args=[session.pk]),
        reverse("parent_champions:message", args=[session.pk]),
        reverse("parent_champions:session_edit", args=[session.pk]),
        reverse("parent_champions:session_create", args=[activity.pk]),
    ]


def require_it(centre, value: bool = True) -> None:
    CentrePage.objects.filter(pk=centre.pk).update(champions_need_second_factor=value)


def panel_fields(panels) -> set[str]:
    names = set()
    for panel in panels:
        names |= {panel.field_name} if hasattr(panel, "field_name") else set()
        names |= panel_fields(getattr(panel, "children", []))
    return names


def test_new_centres_ask_their_champions_for_a_second_factor(db):
    assert CentrePage(title="New centre").champions_need_second_factor is True
    assert "champions_need_second_factor" in panel_fields(CentrePage.content_panels)


def test_the_migration_leaves_existing_centres_and_their_drafts_off(centre):
    """Existing centres get False from the column's first default; their saved drafts are
    given the same value, so publishing a draft later does not switch it on unnoticed."""
    migration = importlib.import_module(
        "cms.migrations.0005_centrepage_champions_need_second_factor"
    )
    revision = centre.save_revision()
    revision.content["champions_need_second_factor"] = True
    revision.save()

    migration.keep_existing_centres_off(apps, None)

    revision.refresh_from_db()
    assert revision.content["champions_need_second_factor"] is False
    assert revision.as_object().champions_need_second_factor is False


def test_champion_without_a_second_factor_is_sent_to_set_one_up(
    client, centre, champion, session_today, activity
):
    require_it(centre)
    client.force_login(champion.user)

    for path in register_pages(session_today, activity):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == reverse("mfa_index"), path
    posted = client.post(
        reverse("parent_champions:add_walk_in", args=[session_today.pk]),
        {"label": "Red coat", "children": 1, "adults": 1},
    )
    assert posted["Location"] == reverse("mfa_index")
    assert session_today.walk_ins.count() == 0


def test_champion_with_a_completed_second_factor_opens_the_register(
    client, centre, champion, session_today
):
    require_it(centre)
    activate_totp(champion.user)
    client.force_login(champion.user)  # password and second factor, as signing in does

    response = client.get(reverse("parent_champions:register", args=[session_today.pk]))

    assert response.status_code == 200


def test_champion_with_an_authenticator_not_used_in_this_sign_in_must_prove_it(
    centre, champion, session_today
):
    require_it(centre)
    secret = activate_totp(champion.user)
    client = Client()
    client.force_login(champion.user)
    register = reverse("parent_champions:register", args=[session_today.pk])

    response = client.get(register)

    assert response["Location"] == (
        f"{reverse('mfa_reauthenticate')}?{urlencode({'next': register})}"
    )
    back = client.post(response["Location"], {"code": totp_code(secret)})
    assert back["Location"] == register
    assert client.get(register).status_code == 200


def test_centres_that_do_not_ask_leave_their_champions_be(client, centre, champion, session_today):
    require_it(centre, False)
    client.force_login(champion.user)

    assert (
        client.get(reverse("parent_champions:register", args=[session_today.pk])).status_code == 200
    )


def test_a_centre_that_starts_asking_asks_on_the_next_request(
    client, centre, champion, session_today
):
    """Whether a champion is asked anywhere is kept with their header facts between requests:
    a centre publishing the setting ends what was kept."""
    client.force_login(champion.user)
    register = reverse("parent_champions:register", args=[session_today.pk])
    assert client.get(register).status_code == 200

    centre = CentrePage.objects.get(pk=centre.pk)
    centre.champions_need_second_factor = True
    centre.save_revision().publish()

    assert client.get(register)["Location"] == reverse("mfa_index")


def test_a_champion_reinstated_at_a_centre_that_asks_is_asked_on_the_next_request(
    client, centre, champion, session_today
):
    require_it(centre)
    Champion.objects.filter(pk=champion.pk).update(status=Champion.Status.SUSPENDED)
    client.force_login(champion.user)
    register = reverse("parent_champions:register", args=[session_today.pk])
    assert client.get(register).status_code == 403  # suspended: refused, and not asked

    champion.refresh_from_db()
    champion.status = Champion.Status.ACTIVE
    champion.save()

    assert client.get(register)["Location"] == reverse("mfa_index")


def test_asking_centre_only_covers_its_own_registers(
    client, centre, other_centre, champion, other_champion, other_session, session_today
):
    """A champion of a centre that asks is not asked before another centre's pages (which
    answer 404 for them anyway) nor before their dashboard; a suspended champion is not asked
    (the register itself refuses them)."""
    require_it(centre)
    client.force_login(champion.user)

    other = client.get(reverse("parent_champions:register", args=[other_session.pk]))
    assert other.status_code == 404
    assert client.get(reverse("parent_champions:dashboard")).status_code == 200

    Champion.objects.filter(pk=champion.pk).update(status=Champion.Status.SUSPENDED)
    mine = client.get(reverse("parent_champions:register", args=[session_today.pk]))
    assert mine.status_code in {403, 404}


@pytest.mark.django_db(transaction=True)
def test_a_champion_may_add_a_second_factor(client, centre, champion, session_today):
    client.force_login(champion.user)
    assert client.get(reverse("mfa_index")).status_code == 200
    confirm_password(client)
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session["mfa.totp.secret"]

    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

    assert response.status_code == 302
    require_it(centre)
    assert (
        client.get(reverse("parent_champions:register", args=[session_today.pk])).status_code == 200
    )
