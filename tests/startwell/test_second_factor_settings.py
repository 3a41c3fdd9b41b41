"""The second-factor settings under production settings: passkeys only on secure origins, the
encryption key and the staff idle limit read from the environment."""

import json
import secrets

from tests.support.processes import environment, run_python

PRINT_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.MFA_SUPPORTED_TYPES, s.MFA_PASSKEY_LOGIN_ENABLED, "
    "s.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN, s.MFA_ENCRYPTION_KEY, s.STAFF_SESSION_IDLE_MINUTES]))"
)


def production_settings(**values: str) -> list:
    env = environment(
        dropping=("DJANGO_", "MFA_", "STAFF_"),
        DJANGO_SETTINGS_MODULE="startwell.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        **values,
    )
    result = run_python(PRINT_SETTINGS, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_offers_passkeys_on_secure_origins_only():
    types, passkey_login, insecure_origin, key, idle = production_settings()

    assert "webauthn" in types and "totp" in types
    assert passkey_login is True
    assert insecure_origin is False
    assert key == ""  # derived from SECRET_KEY when not set
    assert idle == 30


def test_key_and_idle_limit_come_from_the_environment():
    settings = production_settings(
        MFA_ENCRYPTION_KEY="a-long-random-key", STAFF_SESSION_IDLE_MINUTES="15"
    )

    assert settings[3] == "a-long-random-key"
    assert settings[4] == 15
