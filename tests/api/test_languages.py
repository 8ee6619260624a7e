"""Problem documents speak the caller's Accept-Language; their type, code and field names stay English."""

from django.urls import reverse

from projects.choices import CommitmentStatus
from tests.api.conftest import bearer
from tests.factories import CommitmentFactory

UK = {"HTTP_ACCEPT_LANGUAGE": "uk-UA,uk;q=0.9,en;q=0.5"}


def test_a_domain_refusal_in_ukrainian_keeps_its_code_and_type(alpha, token_for):
    commitment = CommitmentFactory(
        agreement=alpha.agreement, funder=alpha.organization, status=CommitmentStatus.PLEDGED, amount="500.00"
    )
    partner = bearer(token_for(organization=alpha.organization))
    body = {"commitment": commitment.pk, "amount": "100.00", "disbursed_on": "2026-01-12", "reference": "P-1"}

    refused = partner.post(reverse("api-disbursements"), body, format="json", **UK)

    assert refused.status_code == 409
    assert refused["Content-Type"] == "application/problem+json"
    assert refused["Content-Language"] == "uk"
    assert refused.json() == {
        "type": "urn:coproduction-tracker:problem:not_committed",
        "title": "Конфлікт",
        "status": 409,
        "detail": "Виплачувати можна лише кошти за твердими зобов’язаннями.",
        "code": "not_committed",
        "errors": {"commitment": ["Виплачувати можна лише кошти за твердими зобов’язаннями."]},
    }
    english = partner.post(reverse("api-disbursements"), body, format="json")
    assert (english.json()["title"], english.json()["detail"]) == ("Conflict", "Only committed funds can be disbursed.")


def test_field_errors_in_ukrainian_are_keyed_by_the_english_field_names(alpha, token_for):
    partner = bearer(token_for(organization=alpha.organization))

    refused = partner.post(reverse("api-disbursements"), {"amount": "ten"}, format="json", **UK)

    problem = refused.json()
    assert refused.status_code == 400 and problem["code"] == "invalid" and problem["title"] == "Некоректний запит"
    assert problem["detail"].startswith("Деякі поля заповнено неправильно: ")
    assert {"commitment", "amount", "disbursed_on"} <= set(problem["errors"])
    assert "This field is required." not in str(problem["errors"])


def test_an_unknown_route_answers_in_ukrainian(client, db):
    missing = client.get("/api/v1/no-such-thing/", **UK)
    assert missing.status_code == 404
    assert missing.json()["title"] == "Не знайдено"
    assert missing.json()["detail"] == "Такого ресурсу немає; див. /api/v1/docs/."
    assert missing.json()["code"] == "not_found"
