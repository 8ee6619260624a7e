"""Idempotency-Key as an API client relies on it: each key of each token replays its own first response."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import IntegrityError, connection
from django.urls import reverse
from rest_framework.test import APIClient

from projects.api.models import IdempotencyKey
from projects.models import Disbursement, StatusChange
from tests.api.conftest import bearer

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def pay(client, world, key, reference, amount="100.00"):
    body = {"commitment": world.commitment.pk, "amount": amount, "disbursed_on": "2026-01-20", "reference": reference}
    return client.post(reverse("api-disbursements"), body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_each_key_of_each_token_replays_its_own_first_response(alpha, token_for):
    """Two tokens share a key name and each has another key; a refused request in between releases only its own."""
    first, second = (bearer(token_for(organization=alpha.organization)) for _ in range(2))
    first_k = pay(first, alpha, "k", "PAY-A")
    second_k = pay(second, alpha, "k", "PAY-B")
    first_other = pay(first, alpha, "other", "PAY-C")
    refused = pay(second, alpha, "other", "PAY-D", amount="99999999.00")
    assert [r.status_code for r in (first_k, second_k, first_other, refused)] == [201, 201, 201, 409]

    replays = [pay(first, alpha, "k", "PAY-A"), pay(second, alpha, "k", "PAY-B"), pay(first, alpha, "other", "PAY-C")]

    assert [r.status_code for r in replays] == [201, 201, 201]
    assert [r.json()["reference"] for r in replays] == ["PAY-A", "PAY-B", "PAY-C"]
    assert [r.json()["id"] for r in replays] == [first_k.json()["id"], second_k.json()["id"], first_other.json()["id"]]
    assert all(r["Idempotent-Replayed"] == "true" for r in replays)
    assert sorted(Disbursement.objects.filter(reference__startswith="PAY-").values_list("reference", flat=True)) == [
        "PAY-A",
        "PAY-B",
        "PAY-C",
    ]


@pytest.mark.parametrize(("length", "status"), [(1, 201), (255, 201), (256, 400)])
def test_keys_are_1_to_255_characters(alpha, token_for, length, status):
    client = bearer(token_for(organization=alpha.organization))
    response = pay(client, alpha, "k" * length, "PAY-1")
    assert response.status_code == status
    assert Disbursement.objects.filter(reference="PAY-1").count() == (1 if status == 201 else 0)


@pytest.mark.parametrize("key", ["", " leading", "trailing ", "tab\tinside", "é-accented"])
def test_an_empty_or_unprintable_key_is_refused_and_writes_nothing(alpha, token_for, key):
    client = bearer(token_for(organization=alpha.organization))
    response = pay(client, alpha, key, "PAY-1")
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]
    assert not Disbursement.objects.filter(reference="PAY-1").exists() and not IdempotencyKey.objects.exists()


def test_a_key_with_inner_spaces_and_symbols_is_accepted(alpha, token_for):
    client = bearer(token_for(organization=alpha.organization))
    assert pay(client, alpha, "order 42/~!", "PAY-1").status_code == 201
    assert pay(client, alpha, "order 42/~!", "PAY-1")["Idempotent-Replayed"] == "true"


def test_a_key_replays_until_just_before_24_hours_and_is_forgotten_at_24_hours(alpha, token_for):
    client = bearer(token_for(organization=alpha.organization))
    with time_machine.travel(NOON, tick=False):
        assert pay(client, alpha, "daily", "PAY-1").status_code == 201
    with time_machine.travel(NOON + timedelta(hours=24) - timedelta(microseconds=1), tick=False):
        assert pay(client, alpha, "daily", "PAY-1")["Idempotent-Replayed"] == "true"
    assert Disbursement.objects.filter(reference="PAY-1").count() == 1
    with time_machine.travel(NOON + timedelta(hours=24), tick=False):
        again = pay(client, alpha, "daily", "PAY-1")
    # Forgotten: the request runs again, and the service refuses a second payment with that reference.
    assert again.status_code == 409 and again.json()["code"] == "duplicate"
    assert not again.has_header("Idempotent-Replayed")


def test_a_keyed_retry_of_a_transition_gets_200_and_the_same_agreement(alpha, staff_api):
    url = reverse("api-agreement-transition", args=[alpha.agreement.pk])
    body = {"to_status": "negotiating", "reason": "Terms sheet agreed."}
    first = staff_api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="move-1")
    retry = staff_api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="move-1")

    assert (first.status_code, retry.status_code) == (200, 200)
    assert retry.json() == first.json() and retry.json()["status"] == "negotiating"
    assert retry["ETag"] == first["ETag"] and retry["Idempotent-Replayed"] == "true"
    assert StatusChange.objects.filter(agreement=alpha.agreement).count() == 1


def test_a_key_released_while_a_retry_claims_it_tells_the_retry_to_try_again(alpha, token_for):
    """The first attempt fails and releases its key between the retry's claim and its read of the stored row."""
    client = bearer(token_for(organization=alpha.organization))
    assert pay(client, alpha, "k", "PAY-1").status_code == 201

    clashed = []

    def release_after_the_clash(execute, sql, params, many, context):
        if clashed and sql.startswith("SELECT"):
            clashed.clear()
            IdempotencyKey.objects.filter(key="k").delete()  # the first attempt's release, at that moment
        try:
            return execute(sql, params, many, context)
        except IntegrityError:
            clashed.append(True)
            raise

    with connection.execute_wrapper(release_after_the_clash):
        response = pay(client, alpha, "k", "PAY-1")

    assert response.status_code == 409 and response.json()["code"] == "idempotency_key_in_flight"
    assert Disbursement.objects.filter(reference="PAY-1").count() == 1


def test_a_key_still_in_flight_is_not_replayed_or_written_twice(alpha, token_for):
    client = bearer(token_for(organization=alpha.organization))
    assert pay(client, alpha, "k", "PAY-1").status_code == 201
    IdempotencyKey.objects.update(response_status=None, response_body=None)

    response = pay(client, alpha, "k", "PAY-1")

    assert response.status_code == 409 and response.json()["code"] == "idempotency_key_in_flight"
    assert Disbursement.objects.filter(reference="PAY-1").count() == 1


def test_a_retry_with_the_same_fields_in_another_order_is_the_same_request(alpha, token_for):
    client = bearer(token_for(organization=alpha.organization))
    body = {"commitment": alpha.commitment.pk, "amount": "100.00", "disbursed_on": "2026-01-20", "reference": "PAY-1"}
    reordered = dict(reversed(list(body.items())))
    url = reverse("api-disbursements")

    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    retry = client.post(url, reordered, format="json", HTTP_IDEMPOTENCY_KEY="k")

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry["Idempotent-Replayed"] == "true" and retry.json() == first.json()


def test_a_signed_in_session_ignores_the_key_as_keys_belong_to_tokens(alpha, staff_user):
    browser = APIClient()
    browser.force_login(staff_user)
    url = reverse("api-agreement-transition", args=[alpha.agreement.pk])

    moved = browser.post(url, {"to_status": "negotiating", "reason": "Talks."}, format="json", HTTP_IDEMPOTENCY_KEY="k")

    assert moved.status_code == 200 and moved.json()["status"] == "negotiating"
    assert not moved.has_header("Idempotent-Replayed") and not IdempotencyKey.objects.exists()
