"""/api/v1/portfolio/donors/: each donor's money in a year against its GDP, over the agreements the caller may see."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.choices import OrganizationKind
from tests.api.conftest import bearer, partner_world
from tests.factories import (
    TODAY,
    AgreementFactory,
    CommitmentFactory,
    CountryEconomyFactory,
    DisbursementFactory,
    ExchangeRateFactory,
    OrganizationFactory,
)

pytestmark = pytest.mark.django_db
URL = reverse("api-portfolio-donors")


def test_staff_read_each_donors_share_of_gdp_with_the_figures_written_out(staff_api):
    ExchangeRateFactory(currency="GBP", rate=Decimal("1.2"), valid_on=TODAY)
    CountryEconomyFactory(country="GB", year=2025, gdp=Decimal("2500000000000.00"), currency="GBP", illustrative=True)
    uk = OrganizationFactory(name="UK MoD", kind=OrganizationKind.MINISTRY, country="GB")
    fund = OrganizationFactory(name="EU fund", slug="eu-fund", kind=OrganizationKind.INTERNATIONAL_BODY, country="BE")
    agreement = AgreementFactory()
    commitment = CommitmentFactory(
        agreement=agreement, funder=uk, amount=Decimal("4000000.00"), currency="GBP", pledged_on=TODAY.replace(2025)
    )
    DisbursementFactory(commitment=commitment, amount=Decimal("1000000.00"), disbursed_on=TODAY.replace(2025))
    CommitmentFactory(agreement=agreement, funder=fund, amount=Decimal("500000.00"), status="pledged")

    body = staff_api.get(URL, {"year": 2025, "as_of": TODAY.isoformat()}).json()

    assert (body["year"], body["as_of"], body["currency"], body["target_percent"]) == (
        2025,
        "2026-01-15",
        "EUR",
        "0.2500",
    )
    assert body["years"] == [2026, 2025]
    assert body["donors"] == [
        {
            "donor": {"kind": "country", "code": "GB", "name": "United Kingdom", "country": "GB"},
            "pledged": "0.00",
            "committed": "4800000.00",
            "disbursed": "1200000.00",
            "gdp": {
                "status": "known",
                "year": 2025,
                "amount": "2500000000000.00",
                "currency": "GBP",
                "in_base_currency": "3000000000000.00",
                "source": "IMF World Economic Outlook",
                "illustrative": True,
            },
            "pledged_percent_of_gdp": "0.000000",
            "committed_percent_of_gdp": "0.000160",
            "disbursed_percent_of_gdp": "0.000040",
            "target_amount": "7500000000.00",
            "missing_to_target": "7495200000.00",
        }
    ]
    assert body["total"] == {
        "pledged": "0.00",
        "committed": "4800000.00",
        "disbursed": "1200000.00",
        "target_amount": "7500000000.00",
        "missing_to_target": "7495200000.00",
    }
    # The EU fund pledged in 2026, as a donor of its own: never under Belgium, and without a GDP.
    fund_year = staff_api.get(URL, {"year": 2026, "as_of": TODAY.isoformat()}).json()["donors"]
    assert [(row["donor"]["code"], row["pledged"], row["gdp"]["status"]) for row in fund_year] == [
        ("eu-fund", "500000.00", "not_a_country")
    ]


def test_without_a_year_the_current_one_is_shown(staff_api):
    body = staff_api.get(URL).json()
    assert body["year"] == timezone.localdate().year
    assert body["donors"] == [] and body["years"] == []


def test_a_partner_sees_only_the_money_of_its_own_agreements(alpha, bravo, staff_api, token_for):
    # Both partners fund their own agreement with 100,000 EUR from the United Kingdom (2026), 10,000 disbursed.
    alpha_client = bearer(token_for(organization=alpha.organization, scope="read"))

    mine = alpha_client.get(URL, {"year": 2026}).json()
    everything = staff_api.get(URL, {"year": 2026}).json()

    assert [(d["donor"]["code"], d["committed"], d["disbursed"]) for d in mine["donors"]] == [
        ("GB", "100000.00", "10000.00")
    ]
    assert [(d["donor"]["code"], d["committed"], d["disbursed"]) for d in everything["donors"]] == [
        ("GB", "200000.00", "20000.00")
    ]
    other = OrganizationFactory(name="Stranger", kind=OrganizationKind.INTERNATIONAL_BODY, country="LU")
    CommitmentFactory(agreement=bravo.agreement, funder=other)
    assert [d["donor"]["name"] for d in alpha_client.get(URL, {"year": 2026}).json()["donors"]] == ["United Kingdom"]


@pytest.mark.parametrize("year", ["abc", "1800", "2101", "2026.5", ""])
def test_a_bad_year_is_a_400_problem(staff_api, year):
    response = staff_api.get(URL, {"year": year})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "invalid" and list(problem["errors"]) == ["year"]


def test_without_a_token_nothing_is_shown(client):
    response = client.get(URL)
    assert response.status_code in (401, 403)
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("size", [2, 25])
def test_the_donor_figures_run_a_constant_number_of_queries(size, staff_api, token_for):
    worlds = [partner_world(f"Donor world {n}") for n in range(size)]
    CountryEconomyFactory(country="GB", year=2026, currency="EUR")
    partner = bearer(token_for(organization=worlds[0].organization, scope="read"))

    for client in (staff_api, partner):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"year": 2026}).status_code == 200
        # The token and the note of its last use, then the rates, the grouped sums, the funders, GDP and its rates.
        assert len(queries) == 7, [q["sql"] for q in queries]
