"""The account pages (allauth's) speak as the rest of the site does: sentence case, "e-mail",
"Create an account" (locale/en_GB holds the wording)."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.accounts import confirm_password, sign_in

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "en_GB" / "LC_MESSAGES"
ALLAUTH_WORDING = ["Sign Up", "Signup", "Email Addresses", "Make Primary", "Remember Me", "Email"]


def visible_text(html: str) -> str:
    html = re.sub(r"(?s)<(script|style)[^>]*>.*?</\1>", " ", html)
    attributes = re.findall(r'(?:placeholder|aria-label|value)="([^"]*)"', html)
    return " ".join([re.sub(r"<[^>]+>", " ", html), *attributes])


@pytest.mark.parametrize("url_name", ["account_signup", "account_login", "account_reset_password"])
def test_entrance_pages_use_the_sites_wording(client, db, url_name):
    text = visible_text(client.get(reverse(url_name)).content.decode())
    for words in ALLAUTH_WORDING:
        assert not re.search(rf"\b{words}\b", text), words
    if url_name == "account_signup":
        assert "Create an account" in text


def test_the_e_mail_addresses_page_uses_the_sites_wording(client, parent):
    sign_in(client, parent)
    confirm_password(client)

    text = visible_text(client.get(reverse("account_email")).content.decode())

    assert "E-mail addresses" in text
    assert "Use as main address" in text
    assert "Add an e-mail address" in text
    for words in ALLAUTH_WORDING:
        assert not re.search(rf"\b{words}\b", text), words


def catalogue_entries(po: str) -> dict[str, str]:
    """msgid → msgstr from a .po file (strings may run over several quoted lines)."""
    entries, key, parts = {}, None, {}
    for line in [*po.splitlines(), ""]:
        line = line.strip()
        if line.startswith(("msgid ", "msgstr ")):
            key, _, rest = line.partition(" ")
            parts[key] = [rest]
        elif line.startswith('"') and key:
            parts[key].append(line)
        elif not line and "msgstr" in parts:
            text = {k: "".join(ast.literal_eval(s) for s in v) for k, v in parts.items()}
            if text["msgid"]:
                entries[text["msgid"]] = text["msgstr"]
            key, parts = None, {}
    return entries


def test_the_compiled_wording_matches_its_source():
    entries = catalogue_entries((CATALOGUE / "django.po").read_text())
    with (CATALOGUE / "django.mo").open("rb") as compiled:
        translations = gettext.GNUTranslations(compiled)
    assert len(entries) > 20
    for msgid, msgstr in entries.items():
        assert translations.gettext(msgid) == msgstr, msgid
