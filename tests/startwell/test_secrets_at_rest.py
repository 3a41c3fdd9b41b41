"""Authenticator secrets are stored encrypted (startwell.adapters.MFAAdapter), still work for
signing in, and the data migration encrypts secrets stored before (and decrypts on reverse)."""

import importlib

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import generate_totp_secret
from cryptography.fernet import InvalidToken
from django.apps import apps
from django.db import connection
from django.urls import reverse

from startwell.adapters import decrypt_secret, encrypt_secret
from tests.accounts import activate_totp, recovery_codes, sign_in, totp_code
from tests.factories.accounts import PASSWORD

migration = importlib.import_module("startwell.migrations.0005_encrypt_authenticator_secrets")


def stored_text(user) -> str:
    """Every stored column of the person's authenticators, as the database holds them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM mfa_authenticator WHERE user_id = %s", [user.pk])
        return " ".join(str(value) for row in cursor.fetchall() for value in row)


def test_totp_secret_is_not_stored_readably(manager):
    secret = activate_totp(manager)

    assert secret not in stored_text(manager)
    totp = Authenticator.objects.get(user=manager, type=Authenticator.Type.TOTP)
    assert totp.data["secret"] != secret
    assert decrypt_secret(totp.data["secret"]) == secret


def test_recovery_code_seed_is_not_stored_readably(manager):
    activate_totp(manager)
    codes = Authenticator.objects.get(user=manager, type=Authenticator.Type.RECOVERY_CODES)
    seed = decrypt_secret(codes.data["seed"])

    assert len(seed) == 80
    assert seed not in stored_text(manager)
    assert len(recovery_codes(manager)) == 10


def test_sign_in_with_a_code_still_works(client, manager, manager_totp):
    sign_in(client, manager, totp_secret=manager_totp)

    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_is_still_refused(client, manager, manager_totp):
    client.post(reverse("account_login"), {"login": manager.email, "password": PASSWORD})
    response = client.post(
        reverse("mfa_authenticate"), {"code": totp_code(manager_totp, periods_from_now=20)}
    )
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()


def test_the_key_comes_from_mfa_encryption_key(settings):
    settings.MFA_ENCRYPTION_KEY = "one key from the environment"
    token = encrypt_secret("JBSWY3DPEHPK3PXP")
    assert decrypt_secret(token) == "JBSWY3DPEHPK3PXP"

    settings.MFA_ENCRYPTION_KEY = "another key"
    with pytest.raises(InvalidToken):
        decrypt_secret(token)
    settings.MFA_ENCRYPTION_KEY = ""  # falls back to one derived from SECRET_KEY
    with pytest.raises(InvalidToken):
        decrypt_secret(token)


def test_migration_encrypts_a_plain_secret_and_its_reverse_decrypts_it(client, manager):
    secret = generate_totp_secret()
    plain_codes = ["12345678", "87654321"]
    Authenticator.objects.create(user=manager, type="totp", data={"secret": secret})
    Authenticator.objects.create(
        user=manager,
        type="recovery_codes",
        data={"seed": "ab" * 40, "used_mask": 0, "migrated_codes": plain_codes},
    )
    assert secret in stored_text(manager)

    migration.encrypt_secrets(apps, None)
    migration.encrypt_secrets(apps, None)  # twice does no harm

    assert secret not in stored_text(manager)
    assert all(code not in stored_text(manager) for code in plain_codes)
    totp = Authenticator.objects.get(user=manager, type="totp")
    assert decrypt_secret(totp.data["secret"]) == secret
    assert recovery_codes(manager) == plain_codes
    sign_in(client, manager, totp_secret=secret)

    migration.decrypt_secrets(apps, None)

    totp.refresh_from_db()
    assert totp.data["secret"] == secret
    rc = Authenticator.objects.get(user=manager, type="recovery_codes")
    assert rc.data["seed"] == "ab" * 40
    assert rc.data["migrated_codes"] == plain_codes
