"""Encrypts the authenticator secrets stored before they were encrypted (TOTP keys, recovery
code seeds and codes carried over from other systems); the reverse decrypts them again.

Values that already decrypt are left alone, so running it twice does no harm."""

from cryptography.fernet import InvalidToken
from django.db import migrations

from startwell.adapters import decrypt_secret, encrypt_secret


def _is_encrypted(value: str) -> bool:
    try:
        decrypt_secret(value)
    except (InvalidToken, ValueError, UnicodeError):
        return False
    return True


def _encrypt(value: str) -> str:
    return value if _is_encrypted(value) else encrypt_secret(value)


def _decrypt(value: str) -> str:
    return decrypt_secret(value) if _is_encrypted(value) else value


def _rewrite(apps, change) -> None:
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=["totp", "recovery_codes"]):
        data = dict(authenticator.data)
        for field in ("secret", "seed"):
            if isinstance(data.get(field), str):
                data[field] = change(data[field])
        if isinstance(data.get("migrated_codes"), list):
            data["migrated_codes"] = [change(code) for code in data["migrated_codes"]]
        if data != authenticator.data:
            authenticator.data = data
            authenticator.save(update_fields=["data"])


def encrypt_secrets(apps, schema_editor):
    _rewrite(apps, _encrypt)


def decrypt_secrets(apps, schema_editor):
    _rewrite(apps, _decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("startwell", "0004_anonymous_rows"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_secrets, decrypt_secrets)]
