"""Signing up, verifying, signing in (password or one-time code), resetting a password and
signing out, with the refusals a person meets on the way."""

import re
import time
import types

import pytest
from allauth.account.internal.flows import code_verification
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from startwell.models import User
from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD

NEW_PASSWORD = "another-long-password-7"


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def link_in(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def code_in(message) -> str:
    match = re.search(r"^\s*([A-Z0-9][A-Z0-9-]{4,10}[A-Z0-9])\s*$", message.body, re.MULTILINE)
    assert match, message.body
    return match.group(1)


def sign_up(client, email, password=PASSWORD, password2=None):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": password, "password2": password2 or password},
    )


# --- Sign up and verify ---------------------------------------------------------------------


def test_sign_up_sends_verification_link_that_verifies_and_signs_in(client, db):
    response = sign_up(client, "New.Parent@Example.org")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    person = User.objects.get(email="new.parent@example.org")
    assert not EmailAddress.objects.get(user=person).verified
    assert signed_in_user_id(client) is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.parent@example.org"]
    assert mail.outbox[0].subject == "[Start Well] Please confirm your e-mail address"

    confirm_url = link_in(mail.outbox[0])
    page = client.get(confirm_url)
    assert page.status_code == 200
    assert "new.parent@example.org" in page.content.decode()
    assert not EmailAddress.objects.get(user=person).verified  # a GET changes nothing

    response = client.post(confirm_url)

    assert response.status_code == 302
    assert EmailAddress.objects.get(user=person).verified
    assert signed_in_user_id(client) == str(person.pk)


def test_sign_up_with_taken_email_writes_nothing_and_tells_the_owner(client, parent):
    response = sign_up(client, "PARENT@example.org")

    # No error that would reveal who has an account: the same "check your e-mail" page, and
    # the owner of the address is told someone tried to sign up with it.
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.filter(email__iexact="parent@example.org").count() == 1
    assert User.objects.count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["parent@example.org"]
    assert "already" in mail.outbox[0].body.lower()
    assert signed_in_user_id(client) is None


@pytest.mark.parametrize("email", ["not-an-email", "someone@", "@example.org", ""])
def test_sign_up_with_malformed_email_shows_message_next_to_field(client, db, email):
    response = sign_up(client, email)

    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<input[^>]*name="email"[^>]*aria-invalid="true"', html) or re.search(
        r'<input[^>]*aria-invalid="true"[^>]*name="email"', html
    )
    assert 'id="id_email_error"' in html
    assert not User.objects.exists()
    assert not mail.outbox


def test_sign_up_with_mismatched_or_weak_password_writes_nothing(client, db):
    mismatched = sign_up(client, "a@example.org", PASSWORD, "something-else-entirely")
    weak = sign_up(client, "b@example.org", "12345678")

    assert "You must type the same password each time." in mismatched.content.decode()
    assert "This password is too common." in weak.content.decode()
    assert not User.objects.exists()


def test_unverified_person_is_asked_to_verify_before_signing_in(client, db):
    person = UserFactory(verified=False)

    response = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert signed_in_user_id(client) is None
    assert len(mail.outbox) == 1


def test_tampered_verification_link_verifies_nothing(client, db):
    person = UserFactory(verified=False)

    response = client.post(reverse("account_confirm_email", args=["not-a-real-key"]))

    assert response.status_code in {200, 404}
    assert not EmailAddress.objects.get(user=person).verified


# --- Password sign in -----------------------------------------------------------------------


def test_sign_in_with_password(client, parent):
    response = client.post(reverse("account_login"), {"login": parent.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_user_id(client) == str(parent.pk)


def test_wrong_password_is_refused_with_a_message(client, parent):
    response = client.post(
        reverse("account_login"), {"login": parent.email, "password": "not-my-password"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "The email address and/or password you specified are not correct." in html
    assert 'class="alert' in html
    assert signed_in_user_id(client) is None


def test_repeated_failed_sign_ins_are_refused(client, parent):
    for _ in range(10):
        client.post(reverse("account_login"), {"login": parent.email, "password": "wrong"})

    # Even the right password is refused until the limit has passed.
    response = client.post(reverse("account_login"), {"login": parent.email, "password": PASSWORD})

    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert signed_in_user_id(client) is None


def test_repeated_sign_ups_from_one_address_are_refused(client, db):
    for n in range(20):
        sign_up(client, f"burst{n}@example.org")
        client.logout()
    assert User.objects.count() == 20

    response = sign_up(client, "one-too-many@example.org")

    assert response.status_code == 429
    assert not User.objects.filter(email="one-too-many@example.org").exists()


# --- Sign in with a one-time code -----------------------------------------------------------


def request_code(client, email):
    response = client.post(reverse("account_request_login_code"), {"email": email})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_confirm_login_code")
    return response


def test_sign_in_with_code_from_email(client, parent):
    request_code(client, parent.email)
    assert len(mail.outbox) == 1
    code = code_in(mail.outbox[0])

    response = client.post(reverse("account_confirm_login_code"), {"code": code.lower()})

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(parent.pk)


def test_wrong_code_is_refused_with_a_message(client, parent):
    request_code(client, parent.email)

    response = client.post(reverse("account_confirm_login_code"), {"code": "WRONG1"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Incorrect code." in html
    assert 'aria-invalid="true"' in html
    assert signed_in_user_id(client) is None


def test_expired_code_is_refused(client, parent, monkeypatch):
    request_code(client, parent.email)
    code = code_in(mail.outbox[0])
    later = time.time() + 60 * 60
    monkeypatch.setattr(code_verification, "time", types.SimpleNamespace(time=lambda: later))

    response = client.post(reverse("account_confirm_login_code"), {"code": code}, follow=True)

    assert signed_in_user_id(client) is None
    assert response.redirect_chain
    assert response.redirect_chain[-1][0].startswith(reverse("account_request_login_code"))


def test_code_for_unknown_address_reveals_nothing_and_signs_nobody_in(client, db):
    request_code(client, "nobody@example.org")

    response = client.post(reverse("account_confirm_login_code"), {"code": "ABCDEF"})

    assert response.status_code == 200
    assert signed_in_user_id(client) is None
    assert not User.objects.exists()


# --- Password reset and sign out ------------------------------------------------------------


def test_password_reset_by_email_link(client, parent):
    response = client.post(reverse("account_reset_password"), {"email": parent.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1

    form_url = client.get(link_in(mail.outbox[0]))["Location"]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    parent.refresh_from_db()
    assert parent.check_password(NEW_PASSWORD)
    client.post(reverse("account_logout"))
    client.post(reverse("account_login"), {"login": parent.email, "password": NEW_PASSWORD})
    assert signed_in_user_id(client) == str(parent.pk)


def test_password_reset_link_works_once(client, parent):
    client.post(reverse("account_reset_password"), {"email": parent.email})
    link = link_in(mail.outbox[0])
    form_url = client.get(link)["Location"]
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    again = client.get(link, follow=True)

    assert "The password reset link was invalid" in again.content.decode()
    parent.refresh_from_db()
    assert parent.check_password(NEW_PASSWORD)


def test_sign_out_needs_a_post(client, parent):
    client.post(reverse("account_login"), {"login": parent.email, "password": PASSWORD})

    page = client.get(reverse("account_logout"))
    assert page.status_code == 200
    assert signed_in_user_id(client) == str(parent.pk)

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert signed_in_user_id(client) is None
