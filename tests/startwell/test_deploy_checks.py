"""Production settings pass Django's deployment checks with production-like environment values."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_deploy_check(tmp_path, **overrides) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS"}
        and not key.startswith(("DJANGO_", "SECURE_", "EMAIL_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "startwell.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "startwell.example",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        }
    )
    env.update(overrides)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_deploy_checks(tmp_path):
    result = run_deploy_check(tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_weak_production_values_fail_the_checks(tmp_path):
    """Each weak value is reported by its own warning (one run: starting Django takes seconds)."""
    result = run_deploy_check(
        tmp_path, SECRET_KEY="too-short", SECURE_HSTS_SECONDS="0", SECURE_SSL_REDIRECT="false"
    )

    assert result.returncode != 0
    for warning in ["security.W009", "security.W004", "security.W008"]:
        assert warning in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_deploy_check(tmp_path, SECRET_KEY="")

    assert result.returncode != 0
    assert "Set SECRET_KEY in the environment." in result.stderr
