"""What webhooks tell people is in each reader's language: the disabled notice per recipient, and the
delivery log's and the endpoint's reasons (stored as codes) in the API's Accept-Language and the admin."""

from __future__ import annotations

import socket

import pytest
from django.core import mail
from django.urls import reverse

from projects.actors import Actor
from projects.notifications.emails import site_domain
from projects.webhooks.choices import DisabledWhy
from projects.webhooks.delivery import disable
from projects.webhooks.models import DeliveryAttempt, Endpoint
from projects.webhooks.notices import tell_owner_disabled
from projects.webhooks.services import disable_endpoint, subscribe, update_endpoint
from tests.api.conftest import bearer
from tests.notifications.factories import ContactFactory, RecipientFactory
from tests.webhooks.conftest import subscribed, token

UK = {"HTTP_ACCEPT_LANGUAGE": "uk-UA,uk;q=0.9,en;q=0.5"}
UNREACHABLE = "http://127.0.0.9:8443/hook"


def disabled_for_failing(endpoint: Endpoint) -> Endpoint:
    disable(endpoint.pk, DisabledWhy.FAILING, tell_owner=False)
    return Endpoint.objects.get(pk=endpoint.pk)


def message_id(endpoint: Endpoint, language: str) -> str:
    return f"<webhook-disabled-{endpoint.pk}-{endpoint.disabled_at:%Y%m%d%H%M%S}-{language}@{site_domain()}>"


def test_the_disabled_notice_reaches_each_contact_in_their_language_once(alpha):
    for name, email, language in [
        ("Олена Коваль", "olena@alpha.example", "uk"),
        ("John Smith", "john@alpha.example", "en-gb"),
        ("Петро Шевчук", "petro@alpha.example", "uk"),
    ]:
        ContactFactory(organization=alpha.organization, name=name, email=email, recipient__language=language)
    endpoint = disabled_for_failing(subscribed(alpha.organization, UNREACHABLE)[0])

    assert tell_owner_disabled(endpoint.pk) == "told"

    english, ukrainian = sorted(mail.outbox, key=lambda message: message.subject)
    assert english.to == ["John Smith <john@alpha.example>"]
    assert english.subject == f"Webhook endpoint disabled: {UNREACHABLE}"
    assert english.body.startswith("Your webhook endpoint has been disabled.")
    assert "Why:" in english.body and "Every delivery failed for days; fix the receiver" in english.body
    assert ukrainian.to == ["Олена Коваль <olena@alpha.example>", "Петро Шевчук <petro@alpha.example>"]
    assert ukrainian.subject == f"Кінцеву точку вебхука вимкнено: {UNREACHABLE}"
    assert ukrainian.body.startswith("Вашу кінцеву точку вебхука вимкнено.")
    assert "Причина:" in ukrainian.body
    assert "Усі надсилання кілька днів поспіль були невдалими; виправте приймач" in ukrainian.body
    assert f"GET /api/v1/webhooks/{endpoint.pk}/deliveries/" in ukrainian.body
    assert "Every" not in ukrainian.body and "Why" not in ukrainian.body
    assert english.extra_headers["Message-ID"] == message_id(endpoint, "en-gb")
    assert ukrainian.extra_headers["Message-ID"] == message_id(endpoint, "uk")
    assert tell_owner_disabled(endpoint.pk) == "nothing to tell" and len(mail.outbox) == 2


def test_a_notice_that_could_not_be_sent_is_sent_on_the_retry_with_the_same_message_ids(alpha, settings):
    ContactFactory(organization=alpha.organization, email="olena@alpha.example", recipient__language="uk")
    ContactFactory(organization=alpha.organization, email="john@alpha.example", recipient__language="")
    endpoint = disabled_for_failing(subscribed(alpha.organization, UNREACHABLE)[0])
    with socket.socket() as sock:  # an SMTP address nothing listens on
        sock.bind(("127.0.0.1", 0))
        settings.EMAIL_HOST, settings.EMAIL_PORT = sock.getsockname()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

    with pytest.raises(ConnectionRefusedError):
        tell_owner_disabled(endpoint.pk)
    assert Endpoint.objects.get(pk=endpoint.pk).owner_told_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert tell_owner_disabled(endpoint.pk) == "told"
    ids = sorted(message.extra_headers["Message-ID"] for message in mail.outbox)
    assert ids == [message_id(endpoint, "en-gb"), message_id(endpoint, "uk")]  # no language chosen: English


def test_a_programme_managers_endpoint_is_announced_in_their_language(staff_user):
    RecipientFactory(user=staff_user, language="uk")
    endpoint, _ = subscribe(actor=Actor(user=staff_user), url=UNREACHABLE, events=["milestone.updated"])

    tell_owner_disabled(disabled_for_failing(endpoint).pk)

    (notice,) = mail.outbox
    assert notice.to == [staff_user.email]
    assert notice.subject.startswith("Кінцеву точку вебхука вимкнено: ")


def test_the_delivery_log_and_the_endpoint_say_why_in_the_callers_language(alpha, change):
    endpoint, _ = subscribed(alpha.organization, UNREACHABLE)
    change(alpha.milestone)
    api = bearer(token(organization=alpha.organization))
    deliveries = reverse("api-webhook-deliveries", args=[endpoint.pk])

    english = api.get(deliveries).json()["results"][0]["attempts"][0]
    answer = api.get(deliveries, **UK)
    ukrainian = answer.json()["results"][0]["attempts"][0]

    assert answer["Content-Language"] == "uk" and "Accept-Language" in answer["Vary"]

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
    assert "Не вдалося" in attempts  # the delivery's state
    assert "Усі надсилання кілька днів поспіль були невдалими" in endpoint_page.content.decode()
    assert "Змінилися план або хід виконання етапу" in endpoint_page.content.decode()  # an event type


def test_the_webhook_admin_pages_speak_ukrainian(admin_client, alpha, change, django_capture_on_commit_callbacks):
    endpoint, _ = subscribed(alpha.organization, UNREACHABLE)
    change(alpha.milestone)
    changelist = reverse("admin:webhooks_endpoint_changelist")

    rotated = admin_client.post(changelist, {"action": "rotate_secret", "_selected_action": [endpoint.pk]}, **UK)
    with django_capture_on_commit_callbacks():
        replayed = admin_client.post(
            reverse("admin:webhooks_delivery_changelist"),
            {"action": "replay", "_selected_action": [endpoint.deliveries.get().pk]},
            follow=True,
            **UK,
        )

    assert "Скопіюйте його зараз" in rotated.content.decode() and "Copy it now" not in rotated.content.decode()
    assert "1 надсилання знову поставлено в чергу." in replayed.content.decode()
