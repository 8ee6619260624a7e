"""The webhooks API: a partner's write token manages its own endpoints (others' are 404), the secret is shown
once, the delivery log shows each attempt, replays keep the webhook-id; and the IATI export is scoped."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from lxml import etree
from standardwebhooks import Webhook

from projects.webhooks.models import Delivery, Endpoint, EndpointSecret
from tests.api.conftest import bearer
from tests.webhooks.conftest import subscribed, token
from tests.webhooks.receiver import Reply

SCHEMA = Path(__file__).resolve().parents[2] / "projects" / "iati" / "schema" / "2.03" / "iati-activities-schema.xsd"


@pytest.fixture
def alpha_api(alpha):
    return bearer(token(organization=alpha.organization))


def test_a_partner_subscribes_and_reads_the_secret_once(alpha_api, alpha, receiver):
    created = alpha_api.post(
        reverse("api-webhooks"),
        {"url": receiver.url, "events": ["milestone.updated", "disbursement.created"], "description": "ERP"},
        format="json",
    )

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["secret"] == EndpointSecret.objects.get().key and body["secret"].startswith("whsec_")
    assert (body["organization"]["id"], body["manager"], body["active"]) == (alpha.organization.pk, None, True)
    again = alpha_api.get(reverse("api-webhook", args=[body["id"]]))
    assert again.status_code == 200 and "secret" not in again.json() and again["ETag"]
    assert [e["id"] for e in alpha_api.get(reverse("api-webhooks")).json()["results"]] == [body["id"]]


def test_another_partners_endpoint_is_not_found_and_a_read_token_cannot_write(alpha, bravo, alpha_api, change):
    theirs, their_secret = subscribed(bravo.organization, "http://127.0.0.9:8443/bravo")
    mine, _ = subscribed(alpha.organization, "http://127.0.0.9:8443/alpha")
    reader = bearer(token(organization=alpha.organization, scope="read"))
    change(bravo.milestone)
    their_delivery = Delivery.objects.get(endpoint=theirs)

    for method, name, args, body in [
        ("get", "api-webhook", [theirs.pk], None),
        ("patch", "api-webhook", [theirs.pk], {"url": "http://127.0.0.9:8443/hijacked"}),
        ("delete", "api-webhook", [theirs.pk], None),
        ("post", "api-webhook-rotate-secret", [theirs.pk], None),
        ("get", "api-webhook-deliveries", [theirs.pk], None),
        ("post", "api-webhook-delivery-replay", [theirs.pk, their_delivery.pk], None),
        ("post", "api-webhook-replay", [theirs.pk], {"since": "2026-01-01T00:00:00Z"}),
    ]:
        response = getattr(alpha_api, method)(reverse(name, args=args), body, format="json")
        assert (response.status_code, response.json()["code"]) == (404, "not_found"), name
    theirs.refresh_from_db()
    assert (
        theirs.url == "http://127.0.0.9:8443/bravo" and EndpointSecret.objects.get(endpoint=theirs).key == their_secret
    )
    assert [e["id"] for e in reader.get(reverse("api-webhooks")).json()["results"]] == [mine.pk]
    refused = reader.patch(reverse("api-webhook", args=[mine.pk]), {"active": False}, format="json")
    assert refused.status_code == 403 and Endpoint.objects.get(pk=mine.pk).active


def test_programme_managers_manage_every_endpoint(alpha, bravo, staff_user):
    staff = bearer(token(user=staff_user))
    subscribed(alpha.organization, "http://127.0.0.9:8443/alpha")
    subscribed(bravo.organization, "http://127.0.0.9:8443/bravo")

    listed = staff.get(reverse("api-webhooks")).json()["results"]
    created = staff.post(
        reverse("api-webhooks"), {"url": "http://127.0.0.9:8443/office", "events": ["agreement.updated"]}, format="json"
    )

    assert len(listed) == 2 and created.status_code == 201
    assert (created.json()["manager"], created.json()["organization"]) == (staff_user.username, None)


def test_a_forbidden_address_is_a_400_naming_it(alpha_api, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False

    refused = alpha_api.post(
        reverse("api-webhooks"),
        {"url": "http://[::ffff:169.254.169.254]/", "events": ["agreement.updated"]},
        format="json",
    )

    assert refused.status_code == 400 and refused["Content-Type"] == "application/problem+json"
    assert "169.254.169.254" in refused.json()["errors"]["url"][0] and not Endpoint.objects.exists()


def test_a_private_address_is_refused_in_the_callers_language(alpha_api, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    body = {"url": "http://10.0.0.7/hooks", "events": ["agreement.updated"]}

    refused = alpha_api.post(reverse("api-webhooks"), body, format="json", HTTP_ACCEPT_LANGUAGE="uk")

    assert refused.status_code == 400 and refused["Content-Language"] == "uk"
    assert refused.json()["detail"] == (
        "10.0.0.7 відповідає адресі 10.0.0.7, яка є приватною; вебхуки надсилаються лише на публічні адреси."
    )
    assert refused.json()["code"] == "invalid" and list(refused.json()["errors"]) == ["url"]
    english = alpha_api.post(reverse("api-webhooks"), body, format="json")
    assert english.json()["detail"] == (
        "10.0.0.7 resolves to 10.0.0.7, a private address; webhooks go only to public addresses."
    )
    assert not Endpoint.objects.exists()


def test_the_delivery_log_shows_each_attempt_and_replays_keep_the_webhook_id(
    alpha, alpha_api, receiver, change, django_capture_on_commit_callbacks
):
    endpoint, secret = subscribed(alpha.organization, receiver.url)
    receiver.script = [Reply(503, body=b"busy " * 400)]
    change(alpha.milestone)

    (delivery,) = alpha_api.get(reverse("api-webhook-deliveries", args=[endpoint.pk])).json()["results"]
    assert (delivery["type"], delivery["status"], delivery["failures"]) == ("milestone.updated", "succeeded", 1)
    first, second = delivery["attempts"]
    assert (first["status_code"], first["succeeded"], len(first["response_body"])) == (503, False, 1024)
    assert (second["status_code"], second["succeeded"], second["response_body"]) == (200, True, "ok")
    assert all(isinstance(a["latency_ms"], int) for a in delivery["attempts"])

    with django_capture_on_commit_callbacks(execute=True):
        replayed = alpha_api.post(reverse("api-webhook-delivery-replay", args=[endpoint.pk, delivery["id"]]))
    with django_capture_on_commit_callbacks(execute=True):
        since = alpha_api.post(
            reverse("api-webhook-replay", args=[endpoint.pk]), {"since": delivery["occurred_at"]}, format="json"
        )
    assert replayed.status_code == 200 and since.json() == {"queued": 1}
    ids = [r.headers["webhook-id"] for r in receiver.requests]
    assert ids == [delivery["webhook_id"]] * 4
    assert all(Webhook(secret).verify(r.body, r.headers) for r in receiver.requests)


def test_rotating_returns_the_new_secret_and_both_sign_for_a_day(alpha, alpha_api, receiver, change):
    endpoint, old = subscribed(alpha.organization, receiver.url)

    rotated = alpha_api.post(reverse("api-webhook-rotate-secret", args=[endpoint.pk]))
    change(alpha.milestone)

    new = rotated.json()["secret"]
    (request,) = receiver.requests
    assert rotated.status_code == 200 and new != old
    assert Webhook(old).verify(request.body, request.headers) == Webhook(new).verify(request.body, request.headers)


def test_switching_an_endpoint_off_and_on_through_the_api(alpha, alpha_api, receiver, change):
    endpoint, _ = subscribed(alpha.organization, receiver.url)
    url = reverse("api-webhook", args=[endpoint.pk])

    assert alpha_api.patch(url, {"active": False}, format="json").json()["active"] is False
    change(alpha.milestone)
    assert receiver.requests == [] and not Delivery.objects.exists()
    assert alpha_api.patch(url, {"active": True}, format="json").json()["disabled_at"] is None
    change(alpha.milestone)
    assert len(receiver.requests) == 1
    assert alpha_api.delete(url).status_code == 204 and not Endpoint.objects.exists()


def test_the_delivery_log_runs_the_same_queries_for_few_or_many(alpha, alpha_api, change, django_assert_num_queries):
    endpoint, _ = subscribed(alpha.organization, "http://127.0.0.9:8443/unreachable")
    url = reverse("api-webhook-deliveries", args=[endpoint.pk])
    change(alpha.milestone)
    alpha_api.get(url)  # the token's first use is recorded once
    with django_assert_num_queries(4):  # token, endpoint, deliveries with their events, their attempts
        alpha_api.get(url)
    change(alpha.milestone, count=6)
    with django_assert_num_queries(4):
        assert len(alpha_api.get(url).json()["results"]) == 7


def test_the_iati_export_is_the_whole_portfolio_for_managers_and_a_partners_own_for_it(alpha, bravo, staff_user):
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    url = reverse("api-iati-activities")

    def references(client):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/xml"
        root = etree.fromstring(response.content)
        assert schema.validate(root), schema.error_log
        return sorted(i.text.rsplit("-UA-", 1)[-1] for i in root.iter("iati-identifier"))

    reader = bearer(token(organization=alpha.organization, scope="read"))
    assert references(reader) == [alpha.agreement.reference.removeprefix("UA-")]
    assert references(bearer(token(user=staff_user))) == sorted(
        a.reference.removeprefix("UA-") for a in (alpha.agreement, bravo.agreement)
    )
    anonymous = bearer("cpt_not-a-token").get(url)
    assert anonymous.status_code == 401 and anonymous["Content-Type"] == "application/problem+json"
