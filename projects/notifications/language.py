"""Which language an e-mail is written in: its recipient's choice, else the site's language.

Everything a message says (subject, values formatted in Python, template text) is built inside
`written_for(...)`, so one batch can hold messages in several languages.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.utils import translation

from projects.notifications.models import Recipient

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def language_of(choice: str | None) -> str:
    return choice if choice in LANGUAGE_CODES else settings.LANGUAGE_CODE


@contextmanager
def written_for(choice: str | None) -> Iterator[str]:
    """Render inside this block in the recipient's language (`choice` is their preference, blank if none)."""
    language = language_of(choice)
    with translation.override(language):
        yield language


def user_language(user) -> str | None:
    """A user's chosen language, kept with their e-mail preferences (one query; None if never chosen)."""
    return Recipient.objects.filter(user=user).values_list("language", flat=True).first() or None
