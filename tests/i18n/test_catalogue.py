"""The Ukrainian catalogue stays complete: every message translated, none fuzzy, none missing or left over."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "uk" / "LC_MESSAGES" / "django.po"
# What `make messages` reads: the code and the templates (the tests and benchmarks hold no interface text).
SOURCES = ["manage.py", "tracker", "projects", "templates"]


def keys(catalogue: polib.POFile) -> set[tuple[str, str]]:
    return {(entry.msgctxt or "", entry.msgid) for entry in catalogue if not entry.obsolete}


def test_every_message_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(CATALOGUE))
    assert catalogue.metadata["Language"] == "uk"
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []
    assert [entry.msgid for entry in catalogue.obsolete_entries()] == []
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            assert all(entry.msgstr_plural.values()), entry.msgid


def test_the_catalogue_holds_exactly_the_strings_the_code_marks(tmp_path):
    """`makemessages` on a copy of the sources: a newly marked string missing from the .po fails here."""
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, tmp_path / name)
    (tmp_path / "locale").mkdir()
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update(DEBUG="true", VAR_DIR=str(tmp_path / "var"))
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale=uk", "--no-location", "--no-obsolete"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
    )
    extracted = keys(polib.pofile(str(tmp_path / "locale" / "uk" / "LC_MESSAGES" / "django.po")))
    committed = keys(polib.pofile(str(CATALOGUE)))
    assert sorted(extracted - committed) == [], "marked for translation but not in the catalogue: run `make messages`"
    assert sorted(committed - extracted) == [], "in the catalogue but no longer marked: run `make messages`"
