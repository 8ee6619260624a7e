"""The Jinja2 environment of the e-mail templates: dict-first lookups and Django's gettext.

The templates read dicts of values formatted in Python. Jinja resolves `s.title` as an attribute
first and a key second, so every value read from a dict raised and caught an AttributeError; a
digest reads about a thousand. Here a dict's key comes first.

`{{ _("…") }}` calls Django's gettext, which translates into the language active while a message
renders (see language.written_for), so the compiled templates serve every language. Each answer is
kept per catalogue: Django's gettext walks a chain of fallback catalogues for every call (about
10 µs in English), and a digest makes hundreds of calls for the same few dozen strings.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from django.utils.translation import gettext as django_gettext
from django.utils.translation import ngettext, trans_real
from jinja2 import Environment

T = TypeVar("T")


class Translations(dict):
    """One catalogue's translations of the messages asked for so far; a new message is asked of Django once.

    `kept` holds what else is made once per catalogue (see `per_catalogue`).
    """

    def __init__(self):
        super().__init__()
        self.kept: dict[Hashable, Any] = {}

    def __missing__(self, message: str) -> str:
        translated = self[message] = django_gettext(message)
        return translated


# Per catalogue object: a catalogue reloaded (new .mo files, changed settings in tests) is a new
# object, so nothing stale is ever read.
TRANSLATED: WeakKeyDictionary[Any, Translations] = WeakKeyDictionary()


def translations() -> Translations:
    """The active catalogue's translations.

    Its `__getitem__` is a gettext for as long as that language stays active: bound as `_` in a
    render's variables, it spares each call the look-up of the active language (about 3 µs).
    """
    catalogue = trans_real.catalog()
    found = TRANSLATED.get(catalogue)
    if found is None:
        found = TRANSLATED[catalogue] = Translations()
    return found


def per_catalogue(key: Hashable, build: Callable[[], T]) -> T:
    """What `build` makes in the active language, made once per catalogue and key (labels, bound macros)."""
    kept = translations().kept
    if key not in kept:
        kept[key] = build()
    return kept[key]


def gettext(message: str) -> str:
    """Django's gettext in the active language, looked up once per catalogue and message."""
    return translations()[message]


class EmailEnvironment(Environment):
    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


def environment(**options: Any) -> EmailEnvironment:
    """The `environment` option of the "email" template engine."""
    # Always escaping (the HTML parts need it); the text parts turn it off themselves.
    options.pop("autoescape", None)
    extensions = [*options.pop("extensions", []), "jinja2.ext.i18n"]
    env = EmailEnvironment(autoescape=True, extensions=extensions, **options)
    env.install_gettext_callables(gettext, ngettext, newstyle=False)
    return env
