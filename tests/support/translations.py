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
    stale = stale_catalogues()
    for po in stale:
        # Written beside it and moved into place: a run started at the same moment never
        # reads half a file.
        handle, temporary = tempfile.mkstemp(dir=po.parent, suffix=".mo")
        os.close(handle)
        try:
            subprocess.run(  # noqa: S603 - our own files, a fixed program
                ["msgfmt", "--check-format", "-o", temporary, str(po)],  # noqa: S607
                check=True,
            )
            os.chmod(temporary, 0o644)  # noqa: S103 - readable like any file of the checkout
            os.replace(temporary, po.with_suffix(".mo"))
        finally:
            if os.path.exists(temporary):
                os.remove(temporary)
    if stale:
        # Django is set up before this runs (pytest-django), and may have read the catalogues
        # already: this is how Django's own tests make it read them again.
        from django.conf import settings
        from django.test.signals import setting_changed

        setting_changed.send(
            sender=type(settings), setting="LOCALE_PATHS", value=settings.LOCALE_PATHS, enter=True
        )
