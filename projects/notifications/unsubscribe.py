"""Signed one-click unsubscribe links: the signature is the authorisation, so they work without logging in."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "projects.notifications.unsubscribe"
# What an unsubscribe link turns off: reminders, or the digest.
TOPICS = ("reminders", "digest")


def unsubscribe_token(recipient_id: int, topic: str) -> str:
    if topic not in TOPICS:
        raise ValueError(f"Unknown topic {topic!r}.")
    return signing.dumps([recipient_id, topic], salt=SALT)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """The recipient and topic a token was signed for.

    Raises signing.SignatureExpired when older than UNSUBSCRIBE_LINK_MAX_AGE_DAYS (a leaked e-mail should
    not control someone's mail for ever), and signing.BadSignature when forged or garbled.
    """
    value = signing.loads(token, salt=SALT, max_age=timedelta(days=settings.UNSUBSCRIBE_LINK_MAX_AGE_DAYS))
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int) and value[1] in TOPICS):
        raise signing.BadSignature("Malformed unsubscribe token.")
    return value[0], value[1]


def unsubscribe_url(recipient_id: int, topic: str) -> str:
    return settings.SITE_URL + reverse("unsubscribe", args=[unsubscribe_token(recipient_id, topic)])
