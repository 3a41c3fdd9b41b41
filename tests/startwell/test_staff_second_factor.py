"""Staff open the admin only with a second factor; everyone signs in through allauth."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.accounts import confirm_password, recovery_codes, sign_in, totp_code
from tests.factories.accounts import PASSWORD

ADMIN_DASHBOARD_MARKER = 'id="wagtail"'


def assert_signed_out(client):
    assert "_auth_user_id" not in client.session


def test_manager_without_authenticator_is_sent_to_set_one_up(client, manager):
    sign_in(client, manager)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")
    assert client.get("/admin/pages/").status_code == 302
    choices = client.get(reverse("mfa_index")).content.decode()
    assert reverse("mfa_activate_totp") in choices
    assert reverse("mfa_add_webauthn") in choices


# Transactional: allauth announces a new authenticator when its transaction commits, and
# setting it up is what completes the second factor for this sign-in.
@pytest.mark.django_db(transaction=True)
def test_manager_sets_up_authenticator_app_then_admin_opens(client, manager):
    sign_in(client, manager)
    client.get("/admin/")
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]

    wrong = client.post(reverse("mfa_activate_totp"), {"code": "12345"})
    assert wrong.status_code == 200
    assert "is-invalid" in wrong.content.decode()
    assert not Authenticator.objects.filter(user=manager).exists()

    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert set(Authenticator.objects.filter(user=manager).values_list("type", flat=True)) == {
        Authenticator.Type.TOTP,
        Authenticator.Type.RECOVERY_CODES,
    }
    admin = client.get("/admin/")
    assert admin.status_code == 200
    assert ADMIN_DASHBOARD_MARKER in admin.content.decode()


def test_staff_sign_in_asks_for_the_code(client, manager, manager_totp):
    response = client.post(reverse("account_login"), {"login": manager.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert_signed_out(client)
    assert client.get("/admin/")["Location"].startswith(reverse("account_login"))

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(manager_totp)})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(manager.pk)
    assert client.get("/admin/").status_code == 200


def test_wrong_code_is_refused(client, manager, manager_totp):
    client.post(reverse("account_login"), {"login": manager.email, "password": PASSWORD})

    far_away_code = totp_code(manager_totp, periods_from_now=20)
    response = client.post(reverse("mfa_authenticate"), {"code": far_away_code})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Incorrect code." in html
    assert 'aria-invalid="true"' in html
    assert_signed_out(client)
    assert client.get("/admin/").status_code == 302


def test_recovery_code_signs_staff_in_once(client, manager, manager_totp):
    code = recovery_codes(manager)[0]
    client.post(reverse("account_login"), {"login": manager.email, "password": PASSWORD})

    response = client.post(reverse("mfa_authenticate"), {"code": code})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(manager.pk)
    assert code not in recovery_codes(manager)

    client.post(reverse("account_logout"))
    client.post(reverse("account_login"), {"login": manager.email, "password": PASSWORD})
    again = client.post(reverse("mfa_authenticate"), {"code": code})
    assert again.status_code == 200
    assert "Incorrect code." in again.content.decode()
    assert_signed_out(client)


def test_parent_is_refused_the_admin(client, parent, home):
    sign_in(client, parent)

    for path in ["/admin/", "/admin/pages/", f"/admin/pages/{home.pk}/edit/"]:
        response = client.get(path)
        assert response.status_code == 403
        html = response.content.decode()
        assert "You cannot open this page" in html
        assert ADMIN_DASHBOARD_MARKER not in html


def test_anonymous_admin_visit_goes_to_allauth_sign_in(client, db):
    response = client.get("/admin/pages/")

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/admin/pages/"


def test_wagtail_login_url_goes_to_allauth(client, db):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/admin/"
    # Wagtail's own password form cannot be used to skip the second factor.
    posted = client.post("/admin/login/", {"username": "x@example.org", "password": "x"})
    assert posted.status_code in {302, 405}
    assert_signed_out(client)


def test_a_sign_in_just_now_counts_as_recent_authentication(client, manager):
    sign_in(client, manager)
    assert client.get("/admin/")["Location"] == reverse("mfa_index")

    # Setting up the authenticator straight away needs no second password.
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_staff_changing_authenticator_later_must_confirm_password(
    client, manager, manager_totp, settings
):
    sign_in(client, manager, totp_secret=manager_totp)
    assert client.get(reverse("mfa_deactivate_totp")).status_code == 200
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 0  # the sign-in is no longer recent

    response = client.get(reverse("mfa_deactivate_totp"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
    confirm_password(client)
    assert client.get(reverse("mfa_deactivate_totp")).status_code == 200
