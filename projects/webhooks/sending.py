"""One signed POST to a vetted address, never following a redirect, within a time limit."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import urllib3
from django.conf import settings

from projects.webhooks.addresses import Refused, Target, vet
from projects.webhooks.choices import AttemptError
from projects.webhooks.models import RESPONSE_KEPT_BYTES, Delivery
from projects.webhooks.signing import signed_headers

USER_AGENT = "coproduction-tracker-webhooks/1.0"


@dataclass(frozen=True)
class Answer:
    """What came of one attempt: the receiver's status, latency and first bytes, or why nothing came.

    Why is a code (`AttemptError`) and its data, put into words when read (see `reasons`).
    """

    status_code: int | None = None
    latency_ms: int | None = None
    body: str = ""
    error_code: str = ""
    error_detail: dict = field(default_factory=dict)

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def send(delivery: Delivery, keys: list[str]) -> Answer:
    """Sign the event's body with every valid key and POST it to the endpoint's vetted address."""
    event = delivery.event
    body = event.body.encode()
    headers = {
        **signed_headers(event.message_id, int(time.time()), body, keys),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }
    try:
        target = vet(delivery.endpoint.url)
    except Refused as exc:
        return Answer(error_code=AttemptError.REFUSED, error_detail={"refusal": exc.code, "params": exc.params})
    return post(target, headers, body)


def post(target: Target, headers: dict[str, str], body: bytes) -> Answer:
    timeout = urllib3.Timeout(total=settings.WEBHOOK_TIMEOUT)
    if target.scheme == "https":
        # Connect to the vetted address, but check the certificate against the name and send it as SNI.
        pool = urllib3.HTTPSConnectionPool(
            target.ip,
            target.port,
            timeout=timeout,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            assert_hostname=target.host,
            server_hostname=target.host,
        )
    else:
        pool = urllib3.HTTPConnectionPool(target.ip, target.port, timeout=timeout, retries=False)
    started = time.monotonic()
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers={**headers, "host": target.host_header},
            redirect=False,
            retries=False,
            preload_content=False,
            assert_same_host=False,
        )
        latency_ms = round((time.monotonic() - started) * 1000)
        start = response.read(RESPONSE_KEPT_BYTES)
        response.release_conn()
    except urllib3.exceptions.HTTPError as exc:
        return Answer(
            latency_ms=round((time.monotonic() - started) * 1000),
            error_code=AttemptError.NO_ANSWER,
            error_detail={"error": describe(exc)},
        )
    finally:
        pool.close()
    return Answer(response.status, latency_ms, start.decode("utf-8", errors="replace"))


def describe(exc: Exception) -> str:
    """The innermost reason of a network failure, short enough for the log: technical data, kept as it came."""
    reason = getattr(exc, "reason", None) or exc
    return f"{type(reason).__name__}: {reason}"[:500]
