"""Burden-sharing by donor: money per donor and year against GDP, checked against figures worked out by hand."""

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects.choices import OrganizationKind
from projects.selectors import burden_sharing, portfolio_funding
from projects.selectors.donors import GdpStatus
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
D = Decimal


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.fixture
def small_portfolio():
    """Two agreements, five funders; one of them an EU fund seated in Belgium beside a Belgian ministry."""
    ExchangeRateFactory(currency="GBP", rate=D("1.2"), valid_on=day("2025-12-01"))
    ExchangeRateFactory(currency="USD", rate=D("0.9"), valid_on=day("2025-12-01"))
    uk = OrganizationFactory(name="UK MoD", kind=OrganizationKind.MINISTRY, country="GB")
    airbus = OrganizationFactory(name="Airbus UK", kind=OrganizationKind.COMPANY, country="GB")
    edf = OrganizationFactory(name="European Defence Fund", slug="eu-edf", kind="international_body", country="BE")
    belgium = OrganizationFactory(name="Belgian Defence", kind=OrganizationKind.MINISTRY, country="BE")
    us = OrganizationFactory(name="US DoD", kind=OrganizationKind.MINISTRY, country="US")
    drones = AgreementFactory(currency="EUR", budget=D("10000000.00"))
    training = AgreementFactory(currency="GBP", budget=D("5000000.00"))

    uk_money = CommitmentFactory(
        agreement=drones, funder=uk, amount=D("4000000.00"), currency="GBP", pledged_on=day("2025-03-10")
    )
    DisbursementFactory(commitment=uk_money, amount=D("1000000.00"), disbursed_on=day("2025-06-01"))
    DisbursementFactory(commitment=uk_money, amount=D("500000.00"), disbursed_on=day("2026-01-05"))
    CommitmentFactory(
        agreement=drones,
        funder=edf,
        amount=D("2000000.00"),
        currency="EUR",
        status="pledged",
        pledged_on=day("2025-05-01"),
    )
    CommitmentFactory(
        agreement=drones, funder=belgium, amount=D("1500000.00"), currency="EUR", pledged_on=day("2025-02-01")
    )
    CommitmentFactory(
        agreement=training,
        funder=airbus,
        amount=D("1000000.00"),
        currency="GBP",
        status="pledged",
        pledged_on=day("2025-09-09"),
    )
    CommitmentFactory(
        agreement=training,
        funder=uk,
        amount=D("3000000.00"),
        currency="GBP",
        status="cancelled",
        pledged_on=day("2025-04-04"),
    )
    CommitmentFactory(
        agreement=training, funder=us, amount=D("2000000.00"), currency="USD", pledged_on=day("2024-11-11")
    )

    CountryEconomyFactory(country="GB", year=2024, gdp=D("2400000000000.00"), currency="GBP")
    CountryEconomyFactory(country="GB", year=2025, gdp=D("2500000000000.00"), currency="GBP", illustrative=True)
    CountryEconomyFactory(country="BE", year=2025, gdp=D("600000000000.00"), currency="EUR")


def by_donor(rows) -> dict:
    return {row.donor.name: row for row in rows}


def test_donor_shares_match_figures_worked_out_by_hand(small_portfolio):
    sharing = burden_sharing(as_of=TODAY)

    assert sharing.currency == "EUR" and sharing.target_percent == D("0.25")
    assert sharing.years() == [2026, 2025, 2024]
    year_2025 = by_donor(sharing.of_year(2025))
    assert sorted(year_2025) == ["Belgium", "European Defence Fund", "United Kingdom"]

    # GB: the ministry's 4,000,000 GBP and Airbus UK's pledge of 1,000,000 GBP, at 1.2; the cancelled 3,000,000 nowhere.
    uk = year_2025["United Kingdom"]
    assert (uk.pledged, uk.committed, uk.disbursed) == (D("1200000"), D("4800000"), D("1200000"))
    assert uk.gdp_status == GdpStatus.KNOWN and uk.economy.year == 2025
    assert uk.gdp == D("3000000000000")  # 2,500,000,000,000 GBP at 1.2
    assert uk.committed_percent == D("0.000160")  # 4,800,000 x 100 / 3,000,000,000,000
    assert uk.disbursed_percent == D("0.000040")
    assert uk.target_amount == D("7500000000")  # 0.25% of the GDP
    assert uk.missing_to_target == D("7495200000")

    belgium = year_2025["Belgium"]
    assert (belgium.pledged, belgium.committed, belgium.disbursed) == (D("0"), D("1500000"), D("0"))
    assert belgium.committed_percent == D("0.000250")
    assert belgium.target_amount == D("1500000000") and belgium.missing_to_target == D("1498500000")

    totals = sharing.totals(sharing.of_year(2025))
    assert (totals.pledged, totals.committed, totals.disbursed) == (D("3200000"), D("6300000"), D("1200000"))
    assert totals.target_amount == D("9000000000") and totals.missing_to_target == D("8993700000")


def test_an_international_body_is_a_donor_of_its_own_never_under_its_seat(small_portfolio):
    year_2025 = by_donor(burden_sharing(as_of=TODAY).of_year(2025))

    edf = year_2025["European Defence Fund"]
    assert (edf.donor.kind, edf.donor.code, edf.donor.country) == ("international_body", "eu-edf", "BE")
    assert edf.pledged == D("2000000") and edf.gdp_status == GdpStatus.NOT_A_COUNTRY
    assert edf.committed_percent is None and edf.missing_to_target is None
    # Belgium holds the Belgian ministry's money alone, not the fund seated in Brussels.
    assert year_2025["Belgium"].pledged == D("0") and year_2025["Belgium"].committed == D("1500000")


def test_a_year_without_gdp_uses_the_latest_earlier_one_and_a_donor_without_any_says_so(small_portfolio):
    sharing = burden_sharing(as_of=TODAY)

    uk_2026 = by_donor(sharing.of_year(2026))["United Kingdom"]
    assert uk_2026.disbursed == D("600000") and uk_2026.committed == D("0")
    assert uk_2026.economy.year == 2025 and uk_2026.missing_to_target == D("7500000000")

    us_2024 = by_donor(sharing.of_year(2024))["United States of America"]
    assert us_2024.committed == D("1800000")  # 2,000,000 USD at 0.9
    assert us_2024.gdp_status == GdpStatus.MISSING and us_2024.gdp is None
    assert us_2024.committed_percent is None and us_2024.target_amount is None
    assert sharing.totals(sharing.of_year(2024)).missing_to_target == D("0")


def test_gdp_in_a_currency_without_a_rate_is_not_guessed(small_portfolio):
    CountryEconomyFactory(country="US", year=2024, gdp=D("27000000000000.00"), currency="CHF")

    us_2024 = by_donor(burden_sharing(as_of=TODAY).of_year(2024))["United States of America"]

    assert us_2024.gdp_status == GdpStatus.NO_RATE and us_2024.economy.currency == "CHF"
    assert us_2024.gdp is None and us_2024.missing_to_target is None


def test_the_target_share_is_a_setting(small_portfolio, settings):
    settings.DONOR_GDP_TARGET_PERCENT = D("0.5")

    uk = by_donor(burden_sharing(as_of=TODAY).of_year(2025))["United Kingdom"]

    assert uk.target_amount == D("15000000000") and uk.missing_to_target == D("14995200000")


def test_a_donor_past_its_target_misses_nothing(small_portfolio):
    CountryEconomyFactory(country="US", year=2024, gdp=D("500000000.00"), currency="USD")  # a tiny economy

    us = by_donor(burden_sharing(as_of=TODAY).of_year(2024))["United States of America"]

    assert us.target_amount == D("1125000")  # 500,000,000 x 0.9 x 0.25%
    assert us.committed == D("1800000") and us.missing_to_target == D("0")
    assert us.committed_percent == D("0.400000")


def test_the_figures_cover_only_the_agreements_asked_for(small_portfolio):
    from projects.models import Agreement

    training = Agreement.objects.get(currency="GBP")

    sharing = burden_sharing(Agreement.objects.filter(pk=training.pk), as_of=TODAY)

    assert {(row.donor.name, row.year) for row in sharing.rows} == {
        ("United Kingdom", 2025),
        ("United States of America", 2024),
    }
    assert by_donor(sharing.of_year(2025))["United Kingdom"].pledged == D("1200000")
    assert by_donor(sharing.of_year(2025))["United Kingdom"].committed == D("0")


def build_donors(size: int) -> None:
    ExchangeRateFactory(currency="GBP", rate=D("1.17"), valid_on=TODAY)
    for country in ("GB", "DK", "DE"):
        CountryEconomyFactory(country=country, year=2025, currency="GBP")
    body = OrganizationFactory(kind="international_body", country="BE")
    for number in range(size):
        agreement = AgreementFactory()
        for funder in (OrganizationFactory(country=("GB", "DK", "DE")[number % 3], kind="ministry"), body):
            commitment = CommitmentFactory(agreement=agreement, funder=funder, currency="GBP")
            DisbursementFactory(commitment=commitment)


@pytest.mark.parametrize("size", [2, 30])
def test_burden_sharing_runs_a_constant_number_of_queries(size, django_assert_num_queries):
    build_donors(size)

    # The rates and the grouped sums of the funding figures, the funders, the GDP figures and their rates.
    with django_assert_num_queries(5):
        sharing = burden_sharing(as_of=TODAY)

    assert len(sharing.rows) == min(size, 3) + 1  # the countries funding, and the international body


# Property tests: donors' money adds up to the portfolio's, shares are never negative, bodies stay apart.

FUNDERS = (("GB", "ministry"), ("GB", "company"), ("BE", "ministry"), ("BE", "international_body"), ("US", "ministry"))
YEARS = (2024, 2025)
money = st.decimals(min_value=D("0.01"), max_value=D("100000000.00"), places=2)
commitment = st.tuples(
    st.sampled_from(range(len(FUNDERS))),
    money,
    st.sampled_from(("EUR", "GBP")),
    st.sampled_from(("pledged", "committed", "cancelled")),
    st.sampled_from(YEARS),
    st.lists(st.tuples(st.integers(min_value=1, max_value=50), st.sampled_from(YEARS)), max_size=2),
)
gdp = st.decimals(min_value=D("1000000000000.00"), max_value=D("9000000000000.00"), places=2)


@settings(
    derandomize=True,
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(commitments=st.lists(commitment, min_size=1, max_size=6), gdps=st.tuples(gdp, gdp), rate=money)
def test_donors_add_up_to_the_portfolio_and_shares_are_never_negative(db, commitments, gdps, rate):
    gbp = rate / 1000000  # a rate between 0.00000001 and 100
    with transaction.atomic():
        ExchangeRateFactory(currency="GBP", rate=gbp, valid_on=TODAY)
        for country, value in zip(("GB", "BE"), gdps, strict=True):
            CountryEconomyFactory(country=country, year=2024, gdp=value, currency="EUR")
        expected = build_money(commitments, {"EUR": Fraction(1), "GBP": Fraction(gbp)})

        sharing = burden_sharing(as_of=TODAY)

        got = {
            (row.donor.code if row.donor.is_country else row.donor.name, row.year): {
                kind: Fraction(getattr(row, kind)) for kind in ("pledged", "committed", "disbursed")
            }
            for row in sharing.rows
        }
        assert got == expected
        total = portfolio_funding(as_of=TODAY, by=("agreement",)).total
        for kind in ("pledged", "committed", "disbursed"):
            added = sum((getattr(row, kind) for row in sharing.rows), D(0))
            assert added == getattr(total, kind) and type(added) is Decimal
        for row in sharing.rows:
            assert_measured_sensibly(row)
        transaction.set_rollback(True)


def build_money(commitments, to_base: dict) -> dict:
    """Create the commitments and payments; return each (donor, year)'s exact money, worked out here."""
    funders = [OrganizationFactory(country=country, kind=kind) for country, kind in FUNDERS]
    agreement = AgreementFactory()
    expected = {}

    def add(funder: int, year: int, kind: str, amount: Decimal, currency: str) -> None:
        country, organization_kind = FUNDERS[funder]
        donor = funders[funder].name if organization_kind == "international_body" else country
        figures = expected.setdefault((donor, year), {"pledged": 0, "committed": 0, "disbursed": 0})
        figures[kind] += Fraction(amount) * to_base[currency]

    for funder, amount, currency, status, year, payments in commitments:
        created = CommitmentFactory(
            agreement=agreement,
            funder=funders[funder],
            amount=amount,
            currency=currency,
            status=status,
            pledged_on=datetime.date(year, 6, 1),
        )
        if status != "cancelled":
            add(funder, year, status, amount, currency)
        for number, (percent, paid_in) in enumerate(payments if status == "committed" else []):
            paid = (amount * percent / 100).quantize(D("0.01"))
            if paid > 0:
                DisbursementFactory(commitment=created, amount=paid, disbursed_on=datetime.date(paid_in, 7, number + 1))
                add(funder, paid_in, "disbursed", paid, currency)
    return expected


def assert_measured_sensibly(row) -> None:
    for share in (row.pledged_percent, row.committed_percent, row.disbursed_percent):
        assert share is None or D(0) <= share <= D(100)
    if row.gdp is not None:
        assert row.missing_to_target == max(D(0), row.target_amount - row.committed)
    if not row.donor.is_country:
        assert row.gdp is None and row.donor.country == "BE"
