"""A real HTTP receiver for webhook tests: a server thread on a loopback address, port 8443.

It records every request it gets and answers from a script: a status code, optionally after a delay
(longer than the sender's time limit, to make it time out), or a redirect.
"""

from __future__ import annotations

import errno
import random
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = 8443  # one of the ports webhooks may use


@dataclass(frozen=True)
class Request:
    headers: dict[str, str]
    body: bytes
    path: str


@dataclass
class Reply:
    status: int = 200
    delay: float = 0.0
    body: bytes = b"ok"
    headers: dict[str, str] = field(default_factory=dict)


class Receiver:
    """`script` answers the first requests in turn; after it runs out every request gets `default`."""

    def __init__(self):
        self.requests: list[Request] = []
        self.script: list[Reply] = []
        self.default = Reply()
        self.lock = threading.Lock()
        self.server = bind(self)
        self.host = self.server.server_address[0]
        self.url = f"http://{self.host}:{PORT}/hooks/tracker"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def next_reply(self) -> Reply:
        with self.lock:
            return self.script.pop(0) if self.script else self.default

    def got(self, request: Request) -> None:
        with self.lock:
            self.requests.append(request)

    def wait_for(self, count: int, timeout: float = 20) -> list[Request]:
        deadline = time.monotonic() + timeout
        while len(self.requests) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        with self.lock:
            return list(self.requests)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def restart(self) -> None:
        """Come back on the same address after `stop`."""
        self.server = bind(self, self.host)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()


def bind(receiver: Receiver, host: str | None = None) -> ThreadingHTTPServer:
    """Listen on 127.0.0.N:8443, with N chosen at random so concurrent test runs do not collide."""
    for _ in range(50):
        address = host or f"127.0.{random.randint(1, 254)}.{random.randint(2, 254)}"
        try:
            server = ThreadingHTTPServer((address, PORT), handler_for(receiver))
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE or host:
                raise
            continue
        server.daemon_threads = True
        return server
    raise RuntimeError("no free loopback address for the receiver")


def handler_for(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            receiver.got(Request({k.lower(): v for k, v in self.headers.items()}, body, self.path))
            reply = receiver.next_reply()
            if reply.delay:
                time.sleep(reply.delay)
            try:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
            except OSError:  # the sender gave up waiting and closed the connection
                pass

        def log_message(self, format, *args):
            pass

    return Handler
