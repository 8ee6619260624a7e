"""Failed sign-ins and the pauses they cause, counted in Django's cache (`CACHE_URL=redis://…` shares them).

Two counts per username: one for the address the failures come from, one for all addresses together.
Neither counts an address alone, so failures with made-up names behind a shared proxy pause no one
else, and a correct password is refused only while its own username is paused. Each failure past a
limit doubles the pause, up to `LOGIN_FAILURE_WINDOW_SECONDS`: a guesser slows down exponentially,
while the account holder is kept out for minutes at a time, is told by e-mail, and can always get in
through a password reset.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _count_failure(key: str) -> int:
    cache.add(key, 0, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    try:
        failures = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)
        failures = 1
    cache.touch(key, settings.LOGIN_FAILURE_WINDOW_SECONDS)  # forgotten a window after the last failure
    return failures


def pause_after(failures: int, limit: int) -> int:
    """Seconds of pause after this many failures: none below the limit, then doubling up to the window."""
    if failures < limit:
        return 0
    return min(settings.LOGIN_PAUSE_SECONDS * 2 ** min(failures - limit, 20), settings.LOGIN_FAILURE_WINDOW_SECONDS)


@dataclass(frozen=True)
class Attempt:
    """A sign-in as `username` from `address`."""

    username: str
    address: str

    @property
    def account_key(self) -> str:
        return f"sign-in:{_digest(self.username.strip().lower())}"

    def _counts(self) -> list[tuple[str, int]]:
        """Each count's cache key and its limit: this address for this username, and every address."""
        return [
            (f"{self.account_key}:{_digest(self.address)}", settings.LOGIN_FAILURE_LIMIT),
            (self.account_key, settings.LOGIN_ACCOUNT_FAILURE_LIMIT),
        ]

    def pause_remaining(self) -> int:
        """Whole seconds until this username may try again from this address (0: it may now)."""
        ends = cache.get_many([f"{key}:paused-until" for key, _ in self._counts()]).values()
        return max([0, *(math.ceil(end - time.time()) for end in ends)])

    def failed(self) -> int:
        """Count a failure; the pause it starts, in seconds (0 while under both limits)."""
        longest = 0
        for key, limit in self._counts():
            failures = _count_failure(key)
            pause = pause_after(failures, limit)
            if pause:
                cache.set(f"{key}:paused-until", time.time() + pause, timeout=pause)
                cache.touch(key, pause + settings.LOGIN_FAILURE_WINDOW_SECONDS)  # the count outlives the pause
                longest = max(longest, pause)
        return longest

    def succeeded(self) -> None:
        cache.delete_many([key for key, _ in self._counts()])
