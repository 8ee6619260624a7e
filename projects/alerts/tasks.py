"""Celery task of alerts: beat runs the evaluation daily."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
    acks_late=True,
    reject_on_worker_lost=True,
)
def evaluate_alerts(day: str | None = None) -> dict[str, int]:
    """Beat, daily: evaluate every active rule for `day` (today by default); running it twice raises nothing new."""
    from projects.actors import Actor
    from projects.alerts.services import evaluate_alerts as evaluate

    outcome = evaluate(actor=Actor.system(), today=date.fromisoformat(day) if day else timezone.localdate())
    return asdict(outcome)
