"""Every account page opens in the site's own layout, for the kind of person who would see it."""

import re

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.core import mail
from django.urls import reverse

from tests.accounts import activate_totp, confirm_password, sign_in
from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD


def assert_in_site_layout(response):
    html = response.content.decode()
    assert 'class="skip-link"' in html
    assert '<main id="main-content"' in html
    assert 'aria-label="Main"' in html
    assert html.count("<h1") == 1
    return html


ANONYMOUS_PAGES = [
    "account_login",
    "account_signup",
    "account_request_login_code",
    "account_reset_password",
    "account_reset_password_done",
    "account_email_verification_sent",
]

SIGNED_IN_PAGES = [
    "account_email",
    "account_change_password",
    "account_logout",
    "account_reauthenticate",
    "mfa_index",
    "mfa_activate_totp",
    "mfa_add_webauthn",
]

SIGNED_IN_WITH_TOTP_PAGES = [
    "mfa_index",
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_reauthenticate",
]


@pytest.mark.parametrize("url_name", ANONYMOUS_PAGES)
def test_entrance_pages_render_in_site_layout(client, db, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert_in_site_layout(response)


@pytest.mark.parametrize("url_name", SIGNED_IN_PAGES)
def test_account_pages_render_in_site_layout(client, parent, url_name):
    sign_in(client, parent)
    confirm_password(client)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    html = assert_in_site_layout(response)
    assert 'aria-label="Your account"' in html or url_name in {
        "account_logout",
        "account_reauthenticate",
    }


@pytest.mark.parametrize("url_name", SIGNED_IN_WITH_TOTP_PAGES)
def test_second_factor_pages_render_in_site_layout(client, parent, url_name):
    secret = activate_totp(parent)
    sign_in(client, parent, totp_secret=secret)
    confirm_password(client)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert_in_site_layout(response)


def test_second_factor_prompt_renders_in_site_layout(client, parent):
    activate_totp(parent)
    client.post(reverse("account_login"), {"login": parent.email, "password": PASSWORD})
    response = client.get(reverse("mfa_authenticate"))
    assert response.status_code == 200
    html = assert_in_site_layout(response)
    assert 'autocomplete="one-time-code"' in html


def test_totp_activation_shows_qr_code_and_secret(client, parent):
    sign_in(client, parent)
    confirm_password(client)
    response = client.get(reverse("mfa_activate_totp"))
    html = assert_in_site_layout(response)
    secret = client.session["mfa.totp.secret"]
    assert re.search(r'<img src="data:image/svg\+xml;base64,[^"]+" alt="QR code', html)
    assert f'value="{secret}"' in html
    assert '<label class="form-label" for="authenticator_secret">' in html


def test_login_code_confirmation_page_renders(client, parent):
    client.post(reverse("account_request_login_code"), {"email": parent.email})
    response = client.get(reverse("account_confirm_login_code"))
    assert response.status_code == 200
    assert_in_site_layout(response)


def test_email_confirmation_page_renders(client, db):
    person = UserFactory(verified=False)
    address = EmailAddress.objects.get(user=person)
    key = EmailConfirmationHMAC(address).key
    response = client.get(reverse("account_confirm_email", args=[key]))
    assert response.status_code == 200
    assert_in_site_layout(response)


def test_password_reset_from_key_pages_render(client, parent):
    key = default_token_generator.make_token(parent)
    url = reverse("account_reset_password_from_key", args=[user_pk_to_url_str(parent), key])
    response = client.get(url, follow=True)
    assert response.status_code == 200
    html = assert_in_site_layout(response)
    assert 'autocomplete="new-password"' in html

    response = client.get(reverse("account_reset_password_from_key_done"))
    assert response.status_code == 200
    assert_in_site_layout(response)


def test_broken_password_reset_link_renders_explanation(client, db):
    url = reverse("account_reset_password_from_key", args=["zz", "not-a-key"])
    response = client.get(url, follow=True)
    assert response.status_code == 200
    assert_in_site_layout(response)
    assert not mail.outbox
