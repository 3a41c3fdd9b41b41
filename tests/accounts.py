"""Helpers for tests that sign people in the way they really do: through allauth's forms, with a
second factor for staff."""

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from startwell.second_factor import has_second_factor, mark_completed
from tests.factories.accounts import PASSWORD

TOTP_PERIOD = 30


def activate_totp(user) -> str:
    """Gives the person an authenticator app and recovery codes; returns the app's secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def totp_code(secret: str, *, periods_from_now: int = 0) -> str:
    """The code the authenticator app shows now (or that many 30-second periods away)."""
    counter = int(timezone.now().timestamp()) // TOTP_PERIOD + periods_from_now
    return format_hotp_value(hotp_value(secret, counter))


def recovery_codes(user) -> list[str]:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    return RecoveryCodes(authenticator).get_unused_codes()


def sign_in(client, user, *, password: str = PASSWORD, totp_secret: str | None = None):
    """Signs in through the login form (and the second-factor form when the person has one), so
    allauth records a fresh authentication as it does for a real person."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    if response["Location"] == reverse("mfa_authenticate"):
        assert totp_secret, "this person has a second factor: pass totp_secret"
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(totp_secret)})
        assert response.status_code == 302, response.content.decode()[:2000]
    assert client.session.get("_auth_user_id") == str(user.pk)
    return response


def confirm_password(client, *, password: str = PASSWORD):
    """Re-enters the password, as allauth asks before sensitive changes (the second factor)."""
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


class SignedInClient(Client):
    """Django's test client, whose `force_login` stands for a whole sign-in: the password and,
    when the person has an authenticator, the second factor too (as `sign_in` does through the
    forms). Tests of a half-finished sign-in use `sign_in` or a plain `Client`."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        if has_second_factor(user):
            session = self.session
            mark_completed(session, user)
            session.save()
