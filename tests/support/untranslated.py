"""Finding English left in a page or a message rendered in another language.

A render in Polish or Urdu is compared with the same render in English: a word of the English
render that turns up again in the translated one is English left over, unless it is data (a
centre's, an activity's or a person's name, typed by people, not by us: every text the
database holds when the page is rendered) or a word the language's own catalogue uses on
purpose (a brand such as "Stripe", a word Polish shares with English such as "Status"). Words
are compared rather than whole lines, so that an unmarked phrase inside a translated sentence
is caught too."""

import contextlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import translation
from wagtail.fields import StreamField

LOCALE = Path(settings.BASE_DIR) / "locale"
# Latin-script words: shorter ones ("a", "to", "on", "of") are too often words of Polish as well
# to tell anything, and an English phrase left over always has longer words in it too.
WORD = re.compile(r"(?<![\w/.@-])[A-Za-z][A-Za-z'’]{2,}(?![\w/.@-])")
# Addresses (links, e-mail addresses) are neither English nor translated.
ADDRESS = re.compile(r"(https?://|www\.|/)\S*|\S+@\S+")
# Attributes a person hears or sees as text.
TEXT_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt"}
# The apps whose rows hold what people typed: ours, Wagtail's pages and allauth's addresses.
DATA_APPS = {
    "account",
    "bookings",
    "cms",
    "codesign",
    "parent_champions",
    "privacy",
    "startwell",
    "wagtailcore",
}


class _TextNodes(HTMLParser):
    """The visible text of a page, one entry per text node or text attribute."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.nodes: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "template"}:
            self._skipping += 1
        attributes = dict(attrs)
        for name in TEXT_ATTRIBUTES & attributes.keys():
            self._add(attributes[name])
        if tag == "input" and attributes.get("type") in {"submit", "button"}:
            self._add(attributes.get("value"))

    def handle_endtag(self, tag):
        if tag in {"script", "style", "template"} and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self._add(data)

    def _add(self, text):
        text = " ".join((text or "").split())
        if text:
            self.nodes.append(text)


def text_nodes(html: str) -> list[str]:
    parser = _TextNodes()
    parser.feed(html)
    parser.close()
    return parser.nodes


def text_lines(text: str) -> list[str]:
    """A plain-text message (e-mail, SMS) as its lines."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def words(texts) -> set[str]:
    return {word.lower() for text in texts for word in WORD.findall(ADDRESS.sub(" ", text))}


def _strings_in(value) -> list[str]:
    if isinstance(value, str):
        return [re.sub(r"<[^>]+>", " ", value)]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings_in(item)]
    if isinstance(value, list | tuple):
        return [text for item in value for text in _strings_in(item)]
    return []


def data_words() -> set[str]:
    """Every word of every text the database holds now: names, titles, addresses, ideas,
    comments, page content. These stay as people typed them in every language."""
    found = set()
    for model in apps.get_models():
        if model._meta.app_label not in DATA_APPS or model._meta.proxy:
            continue
        fields = [
            field
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | StreamField)
        ]
        if not fields:
            continue
        for row in model.objects.values_list(*(field.attname for field in fields)):
            for value in row:
                if isinstance(value, str) and value.lstrip().startswith(("[", "{")):
                    with contextlib.suppress(ValueError):
                        value = json.loads(value)
                found |= words(_strings_in(value))
    return found


def catalogue_words(language: str) -> set[str]:
    """Latin-script words the language's translations use on purpose (brands, shared words,
    an English name given in brackets)."""
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    # A translation, with the lines a long one continues on.
    translations = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', po.read_text(), re.M)
    return words(re.findall(r'"(.*)"', "".join(translations)))


def language_names() -> set[str]:
    names = []
    for code, name in settings.LANGUAGES:
        info = translation.get_language_info(code)
        names += [name, info["name"], info["name_local"]]
    return words(names)


def english_left(english: list[str], translated: list[str], allowed: set[str]) -> list[str]:
    """The translated render's text nodes that still hold a word of the English render's own
    (not data, not allowed), each with the words that give it away."""
    english_words = words(english) - allowed
    left = []
    for node in translated:
        giveaway = sorted({w for w in words([node]) if w in english_words})
        if giveaway:
            left.append(f"{node!r}: {', '.join(giveaway)}")
    return left
