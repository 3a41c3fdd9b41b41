"""The translations' .mo files are built, not kept in git (`make messages`). A test run started
by hand, in a fresh checkout or after a .po file changed, compiles what is missing or stale
first, as `make test` does, so the pages it renders speak the languages the .po files say."""

import os
import subprocess
import tempfile
from pathlib import Path

LOCALE = Path(__file__).resolve().parent.parent.parent / "locale"


def stale_catalogues() -> list[Path]:
    stale = []
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            stale.append(po)
    return stale


def compile_stale_catalogues() -> None:
    for po in stale_catalogues():
        # Written beside it and moved into place: a run started at the same moment never
        # reads half a file.
        handle, temporary = tempfile.mkstemp(dir=po.parent, suffix=".mo")
        os.close(handle)
        try:
            subprocess.run(  # noqa: S603 - our own files, a fixed program
                ["msgfmt", "--check-format", "-o", temporary, str(po)],  # noqa: S607
                check=True,
            )
            os.replace(temporary, po.with_suffix(".mo"))
        finally:
            if os.path.exists(temporary):
                os.remove(temporary)
