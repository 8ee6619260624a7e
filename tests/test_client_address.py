"""The client address: X-Forwarded-For counts only when written by a trusted proxy."""

import pytest
from django.test import RequestFactory

from projects.client_address import client_address


def request_from(peer: str, forwarded: str | None = None):
    headers = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


@pytest.mark.parametrize(
    ("trusted", "peer", "forwarded", "client"),
    [
        ([], "203.0.113.9", None, "203.0.113.9"),
        ([], "203.0.113.9", "198.51.100.7", "203.0.113.9"),  # anyone may send the header: ignored
        (["10.0.0.1"], "10.0.0.1", "198.51.100.7", "198.51.100.7"),
        (["10.0.0.0/24"], "10.0.0.5", "198.51.100.7", "198.51.100.7"),
        (["10.0.0.1"], "10.0.0.2", "198.51.100.7", "10.0.0.2"),  # not our proxy
        (["10.0.0.1"], "10.0.0.1", "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # a forged hop further left
        (["10.0.0.1", "10.0.1.0/24"], "10.0.0.1", "6.6.6.6, 198.51.100.7, 10.0.1.3", "198.51.100.7"),
        (["10.0.0.1"], "10.0.0.1", "", "10.0.0.1"),
        (["10.0.0.1"], "10.0.0.1", "not-an-address", "not-an-address"),
        (["2001:db8::/32"], "2001:db8::1", "2001:db8:ffff::2, 2a00:1450::1", "2a00:1450::1"),
    ],
)
def test_forwarded_for_is_believed_only_from_trusted_proxies(settings, trusted, peer, forwarded, client):
    settings.TRUSTED_PROXIES = trusted

    assert client_address(request_from(peer, forwarded)) == client
