"""What a reader of a page sees, and which of it would be English interface text on a Ukrainian page."""

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "uk" / "LC_MESSAGES" / "django.po"
WORD = re.compile(r"[A-Za-z][a-z]{2,}")
# Left out of the scan: what is not prose (scripts, styles), code names (`<code>`: column names, API fields),
# and whatever is marked as another language (the switch's "British English").
SKIPPED_TAGS = {"script", "style", "code"}
# The tracker's own apps: their models, fields and records.
OUR_APPS = ["projects", "notifications", "api", "webhooks", "alerts", "web"]
# Names that stay as they are in every language.
PROPER_NAMES = {"excel", "alpha"}  # "alpha" of the standard ISO 3166-1 alpha-2


class VisibleText(HTMLParser):
    """The text a reader sees, plus the labels assistive technology reads out (aria-label, title, alt)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self.skipping or tag in SKIPPED_TAGS or attributes.get("lang", "uk") != "uk":
            if tag not in {"br", "input", "img", "meta", "link"}:
                self.skipping.append(tag)
            return
        for name in ("aria-label", "title", "alt", "placeholder"):
            if attributes.get(name):
                self.parts.append(attributes[name])
        if tag in {"input", "button"} and attributes.get("type") in {"submit", "button"} and attributes.get("value"):
            self.parts.append(attributes["value"])

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def interface_words() -> set[str]:
    """Every English word of the interface: the words of the catalogue's msgids."""
    words = set()
    for entry in polib.pofile(str(CATALOGUE)):
        text = re.sub(r"%\(\w+\)[sdr]|<[^>]+>", " ", f"{entry.msgid} {entry.msgid_plural}")
        words.update(word.lower() for word in WORD.findall(text))
    return words


def data_words() -> set[str]:
    """Words of the records themselves (titles, names, summaries): data keeps its own language."""
    words = set()
    text_fields = (models.CharField, models.TextField)
    models_with_data = [model for label in OUR_APPS for model in apps.get_app_config(label).get_models()]
    for model in [*models_with_data, get_user_model()]:
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, text_fields)]
        for row in model._default_manager.values_list(*names):
            for value in row:
                words.update(word.lower() for word in WORD.findall(str(value or "")))
    return words


def english_interface_words(html: str, allowed: set[str]) -> list[str]:
    """The interface's English words on the page, those of its data (`allowed`) aside."""
    english = interface_words() - allowed - PROPER_NAMES
    return sorted({word for word in WORD.findall(visible_text(html)) if word.lower() in english})
