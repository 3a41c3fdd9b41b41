"""Browser sessions kept in the database, encrypted.

Django signs a session's data but does not hide it: anyone with a copy of the database can read
it. Sign-in hands the session things that must not be readable at rest while they wait: the
one-time sign-in code allauth sends by e-mail (until it is used or expires), the key of a
password-reset link once it has been followed (until the new password is set), and a request
waiting for the person to confirm their password. So the whole session is encrypted (Fernet,
with a key derived from SECRET_KEY by HKDF-SHA256 for this purpose only; SECRET_KEY_FALLBACKS
still open sessions written before a rotation).

Sessions written before encryption was switched on are still read, and are encrypted the next
time they change.
"""

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from .compiled import Compiled

KEY_PURPOSE = b"startwell browser sessions"
# Marks encrypted data; Django's signed format never starts with it.
PREFIX = "fernet:"


@functools.lru_cache(maxsize=8)
def _fernet_for(secret: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_PURPOSE).derive(
        secret.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def session_cipher() -> MultiFernet:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet_for(secret) for secret in secrets])


def _session_with_key(session_key: str):
    return Session.objects.filter(session_key=session_key)


# Read at the start of every signed-in request: its SQL is written once per process
# (`startwell.compiled`), and whether it has expired is asked here rather than in it (the clock
# cannot be a stand-in).
_SESSION_WITH_KEY = Compiled(_session_with_key)


class SessionStore(db.SessionStore):
    """Django's database session store, with the signed data encrypted before it is saved."""

    def _get_session_from_db(self):
        if self.session_key is None:  # no cookie, or one not in the form of a session key
            return None
        found = next(iter(_SESSION_WITH_KEY.instances(session_key=self.session_key)), None)
        if found is None or found.expire_date <= timezone.now():
            self._session_key = None
            return None
        return found

    def encode(self, session_dict) -> str:
        signed = super().encode(session_dict)
        return PREFIX + session_cipher().encrypt(signed.encode()).decode("ascii")

    def decode(self, session_data: str) -> dict:
        if not session_data.startswith(PREFIX):
            return super().decode(session_data)
        try:
            signed = session_cipher().decrypt(session_data[len(PREFIX) :].encode("ascii"))
        except InvalidToken:
            # As Django does with data whose signature fails: an empty session, signed out.
            return {}
        return super().decode(signed.decode())
