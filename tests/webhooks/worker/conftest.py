"""A real Celery worker on the real Redis broker delivering webhooks to a receiver run by the tests.

Its broker keys carry a prefix of their own, so it shares the Redis database with the mail delivery
tests' worker without either taking the other's tasks.
"""

from __future__ import annotations

import json
import os

import pytest
import redis
from django.db import connection

from tests.brokers import celery_configured
from tests.conftest import IN_CI
from tests.notifications.worker.conftest import REDIS_URL, TRANSPORT_OPTIONS, Worker

WEBHOOK_TRANSPORT = {**TRANSPORT_OPTIONS, "global_keyprefix": "webhook-tests:"}
RETRY_SCHEDULE = "0.5,0.5,1,1,2,2,3"  # about ten seconds in all


def require(condition: bool, message: str) -> None:
    if not condition:
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def webhook_worker(django_db_setup, tmp_path_factory):
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError as exc:
        require(False, f"Redis at {REDIS_URL} is not reachable ({exc}); delivery tests need a real broker.")
    require(connection.vendor == "postgresql", "Delivery tests need PostgreSQL (set DATABASE_URL=postgres://...).")
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    env = {key: value for key, value in os.environ.items() if key != "EMAIL_URL"}
    env |= {
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_BROKER_TRANSPORT_OPTIONS": json.dumps(WEBHOOK_TRANSPORT),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "WEBHOOK_ALLOW_PRIVATE_NETWORKS": "true",
        "WEBHOOK_REQUIRE_HTTPS": "false",
        "WEBHOOK_RETRY_SCHEDULE": RETRY_SCHEDULE,
        "WEBHOOK_TIMEOUT": "2",
    }
    process = Worker(env, tmp_path_factory.mktemp("webhook-worker") / "celery.log")
    process.start()
    yield process
    process.stop()


@pytest.fixture
def live_webhooks(transactional_db, webhook_worker):
    """Point this process's Celery app at the worker's broker, so `on_commit` enqueues reach it."""
    with celery_configured(broker_url=REDIS_URL, task_always_eager=False, broker_transport_options=WEBHOOK_TRANSPORT):
        yield webhook_worker
