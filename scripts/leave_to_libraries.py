"""Drops from our catalogues (locale/<language>/LC_MESSAGES/django.po) the library's own strings
that the library already translates in that language, so that its translation is the one shown:
our templates that override allauth's pages keep allauth's strings, and Django looks a string up
in our catalogue first. Only entries found nowhere but in those templates and in
startwell/account_wording.py are left to the library: a word we use ourselves ("Sessions", a
timetable's) keeps our translation, whatever the library means by it. Run by
scripts/update-translations after makemessages."""

import gettext
import re
import sys
from pathlib import Path

import allauth
import django

ROOT = Path(__file__).resolve().parent.parent
# Where the libraries' own strings appear in our code: allauth's templates we override, and the
# list of the account pages' words.
LIBRARY_PLACES = (
    "templates/account/",
    "templates/allauth/",
    "templates/mfa/",
    "startwell/account_wording.py",
)
LIBRARIES = [
    Path(allauth.__file__).parent / "locale",
    Path(django.__file__).parent / "contrib" / "auth" / "locale",
]


def _unquote(lines: list[str]) -> str:
    return "".join(
        bytes(line.strip()[1:-1], "utf-8").decode("unicode_escape").encode("latin-1").decode()
        for line in lines
    )


def _field(block: str, name: str) -> str | None:
    """The text of `msgid`, `msgctxt` or `msgid_plural` in one entry (it may span lines)."""
    match = re.search(rf'^{name} ("(?:[^"\\]|\\.)*"\n(?:"(?:[^"\\]|\\.)*"\n)*)', block + "\n", re.M)
    if match is None:
        return None
    return _unquote(match.group(1).splitlines())


def translated_by_libraries(language: str) -> set[str]:
    keys = set()
    for locale in LIBRARIES:
        try:
            catalogue = gettext.translation("django", locale, languages=[language])
        except OSError:
            continue
        for key, text in catalogue._catalog.items():  # noqa: SLF001 - gettext has no public list
            msgid = key[0] if isinstance(key, tuple) else key
            if msgid and text:
                keys.add(msgid)
    return keys


def leave_to_libraries(language: str) -> int:
    po = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    theirs = translated_by_libraries(language)
    if not theirs or not po.exists():
        return 0
    header, *entries = po.read_text().split("\n\n")
    kept = []
    for entry in entries:
        msgid = _field(entry, "msgid")
        context = _field(entry, "msgctxt")
        key = f"{context}\x04{msgid}" if context is not None else msgid
        places = re.findall(r"^#: (.*)$", entry, re.M)
        files = {name.split(":")[0] for line in places for name in line.split()}
        only_theirs = bool(files) and all(name.startswith(LIBRARY_PLACES) for name in files)
        if key not in theirs or not only_theirs:
            kept.append(entry)
    po.write_text("\n\n".join([header, *kept]).rstrip("\n") + "\n")
    return len(entries) - len(kept)


if __name__ == "__main__":
    for language in sys.argv[1:]:
        dropped = leave_to_libraries(language)
        if dropped:
            print(f"{language}: {dropped} entries left to the libraries' own translations")
