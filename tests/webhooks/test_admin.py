"""Webhooks in the admin go through the services: the secret is shown once on an uncached page, rotation,
replays and refusals behave as through the API."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from standardwebhooks import Webhook

from projects.service_admin import ServiceAdmin
from projects.webhooks.models import Delivery, Endpoint, EndpointSecret
from tests.webhooks.conftest import subscribed


def url(model, view: str, *args) -> str:
    return reverse(f"admin:webhooks_{model._meta.model_name}_{view}", args=args)


def test_webhook_admins_write_through_the_services():
    assert isinstance(admin.site._registry[Endpoint], ServiceAdmin)
    assert isinstance(admin.site._registry[Delivery], ServiceAdmin)


def test_adding_an_endpoint_shows_its_secret_once_on_a_page_no_one_keeps(admin_client, alpha, receiver):
    response = admin_client.post(
        url(Endpoint, "add"),
        {
            "url": receiver.url,
            "events": ["milestone.updated"],
            "description": "ERP",
            "active": "on",
            "organization": alpha.organization.pk,
        },
    )

    endpoint = Endpoint.objects.get()
    secret = EndpointSecret.objects.get().key
    assert response.status_code == 200 and secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert (endpoint.organization, endpoint.events) == (alpha.organization, ["milestone.updated"])
    assert secret not in admin_client.get(url(Endpoint, "change", endpoint.pk)).content.decode()


def test_a_forbidden_url_is_refused_beside_the_field(admin_client, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False

    response = admin_client.post(
        url(Endpoint, "add"), {"url": "http://169.254.169.254/", "events": ["milestone.updated"]}
    )

    assert "a link-local (including cloud metadata services) address" in response.content.decode()
    assert not Endpoint.objects.exists()


def test_rotating_in_the_admin_shows_the_new_secret_and_both_sign(admin_client, alpha, receiver, change):
    endpoint, old = subscribed(alpha.organization, receiver.url)

    response = admin_client.post(
        url(Endpoint, "changelist"), {"action": "rotate_secret", "_selected_action": [endpoint.pk]}
    )
    new = EndpointSecret.objects.get(expires_at__isnull=True).key
    assert new != old and new in response.content.decode()

    change(alpha.milestone)
    (request,) = receiver.requests
    assert Webhook(old).verify(request.body, request.headers) == Webhook(new).verify(request.body, request.headers)


def test_replaying_in_the_admin_sends_again_with_the_same_id(
    admin_client,
    alpha,
    receiver,
    change,
    django_capture_on_commit_callbacks,
):
    endpoint, _ = subscribed(alpha.organization, receiver.url)
    change(alpha.milestone)
    delivery = Delivery.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url(Delivery, "changelist"), {"action": "replay", "_selected_action": [delivery.pk]})
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            url(Endpoint, "changelist"),
            {
                "action": "replay_since",
                "_selected_action": [endpoint.pk],
                "apply": "1",
                "since": delivery.event.occurred_at.strftime("%Y-%m-%d %H:%M:%S"),
            },
        )

    assert [r.headers["webhook-id"] for r in receiver.requests] == [delivery.event.message_id] * 3
    page = admin_client.get(url(Delivery, "change", delivery.pk)).content.decode()
    assert page.count("200") >= 3
