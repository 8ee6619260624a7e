"""Failed sign-in throttling: after too many failures for one username or one address, refuse for a while.

Counts live in Django's cache, so several processes share them only with a shared cache backend.
"""

import hashlib

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError


def _keys(username: str, address: str) -> list[str]:
    def key(kind: str, value: str) -> str:
        return f"login-failures:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"

    return [key("user", username.strip().lower()), key("address", address)]


def is_throttled(username: str, address: str) -> bool:
    counts = cache.get_many(_keys(username, address))
    return any(count >= settings.LOGIN_FAILURE_LIMIT for count in counts.values())


def record_failure(username: str, address: str) -> None:
    for key in _keys(username, address):
        # add() starts the window at the first failure; incr() keeps it (it does not reset the timeout).
        cache.add(key, 0, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def clear_failures(username: str, address: str) -> None:
    cache.delete(_keys(username, address)[0])


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, refusing even a right password while the username or address is throttled."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": "Too many failed sign-in attempts. Wait %(minutes)s minutes, then try again.",
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = self.request.META.get("REMOTE_ADDR", "") if self.request else ""
        if is_throttled(username, address):
            raise ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": max(1, settings.LOGIN_FAILURE_WINDOW_SECONDS // 60)},
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            record_failure(username, address)
            raise
        clear_failures(username, address)
        return cleaned
