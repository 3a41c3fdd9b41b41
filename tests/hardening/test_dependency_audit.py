"""The dependency audit in `make test`: a vulnerable pin fails it, and an advisory database it
cannot reach is reported as a skip, never as a pass."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def audit(requirements: Path, **env) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "scripts/audit_dependencies.py", str(requirements)],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_an_unreachable_advisory_database_is_reported_as_skipped(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("django==5.2.19\n")

    # Nothing listens on port 9: every request to the database fails to connect.
    result = audit(requirements, HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9")

    assert result.returncode == 0
    assert "Dependency audit SKIPPED" in result.stdout
    assert "passed" not in result.stdout


def test_a_known_vulnerability_fails_the_audit(tmp_path):
    requirements = tmp_path / "requirements.txt"
    # Django 3.2.0 has many published advisories (e.g. PYSEC-2021-98).
    requirements.write_text("django==3.2.0\n")

    result = audit(requirements)

    if "SKIPPED" in result.stdout:
        pytest.skip(f"advisory database not reachable from here: {result.stdout.strip()}")
    assert result.returncode == 1
    assert "VULNERABLE django 3.2.0" in result.stdout
