"""The API's own periodic job, found by Celery's autodiscovery of each app's `tasks` module."""

from __future__ import annotations

from celery import shared_task

from projects.api.idempotency import purge_expired


@shared_task(acks_late=True)
def purge_idempotency_keys() -> int:
    """Beat, hourly: forget API idempotency keys past their 24 hours (a token's own go as it posts, too)."""
    return purge_expired()
