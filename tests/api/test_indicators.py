"""Indicators and periods over the API: partner reports, staff verify and lock, locked periods refuse with
409 `period_locked`, another partner's records are 404, and lists run constant queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.choices import PartyRole, PeriodState
from projects.models import Indicator, IndicatorPeriod
from tests.api.conftest import bearer
from tests.factories import TODAY, IndicatorFactory, IndicatorPeriodFactory, PartyFactory


@pytest.fixture
def alpha_indicator(alpha):
    return IndicatorFactory(agreement=alpha.agreement, responsible=alpha.organization, title="Interceptor line")


@pytest.fixture
def alpha_period(alpha_indicator):
    return IndicatorPeriodFactory(indicator=alpha_indicator, starts_on=TODAY, ends_on=TODAY.replace(month=3, day=31))


@pytest.fixture
def alpha_api(alpha, token_for):
    return bearer(token_for(organization=alpha.organization))


def step(client, period, name, body=None, **headers):
    url = reverse(f"api-indicator-period-{name}", args=[period.pk])
    return client.post(url, body or {}, format="json", headers=headers)


def test_partner_reports_staff_verify_and_lock_and_a_locked_period_refuses_until_unlocked(
    alpha_period, alpha_api, staff_api
):
    reported = step(alpha_api, alpha_period, "report", {"actual": 240, "source": "Line log Q1"})
    assert reported.status_code == 200, reported.content
    body = reported.json()
    assert (body["state"], body["actual"], body["reported_by_organization"]["name"]) == (
        "reported",
        240,
        "Alpha Dynamics",
    )
    assert body["reported_by"] is None and reported["ETag"]

    assert step(alpha_api, alpha_period, "verify").status_code == 403
    assert step(staff_api, alpha_period, "verify").json()["verified_by"] == "manager"
    assert step(staff_api, alpha_period, "lock").json()["state"] == "locked"

    period_url = reverse("api-indicator-period", args=[alpha_period.pk])
    refusals = [
        step(staff_api, alpha_period, "report", {"actual": 1}),
        step(alpha_api, alpha_period, "report", {"actual": 1}),
        staff_api.patch(period_url, {"target": 5}, format="json"),
        staff_api.delete(period_url),
        staff_api.delete(reverse("api-indicator", args=[alpha_period.indicator_id])),
    ]
    for refused in refusals:
        assert refused.status_code == 409, refused.content
        assert refused["Content-Type"] == "application/problem+json"
        assert refused.json()["code"] == "period_locked"
    alpha_period.refresh_from_db()
    assert (alpha_period.state, alpha_period.actual) == (PeriodState.LOCKED, 240)

    assert step(staff_api, alpha_period, "unlock", {}).status_code == 400
    assert step(alpha_api, alpha_period, "unlock", {"reason": "Mine"}).status_code == 403
    unlocked = step(staff_api, alpha_period, "unlock", {"reason": "Auditor found a double count."})
    assert unlocked.json()["state"] == "verified"
    assert step(staff_api, alpha_period, "report", {"actual": 228}).json()["actual"] == 228

    history = staff_api.get(reverse("api-agreement-history", args=[alpha_period.indicator.agreement_id])).json()
    reasons = [entry["reason"] for entry in history["results"] if entry["record"] == "indicator period"]
    assert "Auditor found a double count." in reasons


def test_a_stale_if_match_is_412_and_an_idempotent_retry_reports_once(alpha_period, alpha_api, staff_api):
    etag = staff_api.get(reverse("api-indicator-period", args=[alpha_period.pk]))["ETag"]
    first = step(alpha_api, alpha_period, "report", {"actual": 10}, **{"If-Match": etag, "Idempotency-Key": "q1"})
    assert first.status_code == 200
    replay = step(alpha_api, alpha_period, "report", {"actual": 10}, **{"If-Match": etag, "Idempotency-Key": "q1"})
    assert replay.status_code == 200 and replay["Idempotent-Replayed"] == "true"
    stale = step(alpha_api, alpha_period, "report", {"actual": 11}, **{"If-Match": etag})
    assert stale.status_code == 412
    assert alpha_period.history.count() == 2  # opened, reported once
    alpha_period.refresh_from_db()
    assert alpha_period.actual == 10


def test_another_partners_indicators_and_periods_are_404_on_every_operation_and_absent_from_lists(
    alpha_period, bravo, token_for
):
    bravo_api = bearer(token_for(organization=bravo.organization))
    indicator, period = alpha_period.indicator, alpha_period
    attempts = [
        bravo_api.get(reverse("api-indicator", args=[indicator.pk])),
        bravo_api.patch(reverse("api-indicator", args=[indicator.pk]), {"title": "Hijacked"}, format="json"),
        bravo_api.delete(reverse("api-indicator", args=[indicator.pk])),
        bravo_api.get(reverse("api-indicator-period", args=[period.pk])),
        bravo_api.patch(reverse("api-indicator-period", args=[period.pk]), {"target": 1}, format="json"),
        bravo_api.delete(reverse("api-indicator-period", args=[period.pk])),
        step(bravo_api, period, "report", {"actual": 1}),
        step(bravo_api, period, "verify"),
        step(bravo_api, period, "lock"),
        step(bravo_api, period, "unlock", {"reason": "x"}),
    ]
    assert [response.status_code for response in attempts] == [404] * len(attempts)
    for route in ("api-indicators", "api-indicator-periods"):
        assert bravo_api.get(reverse(route)).json()["results"] == []
        assert bravo_api.post(reverse(route), {}, format="json").status_code == 403
    period.refresh_from_db()
    assert (period.state, Indicator.objects.get().title) == (PeriodState.OPEN, "Interceptor line")


def test_a_party_not_responsible_for_the_indicator_cannot_report_it(alpha, alpha_period, token_for):
    observer = PartyFactory(agreement=alpha.agreement, role=PartyRole.OBSERVER).organization
    response = step(bearer(token_for(organization=observer)), alpha_period, "report", {"actual": 3})
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_staff_create_indicators_and_periods_and_the_list_matches_the_object(alpha, staff_api):
    capability = alpha.agreement.capabilities.get()
    created = staff_api.post(
        reverse("api-indicators"),
        {
            "agreement": alpha.agreement.pk,
            "title": "Specialists certified",
            "kind": "output",
            "unit": "specialists",
            "capability": capability.pk,
            "responsible": alpha.organization.pk,
            "target": 40,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    period = staff_api.post(
        reverse("api-indicator-periods"),
        {"indicator": created.json()["id"], "starts_on": "2026-01-01", "ends_on": "2026-06-30", "target": 20},
        format="json",
    )
    assert period.status_code == 201, period.content
    overlapping = staff_api.post(
        reverse("api-indicator-periods"),
        {"indicator": created.json()["id"], "starts_on": "2026-06-30", "ends_on": "2026-12-31"},
        format="json",
    )
    assert overlapping.status_code == 400 and "starts_on" in overlapping.json()["errors"]
    assert staff_api.get(reverse("api-indicators")).json()["results"] == [
        staff_api.get(reverse("api-indicator", args=[created.json()["id"]])).json()
    ]
    assert staff_api.get(reverse("api-indicator-periods")).json()["results"] == [
        staff_api.get(reverse("api-indicator-period", args=[period.json()["id"]])).json()
    ]


def list_queries(client, route, size) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(route), {"page_size": size})
    assert response.status_code == 200 and len(response.json()["results"]) == size
    return len(captured)


@pytest.mark.parametrize("route", ["api-indicators", "api-indicator-periods"])
def test_lists_run_the_same_queries_for_2_or_30_rows(route, alpha, staff_api, alpha_api):
    for n in range(30):
        period = IndicatorPeriodFactory(
            indicator=IndicatorFactory(agreement=alpha.agreement, responsible=alpha.organization)
        )
        if n % 2:
            IndicatorPeriod.objects.filter(pk=period.pk).update(
                state=PeriodState.REPORTED,
                actual=n,
                reported_at=period.created_at,
                reported_by_organization=alpha.organization,
            )
    for client in (staff_api, alpha_api):
        client.get(reverse(route))  # records the token's last use
        assert list_queries(client, route, 2) == list_queries(client, route, 30) == 2
