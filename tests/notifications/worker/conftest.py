"""A real Celery worker on the real Redis broker, sending into a real SMTP server (aiosmtpd) run by the tests.

The worker is a `celery -A tracker worker` subprocess on the test database (its data must be
committed, hence transactional tests). Without Redis these tests fail in CI and skip elsewhere.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.db import connection
from kombu import Connection

from tests.brokers import celery_configured
from tests.conftest import IN_CI
from tests.notifications.mail_server import mail_server
from tracker.celery import app as celery_app

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")
BASE_DIR = Path(__file__).resolve().parents[3]
# Short enough that tasks held by a killed worker come back within seconds, not the default hour.
TRANSPORT_OPTIONS = {"visibility_timeout": 5, "unacked_restore_interval": 1, "unacked_restore_throttle": 1}
# Small batches, so a few dozen messages keep every pool process busy and a kill lands mid-batch.
WORKER_BATCH_SIZE = 5


class Worker:
    """`celery -A tracker worker` in its own process group, so killing it takes its pool processes too."""

    def __init__(self, env: dict[str, str], log_path: Path):
        self.env, self.log_path, self.process = env, log_path, None

    def start(self) -> None:
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(  # noqa: S603  (our own command line)
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tracker",
                "worker",
                "--loglevel=INFO",
                "--concurrency=4",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"notify-test-{os.getpid()}@%h",
            ],
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if b" ready." in self.log_path.read_bytes()[offset:]:
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        pytest.fail(f"The Celery worker did not start. Log:\n{self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL the worker and its pool: no warm shutdown, unacknowledged tasks stay with the broker."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture(scope="session")
def redis_broker():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        message = f"Redis at {REDIS_URL} is not reachable ({exc}); delivery tests need a real broker."
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture(scope="session")
def mail_sink():
    with mail_server() as (sink, port):
        yield sink, port


def start_worker(broker_url: str, transport_options: dict, mail_port: int, log_dir: Path) -> Worker:
    """A worker on the test database (committed data), the given broker and the SMTP sink."""
    if connection.vendor != "postgresql":
        message = "Delivery tests need PostgreSQL (set DATABASE_URL=postgres://...)."
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": broker_url,
        "CELERY_BROKER_TRANSPORT_OPTIONS": json.dumps(transport_options),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_URL": f"smtp://127.0.0.1:{mail_port}",
        "NOTIFICATIONS_MAX_RETRIES": "20",
        "NOTIFICATIONS_RETRY_BACKOFF_MAX": "2",
        "NOTIFICATIONS_BATCH_SIZE": str(WORKER_BATCH_SIZE),
    }
    process = Worker(env, log_dir / "celery.log")
    process.start()
    return process


@pytest.fixture(scope="session")
def worker(django_db_setup, redis_broker, mail_sink, tmp_path_factory):
    process = start_worker(REDIS_URL, TRANSPORT_OPTIONS, mail_sink[1], tmp_path_factory.mktemp("worker"))
    yield process
    process.stop()


@pytest.fixture
def live(transactional_db, worker, mail_sink, redis_broker, settings):
    """Point this process's Celery app at the worker's broker, so `on_commit` enqueues reach it."""
    settings.NOTIFICATIONS_BATCH_SIZE = WORKER_BATCH_SIZE  # planning, here, cuts the batches
    sink, _ = mail_sink
    sink.reset()
    with celery_configured(broker_url=REDIS_URL, task_always_eager=False, broker_transport_options=TRANSPORT_OPTIONS):
        yield sink


@pytest.fixture(scope="session")
def rabbitmq_worker(django_db_setup, mail_sink, tmp_path_factory):
    """The same worker on RabbitMQ, with the task queue emptied of anything an earlier run left."""
    try:
        with Connection(RABBITMQ_URL, connect_timeout=3) as conn:
            conn.ensure_connection(max_retries=1)
    except Exception as exc:  # any failure to connect means the broker is missing
        message = f"RabbitMQ at {RABBITMQ_URL} is not reachable ({exc}); delivery tests need a real broker."
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    with celery_configured(broker_url=RABBITMQ_URL, broker_transport_options={}):
        celery_app.control.purge()
    process = start_worker(RABBITMQ_URL, {}, mail_sink[1], tmp_path_factory.mktemp("rabbitmq-worker"))
    yield process
    process.stop()


@pytest.fixture
def live_on_rabbitmq(transactional_db, rabbitmq_worker, mail_sink, settings):
    settings.NOTIFICATIONS_BATCH_SIZE = WORKER_BATCH_SIZE
    sink, _ = mail_sink
    sink.reset()
    with celery_configured(broker_url=RABBITMQ_URL, task_always_eager=False, broker_transport_options={}):
        yield sink
