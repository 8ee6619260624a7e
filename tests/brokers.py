"""Pointing this test process's Celery app at another broker for one test."""

from collections.abc import Iterator
from contextlib import contextmanager

from tracker.celery import app as celery_app


def reset_connections() -> None:
    """Forget the app's pooled connections, so the next publish connects to the configured broker.

    Not closed: kombu keeps producer pools in a global registry, and a closed one would be handed out again.
    """
    celery_app._after_fork()  # Celery's own reset of its connection and producer pools


@contextmanager
def celery_configured(**conf) -> Iterator[None]:
    saved = {key: celery_app.conf[key] for key in conf}
    celery_app.conf.update(conf)
    reset_connections()
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        reset_connections()
