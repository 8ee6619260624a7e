"""The Jinja2 environment of the e-mail templates: dict-first lookups and Django's gettext.

The templates read dicts of values formatted in Python. Jinja resolves `s.title` as an attribute
first and a key second, so every value read from a dict raised and caught an AttributeError; a
digest reads about a thousand. Here a dict's key comes first.

`{{ _("…") }}` calls Django's gettext, which translates into the language active while a message
renders (see language.written_for), so the compiled templates serve every language.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, ngettext
from jinja2 import Environment


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
