"""Python run in a fresh process of the project, for what is read once at start-up (the settings)
under an environment of the test's choosing."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def environment(*, dropping: tuple[str, ...], **values: str) -> dict[str, str]:
    """This process's environment without the variables whose names start with any of
    `dropping`, with `values` set."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(dropping)}
    env.update(values)
    return env


def run_python(code: str, env: dict[str, str], *, timeout: int = 120):
    """Runs `code` with the project's Python, from the project's root; its output as text."""
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
