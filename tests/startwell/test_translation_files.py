"""The translation catalogues (locale/<language>/LC_MESSAGES/django.po): valid, with nothing
left fuzzy (a guess gettext would not use) and, in the translations, nothing left empty (which
would show the English). English's own catalogue holds only the portal's wording over the
libraries', so an empty entry there just means "as written"."""

import datetime
import re
import subprocess
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.timesince import timeuntil

BASE = Path(settings.BASE_DIR)
CATALOGUES = sorted(
    po for directory in settings.LOCALE_PATHS for po in Path(directory).glob("*/LC_MESSAGES/*.po")
)
ENGLISH = "en_GB"


def statistics(po: Path) -> dict[str, int]:
    """msgfmt's own count: translated, fuzzy and untranslated (empty) entries."""
    result = subprocess.run(  # noqa: S603 - our own files, a fixed program
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],  # noqa: S607
        capture_output=True,
        text=True,
        env={"LC_ALL": "C"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    for number, kind in re.findall(r"(\d+) (translated|fuzzy|untranslated)", result.stderr):
        counts[kind] = int(number)
    return counts


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: str(po.relative_to(BASE)))
def test_a_catalogue_has_no_fuzzy_or_empty_entries(po):
    counts = statistics(po)
    assert counts["translated"] > 0
    assert counts["fuzzy"] == 0, "fuzzy entries: translate them and remove the fuzzy flag"
    if po.parts[-3] != ENGLISH:
        assert counts["untranslated"] == 0, "empty entries would show English"


def test_msgfmt_counts_what_a_catalogue_holds(tmp_path):
    """The control: a catalogue with a fuzzy and an empty entry is counted as having them."""
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Book"\nmsgstr "Zarezerwuj"\n\n'
        '#, fuzzy\nmsgid "Cancel"\nmsgstr "Anuluj"\n\n'
        'msgid "Sessions"\nmsgstr ""\n'
    )
    assert statistics(po) == {"translated": 1, "fuzzy": 1, "untranslated": 1}


def test_every_catalogue_belongs_to_one_of_the_portals_languages():
    languages = {code for code, _ in settings.LANGUAGES}
    for po in CATALOGUES:
        assert po.parts[-3].lower().replace("_", "-") in languages, po


def refusal(field: forms.Field, value: str) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        field.clean(value)
    return refused.value.messages


def test_djangos_own_refusals_reach_a_family_in_urdu():
    """Django leaves its "too long" refusal, its e-mail refusal and its time spans untranslated
    in Urdu: our catalogue of its messages (locale_libraries/) gives them."""
    with translation.override("ur"):
        assert refusal(forms.CharField(max_length=3), "abcd") == [
            "یقینی بنائیں کہ اس میں زیادہ سے زیادہ 3 حروف ہوں (اس میں 4 ہیں)۔"
        ]
        assert refusal(forms.EmailField(), "not an address") == ["درست ای میل پتہ درج کریں۔"]
        soon = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=3, minutes=1)
        assert timeuntil(soon) == "3\xa0دن"
    with translation.override("en-gb"):  # the control: English is unchanged
        assert refusal(forms.EmailField(), "not an address") == ["Enter a valid email address."]
