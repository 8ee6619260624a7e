"""A local SMTP server (aiosmtpd) in a process of its own, and the floor of sending its messages again.

In its own process the server does not take the sender's CPU time (the GIL), as a real mail server
would not: start it before the database connection opens, so that the forked process holds none.
"""

from __future__ import annotations

import multiprocessing
import smtplib
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

from aiosmtpd.controller import Controller
from django.conf import settings

# What the server keeps of a message: the envelope's sender and recipients, and the bytes received.
Message = tuple[str, list[str], bytes]


class Sink:
    """An aiosmtpd handler that keeps each accepted message and counts the connections made."""

    def __init__(self):
        self.messages: list[Message] = []
        self.connections = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"


class CountingController(Controller):
    """Counts SMTP connections: the server builds one protocol instance per connection."""

    def factory(self):
        self.handler.connections += 1
        return super().factory()


def serve(port: int, pipe) -> None:
    """The server's process: answers each "take" with what it received since the last one."""
    sink = Sink()
    server = CountingController(sink, hostname=MailSink.host, port=port, server_hostname="bench.localhost")
    server.start()
    sink.connections = 0  # the controller's own readiness check
    pipe.send("ready")
    while pipe.recv() != "stop":
        time.sleep(0.2)  # let the last message's DATA finish
        pipe.send((sink.connections, sink.messages))
        sink.connections, sink.messages = 0, []
    server.stop()


class MailSink:
    """Runs on 127.0.0.1, in a forked process, while the `with` block lasts."""

    host = "127.0.0.1"

    def __init__(self):
        with socket.socket() as probe:
            probe.bind((self.host, 0))
            self.port = probe.getsockname()[1]
        self.pipe, child = multiprocessing.Pipe()
        self.process = multiprocessing.get_context("fork").Process(target=serve, args=(self.port, child), daemon=True)

    def __enter__(self) -> MailSink:
        self.process.start()
        if self.pipe.recv() != "ready":
            raise RuntimeError("The SMTP server did not start.")
        return self

    def __exit__(self, *exc) -> None:
        self.pipe.send("stop")
        self.process.join(10)

    def take(self) -> tuple[int, list[Message]]:
        """(SMTP connections, messages) received since the last call; the sink starts empty again."""
        self.pipe.send("take")
        return self.pipe.recv()

    def serve_django(self) -> None:
        """Point Django's SMTP backend at this server: plain SMTP, no login."""
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = self.host, self.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""

    def measure(self, send: Callable[[], object]) -> Sending:
        """Run `send`, which mails through this server, then send what arrived again over one reused SMTP
        connection (the floor): the seconds and this process's CPU seconds of each (the server's are not)."""
        started, cpu = time.perf_counter(), time.process_time()
        result = send()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        connections, messages = self.take()
        started, floor_cpu = time.perf_counter(), time.process_time()
        with smtplib.SMTP(self.host, self.port) as smtp:
            for sender, recipients, content in messages:
                smtp.sendmail(sender, recipients, content)
        floor, floor_cpu = time.perf_counter() - started, time.process_time() - floor_cpu
        self.take()
        return Sending(result, messages, connections, seconds, cpu, floor, floor_cpu)


@dataclass(frozen=True)
class Sending:
    """What `send` returned and mailed, over how many connections, and the seconds it and its floor took."""

    result: object
    messages: list[Message]
    connections: int
    seconds: float
    cpu: float
    floor: float
    floor_cpu: float
