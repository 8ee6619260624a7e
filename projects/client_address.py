"""The client's address, believing `X-Forwarded-For` only when it was written by a proxy we trust."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str | Network, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in trusted)


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request) -> str:
    """Walk back from the peer through trusted proxies; the first address not ours is the client.

    Anyone can send `X-Forwarded-For`, so it counts only when the peer is a trusted proxy, and only
    the entries appended by trusted proxies are skipped (a forged entry further left is never reached).
    """
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    address = request.META.get("REMOTE_ADDR", "")
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    while forwarded and _is_trusted(address, networks):
        address = forwarded.pop()
    return address
