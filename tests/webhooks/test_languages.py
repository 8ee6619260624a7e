"""What webhooks tell people is in each reader's language: the delivery log's and the endpoint's reasons
(stored as codes) in the API's Accept-Language and in the admin."""

from __future__ import annotations

from django.urls import reverse

from projects.actors import Actor
from projects.webhooks.choices import DisabledWhy
from projects.webhooks.delivery import disable
from projects.webhooks.models import DeliveryAttempt, Endpoint
from projects.webhooks.services import disable_endpoint, update_endpoint
from tests.api.conftest import bearer
from tests.webhooks.conftest import subscribed, token

UK = {"HTTP_ACCEPT_LANGUAGE": "uk-UA,uk;q=0.9,en;q=0.5"}
UNREACHABLE = "http://127.0.0.9:8443/hook"


def disabled_for_failing(endpoint: Endpoint) -> Endpoint:
    disable(endpoint.pk, DisabledWhy.FAILING, tell_owner=False)
    return Endpoint.objects.get(pk=endpoint.pk)


def test_the_delivery_log_and_the_endpoint_say_why_in_the_callers_language(alpha, change):
    endpoint, _ = subscribed(alpha.organization, UNREACHABLE)
    change(alpha.milestone)
    api = bearer(token(organization=alpha.organization))
    deliveries = reverse("api-webhook-deliveries", args=[endpoint.pk])

    english = api.get(deliveries).json()["results"][0]["attempts"][0]
    ukrainian = api.get(deliveries, **UK).json()["results"][0]["attempts"][0]

    assert english["error_code"] == ukrainian["error_code"] == "no_answer"
    assert english["error"].startswith("No answer: NewConnectionError: ")
    assert ukrainian["error"].startswith("Відповіді немає: NewConnectionError: ")
    assert ukrainian["error"].removeprefix("Відповіді немає: ") == english["error"].removeprefix("No answer: ")
    assert DeliveryAttempt.objects.filter(error_code="no_answer").count() == 4  # the first try and 3 retries

    api.patch(reverse("api-webhook", args=[endpoint.pk]), {"active": False}, format="json")
    english = api.get(reverse("api-webhook", args=[endpoint.pk])).json()
    ukrainian = api.get(reverse("api-webhook", args=[endpoint.pk]), **UK).json()
    assert english["disabled_code"] == ukrainian["disabled_code"] == "switched_off"
    assert english["disabled_reason"] == "Disabled by Alpha Dynamics."
    assert ukrainian["disabled_reason"] == "Вимкнув(-ла) Alpha Dynamics."
    update_endpoint(actor=Actor(organization=alpha.organization), endpoint_id=endpoint.pk, active=True)
    assert api.get(reverse("api-webhook", args=[endpoint.pk])).json()["disabled_code"] == ""


def test_a_reason_given_when_switching_off_is_kept_as_written(alpha):
    endpoint, _ = subscribed(alpha.organization, UNREACHABLE)
    disable_endpoint(actor=Actor(organization=alpha.organization), endpoint_id=endpoint.pk, reason="ERP міграція")
    api = bearer(token(organization=alpha.organization))
    for language in ({}, UK):
        shown = api.get(reverse("api-webhook", args=[endpoint.pk]), **language).json()
        assert (shown["disabled_code"], shown["disabled_reason"]) == ("stated", "ERP міграція")


def test_the_admin_shows_why_in_the_readers_language(admin_client, alpha, change):
    endpoint, _ = subscribed(alpha.organization, UNREACHABLE)
    change(alpha.milestone)
    disabled_for_failing(endpoint)
    delivery = endpoint.deliveries.get()

    attempts = admin_client.get(reverse("admin:webhooks_delivery_change", args=[delivery.pk]), **UK).content.decode()
    endpoint_page = admin_client.get(reverse("admin:webhooks_endpoint_change", args=[endpoint.pk]), **UK)

    assert "Чому відповіді немає" in attempts and "Відповіді немає: NewConnectionError" in attempts
    assert "Усі надсилання кілька днів поспіль були невдалими" in endpoint_page.content.decode()
