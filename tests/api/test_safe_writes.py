"""Safe writes: ETag and If-Match against lost updates, Idempotency-Key against double POSTs."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from rest_framework.test import APIRequestFactory

import projects.tasks
from projects.api.models import IdempotencyKey
from projects.api.preconditions import etag_for, precondition
from projects.api.problems import PreconditionFailed
from projects.api.tasks import purge_idempotency_keys
from projects.models import Agreement, Disbursement, Milestone
from projects.services.agreements import update_agreement
from tests.api.conftest import bearer, partner_world
from tracker.celery import app as celery_app


def disbursement_body(world, reference="PAY-1", amount="250.00"):
    return {"commitment": world.commitment.pk, "amount": amount, "disbursed_on": "2026-01-20", "reference": reference}


def test_every_object_response_carries_an_etag_that_changes_with_the_record(alpha, staff_api):
    url = reverse("api-agreement", args=[alpha.agreement.pk])
    first = staff_api.get(url)["ETag"]
    updated = staff_api.patch(url, {"title": "Interceptor drones, phase 2"}, format="json", HTTP_IF_MATCH=first)
    assert updated.status_code == 200
    assert updated["ETag"] != first and staff_api.get(url)["ETag"] == updated["ETag"]


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_a_stale_if_match_gets_412_and_changes_nothing(alpha, staff_api, method):
    url = reverse("api-milestone", args=[alpha.milestone.pk])
    stale = staff_api.get(url)["ETag"]
    staff_api.patch(url, {"title": "Renamed meanwhile"}, format="json")

    response = getattr(staff_api, method)(url, {"title": "Mine"}, format="json", HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    assert response.json()["code"] == "precondition_failed"
    assert Milestone.objects.get(pk=alpha.milestone.pk).title == "Renamed meanwhile"


def test_if_match_with_the_current_tag_deletes(alpha, staff_api):
    url = reverse("api-status-report", args=[alpha.report.pk])
    assert staff_api.delete(url, HTTP_IF_MATCH=staff_api.get(url)["ETag"]).status_code == 204
    assert staff_api.get(url).status_code == 404


@pytest.mark.postgres
def test_two_clients_racing_with_the_same_tag_one_wins_one_gets_412(transactional_db, staff_user, token_for):
    """Both pass the early tag check; the service compares versions under a row lock and refuses the loser."""
    world = partner_world("Race Works")
    raw = token_for(user=staff_user)
    url = reverse("api-agreement", args=[world.agreement.pk])
    tag = bearer(raw).get(url)["ETag"]
    start = threading.Barrier(2)
    results = {}

    def write(title):
        try:
            start.wait()
            results[title] = bearer(raw).patch(url, {"title": title}, format="json", HTTP_IF_MATCH=tag)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(title,)) for title in ("Client A", "Client B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(response.status_code for response in results.values())
    assert statuses == [200, 412]
    winner = next(title for title, response in results.items() if response.status_code == 200)
    assert Agreement.objects.get(pk=world.agreement.pk).title == winner


def test_ten_retries_of_one_disbursement_create_exactly_one(alpha, token_for):
    client = bearer(token_for(organization=alpha.organization))
    responses = [
        client.post(reverse("api-disbursements"), disbursement_body(alpha), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
        for _ in range(10)
    ]
    assert {response.status_code for response in responses} == {201}
    assert all(response.json() == responses[0].json() for response in responses)
    assert [response.has_header("Idempotent-Replayed") for response in responses] == [False] + [True] * 9
    assert Disbursement.objects.filter(reference="PAY-1").count() == 1


def test_the_same_key_with_a_different_body_gets_422_and_writes_nothing(alpha, token_for):
    client = bearer(token_for(organization=alpha.organization))
    url = reverse("api-disbursements")
    assert client.post(url, disbursement_body(alpha), format="json", HTTP_IDEMPOTENCY_KEY="k-1").status_code == 201
    response = client.post(url, disbursement_body(alpha, amount="999.00"), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Disbursement.objects.filter(reference="PAY-1").count() == 1


def test_keys_are_scoped_per_token_and_expire_after_a_day(alpha, token_for):
    first, second = (bearer(token_for(organization=alpha.organization)) for _ in range(2))
    url = reverse("api-status-reports")
    body = {"agreement": alpha.agreement.pk, "reported_on": "2026-01-20", "rag": "amber", "summary": "Late parts."}
    assert first.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="weekly").status_code == 201
    assert second.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="weekly").status_code == 201
    IdempotencyKey.objects.update(created_at=IdempotencyKey.objects.first().created_at - timedelta(hours=24))
    assert first.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="weekly").json()["id"] not in (alpha.report.pk,)
    assert alpha.agreement.status_reports.filter(summary="Late parts.").count() == 3


def test_a_refused_request_releases_its_key_for_a_corrected_retry(alpha, token_for):
    client = bearer(token_for(organization=alpha.organization))
    url = reverse("api-disbursements")
    too_much = client.post(url, disbursement_body(alpha, amount="1000000.00"), format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert too_much.status_code == 409 and too_much.json()["code"] == "over_disbursed"
    assert IdempotencyKey.objects.count() == 0
    assert client.post(url, disbursement_body(alpha, amount="1000000.00"), format="json").status_code == 409


@pytest.mark.postgres
def test_concurrent_retries_with_one_key_create_one_row(transactional_db, token_for):
    world = partner_world("Retry Works")
    raw = token_for(organization=world.organization)
    start = threading.Barrier(5)
    statuses = []

    def post():
        try:
            start.wait()
            response = bearer(raw).post(
                reverse("api-disbursements"), disbursement_body(world), format="json", HTTP_IDEMPOTENCY_KEY="same"
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Disbursement.objects.filter(reference="PAY-1").count() == 1
    # The first writes; the others get the stored response or are told it is still in flight.
    assert statuses.count(201) >= 1 and set(statuses) <= {201, 409}


def test_a_write_that_passed_the_tag_check_but_lost_the_race_is_refused_by_the_service(alpha, staff):
    """The second of two racers read the same version; the service's locked comparison turns it into 412."""
    seen = Agreement.objects.get(pk=alpha.agreement.pk)
    request = APIRequestFactory().patch("/", HTTP_IF_MATCH=etag_for(seen))
    with pytest.raises(PreconditionFailed), precondition(request, seen) as expected:
        # The tag matched when checked; the other writer saves before this one reaches the service.
        update_agreement(actor=staff, agreement_id=seen.pk, title="The other writer")
        update_agreement(actor=staff, agreement_id=seen.pk, expected_updated_at=expected, title="Too late")
    assert Agreement.objects.get(pk=seen.pk).title == "The other writer"


def test_hourly_purge_forgets_expired_keys_of_idle_tokens_and_keeps_fresh_ones(alpha, token_for):
    client = bearer(token_for(organization=alpha.organization))
    for key in ("old", "fresh"):
        response = client.post(
            reverse("api-disbursements"),
            disbursement_body(alpha, reference=key),
            format="json",
            HTTP_IDEMPOTENCY_KEY=key,
        )
        assert response.status_code == 201
    IdempotencyKey.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=25))

    assert purge_idempotency_keys.delay().get() == 1

    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["fresh"]
    assert PeriodicTask.objects.get(task="projects.api.tasks.purge_idempotency_keys").enabled


def test_the_purge_is_the_api_s_own_task_and_beat_names_a_task_celery_discovers(db):
    celery_app.loader.import_default_modules()
    scheduled = PeriodicTask.objects.get(name="Purge expired idempotency keys").task
    assert scheduled == "projects.api.tasks.purge_idempotency_keys" and scheduled in celery_app.tasks
    mail_tasks = Path(projects.tasks.__file__).read_text()
    assert "projects.api" not in mail_tasks, "notifications and tasks know nothing of HTTP"
