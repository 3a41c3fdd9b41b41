"""Text fields kept encrypted at rest, for what a database copy must not give away: the health
and emergency-contact details families give for drop-off sessions.

The same scheme as browser sessions (`startwell.sessions`) and authenticator secrets
(`startwell.adapters`): Fernet, with a key derived from SECRET_KEY by HKDF-SHA256 for this
purpose only; SECRET_KEY_FALLBACKS still read what was written before a rotation. The values
cannot be searched or filtered on in the database, which these fields never need."""

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

KEY_PURPOSE = b"startwell personal details"
# Marks an encrypted value, so an empty value stays empty and is never mistaken for one.
PREFIX = "fernet:"


@functools.lru_cache(maxsize=8)
def _fernet_for(secret: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_PURPOSE).derive(
        secret.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def cipher() -> MultiFernet:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet_for(secret) for secret in secrets])


def encrypt(text: str) -> str:
    if not text:
        return ""
    return PREFIX + cipher().encrypt(text.encode()).decode("ascii")


def decrypt(stored: str) -> str:
    if not stored or not stored.startswith(PREFIX):
        return stored or ""
    try:
        return cipher().decrypt(stored[len(PREFIX) :].encode("ascii")).decode()
    except InvalidToken:
        # A value from a key no longer configured reads as empty rather than breaking the page.
        return ""


class EncryptedTextField(models.TextField):
    """A TextField whose value is encrypted before it is written and decrypted when read."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value is not None else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value
