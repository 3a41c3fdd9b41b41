"""Staff sessions end after STAFF_SESSION_IDLE_MINUTES idle (30 by default); parents keep
"remember me"."""

import datetime

from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.accounts import sign_in, totp_code
from tests.factories.accounts import PASSWORD


def expires_in(client) -> datetime.timedelta:
    row = Session.objects.get(session_key=client.session.session_key)
    return row.expire_date - timezone.now()


def idle_for(client, minutes: int) -> None:
    """What the clock does to a session nobody touches: its expiry comes that much nearer."""
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() + expires_in(client) - datetime.timedelta(minutes=minutes)
    )


def close_to(delta: datetime.timedelta, minutes: float) -> bool:
    return abs(delta - datetime.timedelta(minutes=minutes)) < datetime.timedelta(minutes=1)


def test_staff_session_ends_after_thirty_idle_minutes_even_if_remembered(
    client, manager, manager_totp
):
    client.post(
        reverse("account_login"),
        {"login": manager.email, "password": PASSWORD, "remember": "on"},
    )
    client.post(reverse("mfa_authenticate"), {"code": totp_code(manager_totp)})
    assert client.session["_auth_user_id"] == str(manager.pk)
    assert close_to(expires_in(client), 30)

    idle_for(client, 20)
    assert client.get("/admin/").status_code == 200
    assert close_to(expires_in(client), 30)  # activity moves the expiry on

    idle_for(client, 31)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_idle_limit_comes_from_the_setting(client, manager, manager_totp, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 5
    sign_in(client, manager, totp_secret=manager_totp)

    assert close_to(expires_in(client), 5)


def test_parent_who_asks_to_be_remembered_stays_signed_in_for_two_weeks(client, parent, settings):
    client.post(
        reverse("account_login"), {"login": parent.email, "password": PASSWORD, "remember": "on"}
    )
    assert client.session["_auth_user_id"] == str(parent.pk)
    assert close_to(expires_in(client), settings.SESSION_COOKIE_AGE / 60)

    idle_for(client, 31)
    assert client.get(reverse("bookings:booking_list")).status_code == 200
    assert not client.session.get_expire_at_browser_close()


def test_parent_who_does_not_ask_is_signed_out_when_the_browser_closes(client, parent):
    client.post(reverse("account_login"), {"login": parent.email, "password": PASSWORD})

    assert client.session.get_expire_at_browser_close()
