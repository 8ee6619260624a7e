"""No server-side request forgery: every non-public address class is refused, by literal or through DNS, at
subscription and at send time; the request goes to the vetted address; only allowed ports and schemes."""

from __future__ import annotations

import socket

import pytest
from django.utils import translation

from projects.actors import Actor
from projects.errors import DomainError
from projects.services import milestones
from projects.webhooks.addresses import Refused, check_subscription, vet
from projects.webhooks.models import DeliveryAttempt
from projects.webhooks.sending import post
from projects.webhooks.services import subscribe
from projects.webhooks.tasks import deliver
from tests.webhooks.conftest import subscribed

FORBIDDEN = [
    ("http://127.0.0.1/", "127.0.0.1, a loopback address"),
    ("http://10.1.2.3/", "10.1.2.3, a private address"),
    ("http://172.16.5.4/", "172.16.5.4, a private address"),
    ("http://192.168.0.10/", "192.168.0.10, a private address"),
    ("http://100.64.0.1/", "100.64.0.1, a private address"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254, a link-local"),
    ("http://224.0.0.251/", "224.0.0.251, a multicast address"),
    ("http://240.0.0.1/", "240.0.0.1, a reserved address"),
    ("http://0.0.0.0/", "0.0.0.0, a unspecified address"),
    ("http://[::1]/", "::1, a loopback address"),
    ("http://[::]/", ":: resolves to ::, a unspecified address"),
    ("http://[fe80::1]/", "fe80::1, a link-local"),
    ("http://[fd12:3456::1]/", "fd12:3456::1, a private address"),
    ("http://[ff02::1]/", "ff02::1, a multicast address"),
    ("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1 resolves to ::ffff:7f00:1, a loopback address"),
    ("http://[::ffff:169.254.169.254]/", "a link-local"),
    ("http://[::ffff:10.0.0.1]/", "a private address"),
    ("http://2130706433/", "127.0.0.1, a loopback address"),  # 127.0.0.1 written as one number
]


@pytest.fixture
def strict(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False


def resolver(answers: dict[str, list[str]]):
    """A DNS stand-in: each name resolves to the given addresses; it counts its lookups."""

    def resolve(host, port, type=0, **kwargs):
        resolve.lookups.append(host)
        return [(socket.AF_INET6 if ":" in ip else socket.AF_INET, type, 6, "", (ip, port)) for ip in answers[host]]

    resolve.lookups = []
    return resolve


@pytest.mark.parametrize(("url", "says"), FORBIDDEN)
def test_each_forbidden_address_class_is_refused_at_subscription(db, strict, partner, url, says):
    with pytest.raises(DomainError) as refused:
        subscribe(actor=partner, url=url, events=["milestone.updated"])
    assert refused.value.field == "url" and says in refused.value.message
    assert "webhooks go only to public addresses" in refused.value.message


def test_a_name_resolving_to_loopback_is_refused_at_subscription(db, strict, partner):
    with pytest.raises(DomainError, match=r"localhost resolves to 127\.0\.0\.1, a loopback address"):
        subscribe(actor=partner, url="http://localhost:8443/hook", events=["milestone.updated"])


def test_a_name_with_one_private_address_among_public_ones_is_refused(strict):
    dns = resolver({"ip6-localhost": ["::1"], "hooks.partner.example": ["93.184.216.34", "10.0.0.7"]})

    with pytest.raises(Refused, match="ip6-localhost resolves to ::1, a loopback address"):
        check_subscription("https://ip6-localhost/hook", resolve=dns)
    with pytest.raises(Refused, match="10.0.0.7, a private address"):
        vet("https://hooks.partner.example/hook", resolve=dns)


def test_a_public_address_is_accepted_and_an_unresolvable_name_waits_for_send_time(strict):
    dns = resolver({"hooks.partner.example": ["93.184.216.34", "2606:2800:220:1::"]})

    target = vet("https://hooks.partner.example/in?source=tracker", resolve=dns)

    assert (target.ip, target.port, target.path) == ("93.184.216.34", 443, "/in?source=tracker")
    check_subscription("https://hooks.not-yet-configured.invalid/hook")
    with pytest.raises(Refused, match="could not be resolved"):
        vet("https://hooks.not-yet-configured.invalid/hook")


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://hooks.partner.example:8080/", "Port 8080 is not allowed; use 443, 80 or 8443."),
        ("http://hooks.partner.example:22/", "Port 22 is not allowed"),
        ("ftp://hooks.partner.example/", "must start with https:// or http://"),
        ("http://user:secret@hooks.partner.example/", "may not carry a user name or password"),
        ("http:///no-host", "names no host"),
    ],
)
def test_only_the_web_ports_and_schemes_are_allowed(url, says):
    with pytest.raises(Refused, match=says):
        check_subscription(url, resolve=resolver({"hooks.partner.example": ["93.184.216.34"]}))


def test_https_is_required_in_production(settings):
    settings.WEBHOOK_REQUIRE_HTTPS = True

    with pytest.raises(Refused, match=r"must start with https://\."):
        check_subscription("http://hooks.partner.example/", resolve=resolver({"hooks.partner.example": []}))


def test_private_networks_allowed_for_development_still_refuse_metadata_and_multicast(settings):
    assert settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS
    check_subscription("http://127.0.0.1:8443/")
    check_subscription("http://10.0.0.5/")
    for url in ("http://169.254.169.254/", "http://[::ffff:169.254.169.254]/", "http://224.0.0.1/", "http://0.0.0.0/"):
        with pytest.raises(Refused):
            check_subscription(url)


def test_the_request_goes_to_the_vetted_address_without_resolving_again(receiver):
    """DNS rebinding: a second lookup could answer with another address; there is none."""
    dns = resolver({"hooks.partner.example": [receiver.host]})

    target = vet("http://hooks.partner.example:8443/hooks/tracker", resolve=dns)
    answer = post(target, {"webhook-id": "msg_1"}, b"{}")

    assert answer.status_code == 200 and dns.lookups == ["hooks.partner.example"]
    (request,) = receiver.requests
    assert request.headers["host"] == "hooks.partner.example:8443"


def test_a_host_that_turns_private_after_subscribing_fails_the_delivery(alpha, staff, settings, receiver):
    endpoint, _ = subscribed(alpha.organization, "http://localhost:8443/hook")
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False

    milestones.update_milestone(actor=staff, milestone_id=alpha.milestone.pk, title="Never sent")

    deliver.delay(endpoint.deliveries.get().pk)

    assert endpoint.deliveries.get().status == "failed"  # after the test schedule's retries
    stored = {"refusal": "forbidden_address", "params": {"host": "localhost", "ip": "127.0.0.1", "kind": "loopback"}}
    rows = set(DeliveryAttempt.objects.values_list("status_code", "succeeded", "error_code"))
    assert rows == {(None, False, "refused")}
    attempt = DeliveryAttempt.objects.first()
    assert attempt.error_detail == stored
    assert attempt.error == (
        "Refused: localhost resolves to 127.0.0.1, a loopback address; webhooks go only to public addresses."
    )
    with translation.override("uk"):
        assert attempt.error == (
            "Відмовлено: localhost відповідає адресі 127.0.0.1, яка є петлевою (loopback); "
            "вебхуки надсилаються лише на публічні адреси."
        )


def test_a_partner_subscribes_for_its_own_organisation_only(db, partner, bravo):
    url = "http://127.0.0.9:8443/"
    with pytest.raises(DomainError, match="its own organisation"):
        subscribe(actor=partner, url=url, events=["milestone.updated"], organization_id=bravo.organization.pk)
    endpoint, _ = subscribe(actor=Actor(organization=bravo.organization), url=url, events=["milestone.updated"])
    assert endpoint.organization == bravo.organization
