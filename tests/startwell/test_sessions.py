"""Browser sessions are encrypted in the database (startwell/sessions.py): the portal reads them
back, a copy of the database does not; sessions from before still open, and a rotated
SECRET_KEY (kept in SECRET_KEY_FALLBACKS) does not sign everyone out."""

import pytest
from django.contrib.sessions.backends.db import SessionStore as SignedOnlySession
from django.contrib.sessions.models import Session
from django.utils import timezone

from startwell.sessions import PREFIX, SessionStore

pytestmark = pytest.mark.django_db


def saved(store_class=SessionStore, **data) -> str:
    session = store_class()
    session.update(data)
    session.save()
    return session.session_key


def test_a_session_is_saved_encrypted_and_read_back():
    key = saved(code="QX7-K2P9")

    stored = Session.objects.get(session_key=key).session_data
    assert stored.startswith(PREFIX)
    assert "QX7" not in stored
    assert "QX7" not in SignedOnlySession().decode(stored).get("code", "")
    assert SessionStore(session_key=key)["code"] == "QX7-K2P9"


def test_a_session_saved_before_encryption_still_opens_and_is_encrypted_when_it_changes():
    key = saved(SignedOnlySession, cart="two places")

    session = SessionStore(session_key=key)
    assert session["cart"] == "two places"
    session["seen"] = True
    session.save()
    assert Session.objects.get(session_key=key).session_data.startswith(PREFIX)


def test_a_session_encrypted_with_another_key_or_altered_is_empty(settings):
    key = saved(user="42")
    row = Session.objects.get(session_key=key)
    altered = row.session_data[:-4] + ("AAAA" if not row.session_data.endswith("AAAA") else "BBBB")
    Session.objects.filter(session_key=key).update(session_data=altered)
    assert SessionStore(session_key=key).load() == {}

    other = saved(user="43")
    settings.SECRET_KEY = "another-secret-key-entirely"
    assert SessionStore(session_key=other).load() == {}


def test_sessions_survive_a_rotation_kept_in_the_fallbacks(settings):
    old_secret = settings.SECRET_KEY
    key = saved(user="42")

    settings.SECRET_KEY = "the-new-secret-key"
    settings.SECRET_KEY_FALLBACKS = [old_secret]

    assert SessionStore(session_key=key)["user"] == "42"


def test_an_expired_or_unknown_session_is_empty_and_forgets_its_key():
    key = saved(code="QX7-K2P9")
    Session.objects.filter(session_key=key).update(expire_date=timezone.now())

    expired = SessionStore(session_key=key)
    assert expired.load() == {}
    assert expired.session_key is None
    unknown = SessionStore(session_key="x" * 32)
    assert unknown.load() == {} and unknown.session_key is None


def test_each_session_is_read_by_its_own_key():
    first, second = saved(who="first"), saved(who="second")

    assert SessionStore(session_key=second)["who"] == "second"
    assert SessionStore(session_key=first)["who"] == "first"
