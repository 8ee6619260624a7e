"""A real Celery worker on the real Redis broker, sending into a real SMTP server (aiosmtpd) run by the tests.

The worker is a `celery -A tracker worker` subprocess on the test database (its data must be
committed, hence transactional tests). Without Redis these tests fail in CI and skip elsewhere.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from django.db import connection
from kombu import Connection

from tests.brokers import celery_configured
from tests.conftest import IN_CI
from tracker.celery import app as celery_app

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")
BASE_DIR = Path(__file__).resolve().parents[3]
# Short enough that tasks held by a killed worker come back within seconds, not the default hour.
TRANSPORT_OPTIONS = {"visibility_timeout": 5, "unacked_restore_interval": 1, "unacked_restore_throttle": 1}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MailSink:
    """An SMTP server that keeps what it accepts; it can refuse the next N recipients or answer slowly."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.messages: list[EmailMessage] = []
            self.refusals_left = 0
            self.refused = 0
            self.delay = 0.0
            self.holding = False
            self.held = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.delay:
            await asyncio.sleep(self.delay)  # slow before accepting: a sender killed here has sent nothing
        if self.holding:
            self.held += 1
            while self.holding:
                await asyncio.sleep(0.01)
            self.held -= 1
        with self.lock:
            if self.refusals_left > 0:
                self.refusals_left -= 1
                self.refused += 1
                return "451 4.3.0 Mail server busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def hold(self, senders: int, timeout: float = 10) -> None:
        """Keep new recipients waiting until `senders` connections are held: none of them is mid-delivery."""
        self.holding = True
        deadline = time.monotonic() + timeout
        while self.held < senders and time.monotonic() < deadline:
            time.sleep(0.01)
        assert self.held == senders, f"only {self.held} of {senders} senders reached the server"

    def release(self) -> None:
        self.holding = False

    def count(self) -> int:
        with self.lock:
            return len(self.messages)

    def wait_for(self, count: int, timeout: float, worker: Worker) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while self.count() < count and time.monotonic() < deadline:
            time.sleep(0.1)
        if self.count() < count:
            pytest.fail(f"{self.count()} of {count} messages arrived in {timeout}s. Worker log:\n{worker.log_tail()}")
        return list(self.messages)


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
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command at INFO
    sink = MailSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield sink, controller.port
    controller.stop()


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
def live(transactional_db, worker, mail_sink, redis_broker):
    """Point this process's Celery app at the worker's broker, so `on_commit` enqueues reach it."""
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
def live_on_rabbitmq(transactional_db, rabbitmq_worker, mail_sink):
    sink, _ = mail_sink
    sink.reset()
    with celery_configured(broker_url=RABBITMQ_URL, task_always_eager=False, broker_transport_options={}):
        yield sink
