"""A real SMTP server for tests (aiosmtpd in a thread): it keeps what it accepts and counts connections."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller


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
            self.connections = 0
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

    def wait_for(self, count: int, timeout: float, worker) -> list[EmailMessage]:
        """The messages once `count` have arrived; fails with the worker's log if they do not in time."""
        deadline = time.monotonic() + timeout
        while self.count() < count and time.monotonic() < deadline:
            time.sleep(0.1)
        if self.count() < count:
            pytest.fail(f"{self.count()} of {count} messages arrived in {timeout}s. Worker log:\n{worker.log_tail()}")
        return list(self.messages)


class CountingController(Controller):
    """The server builds one protocol instance per connection: count them."""

    def factory(self):
        with self.handler.lock:
            self.handler.connections += 1
        return super().factory()


@contextmanager
def mail_server() -> Iterator[tuple[MailSink, int]]:
    """(sink, port) of an SMTP server running for the block."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command at INFO
    sink = MailSink()
    controller = CountingController(sink, hostname="127.0.0.1", port=free_port(), server_hostname="tracker.test")
    controller.start()
    sink.reset()  # the controller's own readiness check connected once
    try:
        yield sink, controller.port
    finally:
        controller.stop()
