"""A local SMTP server (aiosmtpd) that keeps the envelopes it accepts, and the floor of sending them again."""

from __future__ import annotations

import smtplib
import socket
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope


class MailSink:
    """Runs on 127.0.0.1 in a thread while the `with` block lasts."""

    host = "127.0.0.1"

    def __init__(self):
        self.lock = threading.Lock()
        self.envelopes: list[Envelope] = []
        with socket.socket() as sock:
            sock.bind((self.host, 0))
            self.port = sock.getsockname()[1]
        self.controller = Controller(self, hostname=self.host, port=self.port, server_hostname="bench.localhost")

    def __enter__(self) -> MailSink:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    async def handle_DATA(self, server, session, envelope: Envelope) -> str:
        with self.lock:
            self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def take(self) -> list[Envelope]:
        """What arrived so far; the sink starts empty again."""
        with self.lock:
            taken, self.envelopes = self.envelopes, []
        return taken

    def resend_over_one_connection(self, envelopes: list[Envelope]) -> float:
        """Seconds to send the same messages again over one reused SMTP connection."""
        started = time.perf_counter()
        with smtplib.SMTP(self.host, self.port) as smtp:
            for envelope in envelopes:
                smtp.sendmail(envelope.mail_from, envelope.rcpt_tos, envelope.original_content or envelope.content)
        elapsed = time.perf_counter() - started
        self.take()
        return elapsed
