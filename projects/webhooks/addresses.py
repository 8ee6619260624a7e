"""Where a webhook may be sent: the guard against server-side request forgery.

The host is resolved once, when a request is about to be sent, and refused if any of its addresses
is not a public one; the request then goes to that vetted address (with the name kept for the Host
header and TLS), so a DNS answer that changes between the check and the connection (rebinding)
cannot redirect it. Only the ports 443, 80 and 8443 are allowed, and https only when
`WEBHOOK_REQUIRE_HTTPS` is on (the default whenever DEBUG is off). `WEBHOOK_ALLOW_PRIVATE_NETWORKS`
lets development and tests reach loopback and private addresses; link-local (cloud metadata),
multicast, reserved and unspecified addresses stay refused whatever it says.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from projects.webhooks.reasons import refusal_text

ALLOWED_PORTS = frozenset({443, 80, 8443})
DEFAULT_PORTS = {"https": 443, "http": 80}
# "This network": 0.0.0.0 reaches the local host on Linux, and so may its neighbours.
THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[..., list]


class Refused(Exception):
    """The URL may not be sent to: a code from `reasons.REFUSALS` and its data; `str()` says why in the
    active language, and the worker stores the code and data so each reader of the log gets their own."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        return refusal_text(self.code, self.params)


@dataclass(frozen=True)
class Target:
    """A vetted destination: connect to `ip`, and name `host` in the Host header and for TLS."""

    scheme: str
    host: str
    port: int
    path: str
    ip: str

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"


@dataclass(frozen=True)
class Location:
    scheme: str
    host: str
    port: int
    path: str


def parse(url: str) -> Location:
    """Check the URL's form: scheme, host, port; no credentials in it."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise Refused("invalid_url", error=str(exc)) from None
    allowed_schemes = ("https",) if settings.WEBHOOK_REQUIRE_HTTPS else ("https", "http")
    if parts.scheme not in allowed_schemes:
        raise Refused("scheme", schemes=list(allowed_schemes))
    if not parts.hostname:
        raise Refused("no_host")
    if parts.username is not None or parts.password is not None:
        raise Refused("credentials")
    port = port or DEFAULT_PORTS[parts.scheme]
    if port not in ALLOWED_PORTS:
        raise Refused("port", port=port)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Location(parts.scheme, parts.hostname, port, path)


def forbidden(ip: Address) -> str | None:
    """Which kind of address (a key of `reasons.ADDRESS_KINDS`) may not be a webhook's destination, or None."""
    embedded = getattr(ip, "ipv4_mapped", None) or getattr(ip, "sixtofour", None)
    if embedded is not None:
        return forbidden(embedded)
    teredo = getattr(ip, "teredo", None)
    if teredo is not None:
        return forbidden(teredo[0]) or forbidden(teredo[1])
    if ip.is_loopback:
        return None if settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS else "loopback"
    for kind, applies in (
        ("unspecified", ip.is_unspecified or ip in THIS_NETWORK),
        ("link_local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),
    ):
        if applies:
            return kind
    if settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS or (ip.is_global and not ip.is_private):
        return None
    return "private"


def addresses(host: str, port: int, resolve: Resolver = socket.getaddrinfo) -> list[Address]:
    """Every address the host resolves to (an address literal is its own)."""
    answers = resolve(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(ipaddress.ip_address(answer[4][0]) for answer in answers))


def refuse_forbidden(host: str, found: list[Address]) -> None:
    for ip in found:
        kind = forbidden(ip)
        if kind is not None:
            raise Refused("forbidden_address", host=host, ip=str(ip), kind=kind)


def vet(url: str, resolve: Resolver = socket.getaddrinfo) -> Target:
    """Resolve the URL's host now and return where to connect; refuse if any of its addresses is forbidden."""
    location = parse(url)
    try:
        found = addresses(location.host, location.port, resolve)
    except (OSError, UnicodeError) as exc:
        raise Refused("unresolvable", host=location.host, error=str(exc)) from None
    if not found:
        raise Refused("no_address", host=location.host)
    refuse_forbidden(location.host, found)
    return Target(location.scheme, location.host, location.port, location.path, str(found[0]))


def check_subscription(url: str, resolve: Resolver = socket.getaddrinfo) -> None:
    """At subscription time: the URL's form, and its host's addresses if it resolves already.

    A host that does not resolve yet is accepted (its DNS may come later); it is vetted at every send.
    """
    location = parse(url)
    try:
        found = addresses(location.host, location.port, resolve)
    except (OSError, UnicodeError):
        return
    refuse_forbidden(location.host, found)
