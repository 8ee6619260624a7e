"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

import logging

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tracker.celery import app as celery_app

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    """The process is up and serving; nothing else is checked, so a dependency outage does not restart it."""
    return JsonResponse({"status": "ok"})


def database_reachable() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure means not ready; the message says which
        return f"{type(exc).__name__}: {exc}"
    return None


def broker_reachable() -> str | None:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # any failure means not ready; the message says which
        return f"{type(exc).__name__}: {exc}"
    return None


@never_cache
@require_GET
def readyz(request):
    """Ready when the database and the Celery broker answer; 503 says which is down."""
    checks = {}
    for name, check in CHECKS.items():
        error = check()
        if error is not None:
            logger.warning("readiness: %s is down: %s", name, error)  # details stay out of the public body
        checks[name] = "ok" if error is None else "down"
    ready = all(state == "ok" for state in checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)


CHECKS = {"database": database_reachable, "broker": broker_reachable}
