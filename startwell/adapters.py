"""allauth adapters: e-mail addresses kept lower-case so one person has one account, a sign-in
that has just completed counts as recent authentication, authenticator secrets encrypted
before allauth stores them, and the person's language kept and written in."""

import base64
import contextlib
import functools

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import (
    AUTHENTICATION_METHODS_SESSION_KEY,
    get_authentication_records,
)
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils import translation

from . import services
from .languages import speaking_to

# Names the purpose in the derivation, so the same SECRET_KEY never yields the same key for
# anything else.
KEY_PURPOSE = b"startwell authenticator secrets"


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        return super().clean_email(email).strip().lower()

    def login(self, request, user) -> None:
        super().login(request, user)
        count_sign_in_as_recent(request, user)
        # Until they choose one, a person's account speaks the language they signed in in.
        services.remember_language(user=user, language=translation.get_language())

    def send_mail(self, template_prefix, email, context) -> None:
        """allauth's e-mails (codes, links) in the recipient's language when their account has
        one saved; otherwise in the language of the page they asked from."""
        user = context.get("user")
        with speaking_to(user) if getattr(user, "language", "") else contextlib.nullcontext():
            super().send_mail(template_prefix, email, context)


def count_sign_in_as_recent(request, user) -> None:
    """allauth asks for the password again ("Confirm access") before sensitive changes, such as
    adding a second factor, unless the person re-authenticated in the last few minutes
    (ACCOUNT_REAUTHENTICATION_TIMEOUT); on its own it counts only a re-authentication, not the
    sign-in itself. A member of staff sent to set up their authenticator straight after signing
    in would type the password twice in a minute. The last step of the sign-in that has just
    completed (password, code, passkey or second factor) counts as one, with its own time, so
    the usual timeout applies from the moment they signed in."""
    records = [dict(record) for record in get_authentication_records(request, user)]
    if not records:
        return
    records[-1]["reauthenticated"] = True
    request.session[AUTHENTICATION_METHODS_SESSION_KEY] = records


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
