"""Per-token throttling with Retry-After, and the health probes."""

from __future__ import annotations

import os

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.api.conftest import bearer
from tests.brokers import celery_configured
from tests.conftest import IN_CI


@pytest.fixture
def three_a_minute(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api": "3/minute"}}


def test_a_token_over_its_limit_gets_429_with_retry_after_and_others_are_unaffected(three_a_minute, alpha, token_for):
    busy, quiet = bearer(token_for(organization=alpha.organization)), bearer(token_for(organization=alpha.organization))
    assert [busy.get(reverse("api-agreements")).status_code for _ in range(3)] == [200, 200, 200]

    refused = busy.get(reverse("api-agreements"))
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "throttled"
    assert quiet.get(reverse("api-agreements")).status_code == 200


def test_healthz_answers_without_credentials(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_checks_the_database_and_a_real_broker(db, client):
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        if IN_CI:
            pytest.fail("CI must provide TEST_REDIS_URL for the readiness check against a real broker.")
        pytest.skip("set TEST_REDIS_URL=redis://… to check readiness against a real broker")
    with celery_configured(broker_url=url):
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


def test_readyz_is_503_when_the_broker_is_down(db, client):
    with celery_configured(broker_url="redis://127.0.0.1:1/0"):  # nothing listens on port 1
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "broker": "down"}


def test_invalid_tokens_are_throttled_per_client_address_and_a_valid_token_still_works(settings, alpha, token_for):
    settings.API_INVALID_TOKEN_RATE = "3/minute"
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    url = reverse("api-agreements")
    valid = token_for(organization=alpha.organization)

    def get(token: str, **addresses):
        return APIClient(HTTP_AUTHORIZATION=f"Bearer {token}", **addresses).get(url)

    guesses = [get(f"cpt_guess{number}", REMOTE_ADDR="203.0.113.9") for number in range(4)]
    assert [response.status_code for response in guesses] == [401, 401, 401, 429]
    assert 0 < int(guesses[-1]["Retry-After"]) <= 60
    assert guesses[-1]["Content-Type"] == "application/problem+json" and guesses[-1].json()["code"] == "throttled"
    # Naming another address in X-Forwarded-For buys nothing from a peer that is not a trusted proxy.
    assert get("cpt_guess", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    assert get(valid, REMOTE_ADDR="203.0.113.9").status_code == 200
    # Other clients keep their own budget, behind the trusted proxy too.
    assert get("cpt_guess", REMOTE_ADDR="198.51.100.7").status_code == 401
    assert get("cpt_guess", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 401


def test_requests_without_credentials_cannot_dodge_the_throttle_with_a_forged_forwarded_for(three_a_minute, db):
    statuses = [
        APIClient(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
        .get(reverse("api-schema"))
        .status_code
        for number in range(4)
    ]

    assert statuses == [200, 200, 200, 429]
