"""GET /api/v1/portfolio/funding/: hand-computed figures per grouping, what does not add up said, partners
see only their agreements, bad parameters are problems, and the queries do not grow with the portfolio."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.choices import AgreementStatus, CommitmentStatus, OrganizationKind
from tests.api.conftest import bearer
from tests.factories import (
    TODAY,
    AgreementFactory,
    CapabilityFactory,
    CommitmentFactory,
    DisbursementFactory,
    ExchangeRateFactory,
    OrganizationFactory,
)

pytestmark = pytest.mark.django_db
URL = reverse("api-portfolio-funding")


@pytest.fixture
def portfolio():
    """Three agreements in the portfolio, one terminated; GBP at 1.15 and USD at 0.90 EUR.

    A (EUR 1,000,000, drones): Denmark commits EUR 400,000 (10 Dec 2025) and pays EUR 100,000 (5 Jan 2026);
      the UK pledges GBP 100,000 (2 Jan 2026) = EUR 115,000.
    B (USD 500,000 = EUR 450,000, drones and shells): the UK commits GBP 200,000 (20 Dec 2025) = EUR 230,000
      and pays GBP 50,000 (10 Jan 2026) = EUR 57,500.
    C (EUR 200,000, no capability): Norway's EUR 50,000 was cancelled.
    D (terminated, EUR 999): Norway commits EUR 999.
    """
    ExchangeRateFactory(currency="GBP", rate=Decimal("1.15"), valid_on=datetime.date(2025, 11, 1))
    ExchangeRateFactory(currency="USD", rate=Decimal("0.90"), valid_on=datetime.date(2025, 11, 1))
    drones = CapabilityFactory(name="Interceptor drones")
    shells = CapabilityFactory(name="Artillery shells")
    denmark = OrganizationFactory(name="Danish Ministry of Defence", kind=OrganizationKind.GOVERNMENT, country="DK")
    uk = OrganizationFactory(name="UK Ministry of Defence", kind=OrganizationKind.GOVERNMENT, country="GB")
    norway = OrganizationFactory(name="Norwegian Ministry of Defence", kind=OrganizationKind.GOVERNMENT, country="NO")

    a = AgreementFactory(budget=Decimal("1000000.00"))
    a.capabilities.set([drones])
    danish = CommitmentFactory(
        agreement=a, funder=denmark, amount=Decimal("400000.00"), pledged_on=datetime.date(2025, 12, 10)
    )
    DisbursementFactory(commitment=danish, amount=Decimal("100000.00"), disbursed_on=datetime.date(2026, 1, 5))
    CommitmentFactory(
        agreement=a,
        funder=uk,
        amount=Decimal("100000.00"),
        currency="GBP",
        status=CommitmentStatus.PLEDGED,
        pledged_on=datetime.date(2026, 1, 2),
    )

    b = AgreementFactory(budget=Decimal("500000.00"), currency="USD")
    b.capabilities.set([drones, shells])
    british = CommitmentFactory(
        agreement=b, funder=uk, amount=Decimal("200000.00"), currency="GBP", pledged_on=datetime.date(2025, 12, 20)
    )
    DisbursementFactory(commitment=british, amount=Decimal("50000.00"), disbursed_on=datetime.date(2026, 1, 10))

    c = AgreementFactory(budget=Decimal("200000.00"))
    CommitmentFactory(agreement=c, funder=norway, amount=Decimal("50000.00"), status=CommitmentStatus.CANCELLED)

    d = AgreementFactory(budget=Decimal("999.00"), status=AgreementStatus.TERMINATED)
    CommitmentFactory(agreement=d, funder=norway, amount=Decimal("999.00"))
    return {"denmark": denmark, "a": a}


def money(budget, pledged, committed, disbursed):
    return {"budget": budget, "pledged": pledged, "committed": committed, "disbursed": disbursed}


def read(client, **params):
    response = client.get(URL, {"as_of": TODAY.isoformat(), **params})
    assert response.status_code == 200, response.content
    return response.json()


PORTFOLIO_TOTAL = {
    **money("1650000.00", "115000.00", "630000.00", "157500.00"),
    "gap": "1020000.00",
    "gap_if_pledges_honoured": "905000.00",
    "unfunded_share": "0.6182",
}


def test_by_capability_counts_an_agreement_under_each_capability_and_says_so(portfolio, staff_api):
    body = read(staff_api, group_by="capability")

    assert (body["currency"], body["as_of"], body["agreement_count"]) == ("EUR", "2026-01-15", 3)
    assert body["total"] == PORTFOLIO_TOTAL
    assert [
        (g["key"], {k: g[k] for k in ("budget", "pledged", "committed", "disbursed", "gap")}) for g in body["groups"]
    ] == [
        ("Artillery shells", {**money("450000.00", "0.00", "230000.00", "57500.00"), "gap": "220000.00"}),
        ("Interceptor drones", {**money("1450000.00", "115000.00", "630000.00", "157500.00"), "gap": "820000.00"}),
    ]
    assert body["adds_up"] is False
    assert [(n["code"], n["agreements"]) for n in body["notes"]] == [("several_capabilities", 1), ("no_capability", 1)]
    assert body["left_out"] == []


@pytest.mark.parametrize(
    ("group_by", "expected"),
    [
        (
            "funder",
            [
                ("Danish Ministry of Defence", "Danish Ministry of Defence", "0.00", "400000.00", "100000.00"),
                ("UK Ministry of Defence", "UK Ministry of Defence", "115000.00", "230000.00", "57500.00"),
            ],
        ),
        (
            "country",
            [
                ("DK", "Denmark", "0.00", "400000.00", "100000.00"),
                ("GB", "United Kingdom", "115000.00", "230000.00", "57500.00"),
            ],
        ),
        (
            "month",
            [
                ("2025-12", "Dec 2025", "0.00", "630000.00", "0.00"),
                ("2026-01", "Jan 2026", "115000.00", "0.00", "157500.00"),
            ],
        ),
    ],
)
def test_money_by_funder_country_and_month_adds_up_to_the_total(portfolio, staff_api, group_by, expected):
    body = read(staff_api, group_by=group_by)

    assert body["total"] == PORTFOLIO_TOTAL
    assert [(g["key"], g["name"], g["pledged"], g["committed"], g["disbursed"]) for g in body["groups"]] == expected
    assert {(g["budget"], g["gap"], g["unfunded_share"]) for g in body["groups"]} == {(None, None, None)}
    assert body["adds_up"] is True
    assert [n["code"] for n in body["notes"]] == ["budget_not_split"]


def test_an_international_body_seated_in_a_donor_country_is_a_group_of_its_own(portfolio, staff_api):
    """The European Defence Fund, seated in Denmark, commits EUR 300,000 to A and pays EUR 50,000 of it."""
    fund = OrganizationFactory(
        name="European Defence Fund", slug="eu-edf", kind=OrganizationKind.INTERNATIONAL_BODY, country="DK"
    )
    firm = CommitmentFactory(
        agreement=portfolio["a"], funder=fund, amount=Decimal("300000.00"), pledged_on=datetime.date(2025, 12, 12)
    )
    DisbursementFactory(commitment=firm, amount=Decimal("50000.00"), disbursed_on=datetime.date(2026, 1, 6))

    body = read(staff_api, group_by="country")

    assert [(g["key"], g["name"], g["pledged"], g["committed"], g["disbursed"]) for g in body["groups"]] == [
        ("DK", "Denmark", "0.00", "400000.00", "100000.00"),
        ("GB", "United Kingdom", "115000.00", "230000.00", "57500.00"),
        ("eu-edf", "European Defence Fund (international body)", "0.00", "300000.00", "50000.00"),
    ]
    assert (body["total"]["pledged"], body["total"]["committed"], body["total"]["disbursed"]) == (
        "115000.00",
        "930000.00",
        "207500.00",
    )
    assert body["adds_up"] is True


def test_a_partner_sees_the_funding_of_its_own_agreements_only(portfolio, token_for):
    partner = bearer(token_for(organization=portfolio["denmark"], scope="read"))

    body = read(partner, group_by="funder")

    assert body["agreement_count"] == 1
    assert body["total"] == {
        **money("1000000.00", "115000.00", "400000.00", "100000.00"),
        "gap": "600000.00",
        "gap_if_pledges_honoured": "485000.00",
        "unfunded_share": "0.6000",
    }
    assert [g["key"] for g in body["groups"]] == ["Danish Ministry of Defence", "UK Ministry of Defence"]


def test_agreements_in_a_currency_without_a_rate_are_left_out_and_named(portfolio, staff_api):
    AgreementFactory(reference="UA-PL-2026-001", budget=Decimal("900.00"), currency="PLN")

    body = read(staff_api, group_by="country")

    assert body["total"] == PORTFOLIO_TOTAL
    assert body["left_out"] == [
        {"agreement": body["left_out"][0]["agreement"], "reference": "UA-PL-2026-001", "currencies": ["PLN"]}
    ]
    assert [(n["code"], n["agreements"]) for n in body["notes"]] == [
        ("budget_not_split", 0),
        ("left_out_unconvertible", 1),
    ]
    assert "UA-PL-2026-001" in body["notes"][1]["detail"]


def test_rates_are_those_of_as_of(portfolio, staff_api):
    ExchangeRateFactory(currency="GBP", rate=Decimal("1.20"), valid_on=TODAY + datetime.timedelta(days=1))

    today = read(staff_api, group_by="country")
    tomorrow = read(staff_api, group_by="country", as_of=(TODAY + datetime.timedelta(days=1)).isoformat())

    assert [g["committed"] for g in today["groups"]] == ["400000.00", "230000.00"]
    assert [g["committed"] for g in tomorrow["groups"]] == ["400000.00", "240000.00"]


def test_groups_are_apportioned_to_the_cent_so_they_add_up(staff_api):
    """Three funders' USD 0.01 at 0.33333333 EUR each: 0.0033333333 apiece, 0.0099999999 in all."""
    ExchangeRateFactory(currency="USD", rate=Decimal("0.33333333"), valid_on=TODAY)
    agreement = AgreementFactory(budget=Decimal("1.00"))
    for n in range(3):
        CommitmentFactory(
            agreement=agreement, funder=OrganizationFactory(name=f"Funder {n}"), amount=Decimal("0.01"), currency="USD"
        )

    body = read(staff_api, group_by="funder")

    assert body["total"]["committed"] == "0.01"
    assert [g["committed"] for g in body["groups"]] == ["0.01", "0.00", "0.00"]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"group_by": "donor"},
        {"group_by": "month", "as_of": "2026-13-01"},
        {"group_by": "month", "as_of": "15/01/2026"},
    ],
)
def test_bad_parameters_are_400_problems(staff_api, params):
    response = staff_api.get(URL, params)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert set(response.json()["errors"]) <= {"group_by", "as_of"}


def build(size: int) -> None:
    for n in range(size):
        capability = CapabilityFactory()
        funder = OrganizationFactory(country=["GB", "DK", "PL"][n % 3])
        agreement = AgreementFactory(currency=["EUR", "GBP"][n % 2])
        agreement.capabilities.set([capability])
        commitment = CommitmentFactory(
            agreement=agreement, funder=funder, currency="GBP", pledged_on=TODAY - datetime.timedelta(days=40 * n)
        )
        DisbursementFactory(commitment=commitment, disbursed_on=TODAY - datetime.timedelta(days=20 * n))


@pytest.mark.parametrize("group_by", ["capability", "funder", "country", "month"])
def test_queries_do_not_grow_with_the_portfolio(staff_api, group_by):
    ExchangeRateFactory(currency="GBP", rate=Decimal("1.15"), valid_on=datetime.date(2020, 1, 1))
    read(staff_api, group_by=group_by)  # the token's first use of the day is recorded once
    counts = []
    for size in (2, 12):
        build(size)
        with CaptureQueriesContext(connection) as captured:
            read(staff_api, group_by=group_by)
        counts.append(len(captured))
    # The token, the rates, the grouped sums (by capability with the plain sums in the same statement); by
    # capability also the capability counts.
    expected = {"capability": 4, "funder": 3, "country": 3, "month": 3}[group_by]
    assert counts == [expected, expected]
