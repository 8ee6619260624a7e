"""The API refuses money in a currency without a rate, as every other path does, unless the request gives one."""

from decimal import Decimal

from django.urls import reverse

from projects.models import Agreement, ExchangeRate, FundingCommitment
from tests.factories import AgreementFactory, OrganizationFactory

AGREEMENT = {
    "reference": "UA-PL-2026-001",
    "title": "Ammunition line",
    "kind": "co_production",
    "currency": "PLN",
    "budget": "2500000.00",
}


def test_agreement_in_a_currency_without_a_rate_is_refused_unless_the_request_gives_it(staff_api):
    refused = staff_api.post(reverse("api-agreements"), AGREEMENT, format="json")

    assert refused.status_code == 409 and refused["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "missing_rate"
    assert refused.json()["errors"]["currency"] == [
        "There is no exchange rate from PLN to EUR: add one under Exchange rates, "
        "or give today's rate with the agreement."
    ]
    assert not Agreement.objects.exists()

    created = staff_api.post(reverse("api-agreements"), {**AGREEMENT, "exchange_rate": "0.2315"}, format="json")

    assert created.status_code == 201, created.content
    assert "exchange_rate" not in created.json()
    assert ExchangeRate.objects.get(currency="PLN").rate == Decimal("0.2315")


def test_commitment_in_a_currency_without_a_rate_is_refused(staff_api):
    agreement, funder = AgreementFactory(), OrganizationFactory(country="DK")
    data = {
        "agreement": agreement.pk,
        "funder": funder.pk,
        "amount": "2500000.00",
        "currency": "DKK",
        "pledged_on": "2026-01-10",
    }

    refused = staff_api.post(reverse("api-commitments"), data, format="json")

    assert refused.status_code == 409 and refused.json()["code"] == "missing_rate"
    assert not FundingCommitment.objects.exists()
    assert (
        staff_api.post(reverse("api-commitments"), {**data, "exchange_rate": "0.134"}, format="json").status_code == 201
    )
