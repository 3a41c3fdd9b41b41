"""allauth adapters: e-mail addresses kept lower-case so one person has one account, and
authenticator secrets encrypted before allauth stores them."""

import base64
import functools

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

# Names the purpose in the derivation, so the same SECRET_KEY never yields the same key for
# anything else.
KEY_PURPOSE = b"startwell authenticator secrets"


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        return super().clean_email(email).strip().lower()


@functools.lru_cache(maxsize=4)
def _fernet_for(secret: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_PURPOSE).derive(
        secret.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def authenticator_fernet() -> Fernet:
    """The cipher for authenticator secrets: keyed by MFA_ENCRYPTION_KEY, or, when that is not
    set, by SECRET_KEY. Either is stretched to a Fernet key with HKDF-SHA256."""
    return _fernet_for(settings.MFA_ENCRYPTION_KEY or settings.SECRET_KEY)


def encrypt_secret(text: str) -> str:
    return authenticator_fernet().encrypt(text.encode()).decode("ascii")


def decrypt_secret(token: str) -> str:
    # A token that does not decrypt (wrong key, plain text) raises InvalidToken rather than
    # quietly failing every code: a wrong key must be noticed, not mistaken for wrong codes.
    return authenticator_fernet().decrypt(token.encode("ascii")).decode()


class MFAAdapter(DefaultMFAAdapter):
    """allauth passes every authenticator secret through here before saving it: the TOTP key
    and the seed the recovery codes are made from (WebAuthn keeps only public keys)."""

    def encrypt(self, text: str) -> str:
        return encrypt_secret(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_secret(encrypted_text)
