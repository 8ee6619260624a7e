"""The Jinja2 environment of the e-mail templates, which read dicts of values formatted in Python.

Jinja resolves `s.title` as an attribute first and a key second, so every value read from a dict
raised and caught an AttributeError; a digest reads about a thousand. Here a dict's key comes first.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment


class EmailEnvironment(Environment):
    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


def environment(**options: Any) -> EmailEnvironment:
    """The `environment` option of the "email" template engine."""
    return EmailEnvironment(**options)
