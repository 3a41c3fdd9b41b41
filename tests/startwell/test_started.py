"""manage.py pauses Python's cycle collector while the apps load; once they are ready it runs
again (startwell/started.py), so a long-running command (the task worker) collects garbage."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_command_collects_garbage_once_the_apps_are_ready(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "startwell.settings.test",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'started.sqlite3'}",
        }
    )
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "import gc; print(gc.isenabled(), gc.get_freeze_count() > 100_000)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True True"
