"""Sign-in rate limits behind the TLS proxy: visitors are told apart by the address the proxy
reports, and failed passwords lock the account tried, not everyone on the same address."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD
from tests.support.processes import environment, run_python

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
TOO_MANY_FAILURES = "Too many failed login attempts. Try again later."


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def sign_in_from(client, email, password, *, forwarded_for=None, **headers):
    if forwarded_for:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        **headers,
    )


@pytest.fixture
def tight_login_limit(settings):
    """Two sign-in attempts a minute per address, so the test need not make thirty."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}


def test_two_visitors_behind_the_proxy_are_counted_apart(client, settings, tight_login_limit):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    first, second = UserFactory(), UserFactory()

    for _ in range(2):
        sign_in_from(client, first.email, "wrong", forwarded_for="203.0.113.5")
    refused = sign_in_from(client, first.email, PASSWORD, forwarded_for="203.0.113.5")
    assert refused.status_code == 429

    sign_in_from(client, second.email, PASSWORD, forwarded_for="203.0.113.6")
    assert signed_in(client)


def test_a_named_client_address_header_is_used_when_set(client, settings, tight_login_limit):
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    first, second = UserFactory(), UserFactory()

    for _ in range(2):
        sign_in_from(client, first.email, "wrong", HTTP_X_REAL_IP="203.0.113.5")
    assert sign_in_from(client, first.email, "x", HTTP_X_REAL_IP="203.0.113.5").status_code == 429

    sign_in_from(client, second.email, PASSWORD, HTTP_X_REAL_IP="203.0.113.6")
    assert signed_in(client)


def test_without_a_trusted_proxy_a_forwarded_address_is_ignored(
    client, settings, tight_login_limit
):
    """Control: a visitor cannot escape the limit by inventing X-Forwarded-For."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    someone = UserFactory()

    for n in range(2):
        sign_in_from(client, someone.email, "wrong", forwarded_for=f"203.0.113.{n}")
    response = sign_in_from(client, someone.email, PASSWORD, forwarded_for="203.0.113.99")

    assert response.status_code == 429
    assert not signed_in(client)


def test_ten_failures_lock_that_account_and_not_the_others_on_the_address(client):
    tried, neighbour = UserFactory(), UserFactory()

    for _ in range(10):
        response = sign_in_from(client, tried.email, "wrong")
        assert TOO_MANY_FAILURES not in response.content.decode()

    locked = sign_in_from(client, tried.email, PASSWORD)
    assert TOO_MANY_FAILURES in locked.content.decode()
    assert not signed_in(client)

    sign_in_from(client, neighbour.email, PASSWORD)
    assert signed_in(client)


def test_many_families_failing_once_on_one_address_lock_nobody(client):
    families = [UserFactory() for _ in range(12)]
    for family in families:
        sign_in_from(client, family.email, "wrong")

    sign_in_from(client, families[0].email, PASSWORD)
    assert signed_in(client)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, "0 None"),
        ({"TRUSTED_PROXY_COUNT": "1", "TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"}, "1 X-Real-IP"),
    ],
)
def test_trusted_proxies_come_from_the_environment(values, expected):
    env = environment(
        dropping=("TRUSTED_PROXY_COUNT", "TRUSTED_CLIENT_IP_HEADER", "DJANGO_SETTINGS_MODULE"),
        DJANGO_SETTINGS_MODULE="startwell.settings.test",
        **values,
    )
    code = (
        "import django; django.setup(); from allauth import app_settings as s; "
        "print(s.TRUSTED_PROXY_COUNT, s.TRUSTED_CLIENT_IP_HEADER)"
    )
    result = run_python(code, env, timeout=60)

    assert result.stdout.strip() == expected, result.stderr
