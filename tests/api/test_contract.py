"""The server takes exactly what the OpenAPI schema describes; every operation is described."""

from __future__ import annotations

import pytest
from django.urls import reverse

from projects.models import Agreement, Milestone
from tests.api.test_isolation import database_snapshot


def test_every_operation_has_a_summary_and_a_description(db, client):
    paths = client.get(reverse("api-schema"), {"format": "json"}).json()["paths"]
    operations = [(path, method, op) for path, item in paths.items() for method, op in item.items()]
    assert len(operations) >= 35
    for path, method, operation in operations:
        assert operation.get("summary"), f"{method} {path} has no summary"
        assert operation.get("description"), f"{method} {path} has no description"


def test_bodies_state_their_fields_exactly_and_creates_answer_201(db, client):
    document = client.get(reverse("api-schema"), {"format": "json"}).json()
    post = document["paths"]["/api/v1/milestones/"]["post"]
    assert set(post["requestBody"]["content"]) == {"application/json"}
    assert "201" in post["responses"] and "200" not in post["responses"]
    body = document["components"]["schemas"]["MilestoneInRequest"]
    assert body["additionalProperties"] is False
    money = document["components"]["schemas"]["DisbursementInRequest"]["properties"]["amount"]
    assert money["type"] == "string" and money["pattern"].startswith("^(?!0+")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amount", 250),  # money is a decimal string, not a float
        ("amount", "0.00"),
        ("amount", " 250.00"),
        ("reference", 42),  # text is a string, not a number
        ("reference", "   "),
        ("commitment", "1"),  # an id is a JSON integer
        ("disbursed_on", "20260120"),  # a date is YYYY-MM-DD only
    ],
)
def test_values_outside_the_schema_are_refused_though_drf_would_coerce_them(field, value, alpha, staff_api):
    body = {"commitment": alpha.commitment.pk, "amount": "250.00", "disbursed_on": "2026-01-20", "reference": "P-9"}
    before = database_snapshot()
    response = staff_api.post(reverse("api-disbursements"), {**body, field: value}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert database_snapshot() == before


def test_text_is_kept_as_sent_and_an_unknown_programme_manager_is_a_404(alpha, staff_api):
    url = reverse("api-agreement", args=[alpha.agreement.pk])
    assert staff_api.patch(url, {"programme_manager": "nobody"}, format="json").status_code == 404
    assert staff_api.patch(url, {"capabilities": [10**12]}, format="json").status_code == 404
    kept = staff_api.patch(url, {"title": " Spaced "}, format="json")
    assert kept.status_code == 200 and Agreement.objects.get(pk=alpha.agreement.pk).title == " Spaced "


def test_a_form_body_is_415_and_an_empty_if_match_is_400(alpha, staff_api):
    url = reverse("api-milestone", args=[alpha.milestone.pk])
    form = staff_api.patch(url, {"title": "By form"})  # multipart, as a browser form sends
    assert form.status_code == 415 and form["Content-Type"] == "application/problem+json"
    empty = staff_api.patch(url, {"title": "X"}, format="json", HTTP_IF_MATCH="")
    assert empty.status_code == 400 and "If-Match" in empty.json()["errors"]
    stale = staff_api.patch(url, {"title": "X"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    assert Milestone.objects.get(pk=alpha.milestone.pk).title == alpha.milestone.title
