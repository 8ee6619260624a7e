"""Funding summaries: what counts as money, conversion through the base currency, exactness, query counts."""

import datetime
from dataclasses import fields
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from projects.errors import DomainError, ErrorCode
from projects.models import Agreement, FundingCommitment
from projects.selectors import (
    IN_PORTFOLIO,
    FunderFunding,
    FundingSummary,
    Rates,
    Unvalued,
    funding_summary,
    portfolio_funding,
)
from projects.selectors.funding import with_sort_keys
from tests.factories import (
    TODAY,
    AgreementFactory,
    CapabilityFactory,
    CommitmentFactory,
    DisbursementFactory,
    ExchangeRateFactory,
    OrganizationFactory,
    TrancheFactory,
)

pytestmark = pytest.mark.django_db

BASE = "EUR"  # tests/conftest.py sets BASE_CURRENCY
DECEMBER_1 = datetime.date(2025, 12, 1)


def rate(currency: str, value: str, valid_on: datetime.date = TODAY) -> None:
    ExchangeRateFactory(currency=currency, rate=Decimal(value), valid_on=valid_on)


def assert_all_decimal(summary) -> None:
    labels = {"currency", "name", "international_body"}
    values = [getattr(summary, f.name) for f in fields(summary) if f.name not in labels]
    assert all(type(value) is Decimal for value in values), values


def test_gap_counts_firm_commitments_only_and_cancelled_money_nowhere():
    agreement = AgreementFactory(budget=Decimal("1000000.00"))
    CommitmentFactory(agreement=agreement, amount=Decimal("200000.00"), status="pledged")
    firm = CommitmentFactory(agreement=agreement, amount=Decimal("300000.00"), status="committed")
    DisbursementFactory(commitment=firm, amount=Decimal("100000.00"))
    DisbursementFactory(commitment=firm, amount=Decimal("50000.00"))
    CommitmentFactory(agreement=agreement, amount=Decimal("400000.00"), status="cancelled")

    summary = funding_summary(agreement, as_of=TODAY)

    assert summary == FundingSummary(
        "EUR",
        budget=Decimal("1000000.00"),
        pledged=Decimal("200000.00"),
        committed=Decimal("300000.00"),
        disbursed=Decimal("150000.00"),
    )
    assert summary.gap == Decimal("700000.00")
    assert summary.gap_if_pledges_honoured == Decimal("500000.00")
    assert summary.unfunded_share == Decimal("0.7000")
    assert_all_decimal(summary)


def test_unfunded_share_is_unknown_without_a_budget_and_can_go_negative_when_overcommitted():
    no_budget = AgreementFactory(budget=Decimal("0"))
    over = AgreementFactory(budget=Decimal("100.00"))
    CommitmentFactory(agreement=over, amount=Decimal("150.00"))

    assert funding_summary(no_budget, as_of=TODAY).unfunded_share is None
    assert funding_summary(over, as_of=TODAY).unfunded_share == Decimal("-0.5000")


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (datetime.date(2025, 12, 1), "1100.00"),
        (datetime.date(2026, 1, 9), "1100.00"),
        (datetime.date(2026, 1, 10), "1200.00"),
        (datetime.date(2026, 1, 31), "1200.00"),
        (datetime.date(2026, 2, 1), "1300.00"),
    ],
)
def test_conversion_uses_the_latest_rate_on_or_before_the_date(as_of, expected):
    rate("GBP", "1.10", datetime.date(2025, 12, 1))
    rate("GBP", "1.20", datetime.date(2026, 1, 10))
    rate("GBP", "1.30", datetime.date(2026, 2, 1))
    rate("USD", "0.50", datetime.date(2026, 1, 20))  # another currency's newer rate changes nothing
    agreement = AgreementFactory(currency="EUR")
    CommitmentFactory(agreement=agreement, amount=Decimal("1000.00"), currency="GBP")

    assert funding_summary(agreement, as_of=as_of).committed == Decimal(expected)
    assert portfolio_funding(as_of=as_of).total.committed == Decimal(expected)


def test_missing_rate_is_a_clear_error_not_zero():
    rate("GBP", "1.17", datetime.date(2026, 1, 10))
    agreement = AgreementFactory(currency="EUR")
    CommitmentFactory(agreement=agreement, amount=Decimal("1000.00"), currency="GBP")
    in_hryvnia = AgreementFactory(currency="UAH")

    assert funding_summary(agreement, as_of=datetime.date(2026, 1, 10)).committed == Decimal("1170.00")
    for read in (
        lambda: funding_summary(agreement, as_of=datetime.date(2026, 1, 9)),
        lambda: portfolio_funding(Agreement.objects.filter(pk=agreement.pk), as_of=datetime.date(2026, 1, 9)),
        lambda: funding_summary(in_hryvnia, as_of=TODAY),
        lambda: funding_summary(agreement, currency="PLN", as_of=TODAY),
    ):
        with pytest.raises(DomainError) as refused:
            read()
        assert refused.value.code == ErrorCode.MISSING_RATE
        assert "No exchange rate for" in refused.value.message and "EUR" in refused.value.message


def test_summary_in_another_currency_converts_through_the_base_and_rounds_once():
    rate("USD", "0.93")
    rate("GBP", "1.17")
    agreement = AgreementFactory(currency="USD", budget=Decimal("1000.00"))
    CommitmentFactory(agreement=agreement, amount=Decimal("500.00"), currency="USD")
    CommitmentFactory(agreement=agreement, amount=Decimal("100.00"), currency="GBP")

    in_dollars = funding_summary(agreement, as_of=TODAY)
    in_euros = funding_summary(agreement, currency=BASE, as_of=TODAY)

    # 100 GBP = 117 EUR = 125.806… USD: rounded once, after the sum.
    assert (in_dollars.currency, in_dollars.budget, in_dollars.committed) == (
        "USD",
        Decimal("1000.00"),
        Decimal("625.81"),
    )
    assert (in_euros.currency, in_euros.budget, in_euros.committed) == ("EUR", Decimal("930.00"), Decimal("582.00"))
    assert in_euros.rounded().committed == Decimal("582.00")


def test_portfolio_breaks_funding_down_by_agreement_capability_funder_and_country():
    rate("GBP", "1.20")
    drones, artillery = CapabilityFactory(name="Strike drones"), CapabilityFactory(name="Artillery")
    uk = OrganizationFactory(name="UK MoD", country="GB", kind="ministry")
    dk = OrganizationFactory(name="Danish MoD", country="DK", kind="ministry")
    dk_fund = OrganizationFactory(name="Danish Fund", country="DK", kind="ngo")
    first = AgreementFactory(budget=Decimal("1000.00"))
    first.capabilities.set([drones, artillery])
    second = AgreementFactory(budget=Decimal("500.00"), currency="GBP")
    second.capabilities.set([drones])
    uk_money = CommitmentFactory(agreement=first, funder=uk, amount=Decimal("100.00"), currency="GBP")
    DisbursementFactory(commitment=uk_money, amount=Decimal("50.00"))
    CommitmentFactory(agreement=first, funder=dk, amount=Decimal("300.00"), status="pledged")
    CommitmentFactory(agreement=second, funder=dk_fund, amount=Decimal("200.00"), currency="GBP")
    CommitmentFactory(agreement=second, funder=dk_fund, amount=Decimal("999.00"), status="cancelled")

    portfolio = portfolio_funding(as_of=TODAY)

    first_summary = FundingSummary("EUR", Decimal("1000.00"), Decimal("300.00"), Decimal("120.00"), Decimal("60.00"))
    second_summary = FundingSummary("EUR", Decimal("600.00"), Decimal("0"), Decimal("240.00"), Decimal("0"))
    assert portfolio.by_agreement == {first.pk: first_summary, second.pk: second_summary}
    assert portfolio.total == first_summary + second_summary
    assert portfolio.by_capability == {"Artillery": first_summary, "Strike drones": first_summary + second_summary}
    assert {name: (f.pledged, f.committed, f.disbursed) for name, f in portfolio.by_funder.items()} == {
        "Danish Fund": (0, Decimal("240.00"), 0),
        "Danish MoD": (Decimal("300.00"), 0, 0),
        "UK MoD": (0, Decimal("120.00"), Decimal("60.00")),
    }
    assert {code: (f.pledged, f.committed, f.disbursed) for code, f in portfolio.by_country.items()} == {
        "DK": (Decimal("300.00"), Decimal("240.00"), 0),
        "GB": (0, Decimal("120.00"), Decimal("60.00")),
    }
    assert portfolio.total.gap == Decimal("1240.00")


def test_an_international_body_is_a_donor_of_its_own_never_counted_under_its_seat():
    """The European Defence Fund, seated in Denmark, beside Denmark's ministry: EUR 500 committed (EUR 200 paid)
    and GBP 100 (EUR 120) pledged by the fund; EUR 300 committed by the ministry."""
    rate("GBP", "1.20")
    agreement = AgreementFactory(budget=Decimal("2000.00"))
    ministry = OrganizationFactory(name="Danish MoD", country="DK", kind="ministry")
    fund = OrganizationFactory(name="European Defence Fund", slug="eu-edf", country="DK", kind="international_body")
    firm = CommitmentFactory(agreement=agreement, funder=fund, amount=Decimal("500.00"))
    DisbursementFactory(commitment=firm, amount=Decimal("200.00"))
    CommitmentFactory(agreement=agreement, funder=fund, amount=Decimal("100.00"), currency="GBP", status="pledged")
    CommitmentFactory(agreement=agreement, funder=ministry, amount=Decimal("300.00"))

    portfolio = portfolio_funding(as_of=TODAY)

    assert portfolio.by_country == {
        "DK": FunderFunding("DK", Decimal("0"), Decimal("300.00"), Decimal("0")),
        "eu-edf": FunderFunding(
            "European Defence Fund", Decimal("120.00"), Decimal("500.00"), Decimal("200.00"), international_body=True
        ),
    }
    assert (portfolio.total.pledged, portfolio.total.committed, portfolio.total.disbursed) == (
        Decimal("120.00"),
        Decimal("800.00"),
        Decimal("200.00"),
    )


def two_agreements_sharing_a_funder():
    """Agreement "in" (asked for) and "out" (not), both funded by the UK; "out" also by Denmark and in Artillery."""
    drones, artillery = CapabilityFactory(name="Strike drones"), CapabilityFactory(name="Artillery")
    uk = OrganizationFactory(name="UK MoD", country="GB")
    dk = OrganizationFactory(name="Danish MoD", country="DK")
    inside = AgreementFactory(budget=Decimal("1000.00"), status="active", signed_on=TODAY)
    inside.capabilities.set([drones])
    outside = AgreementFactory(budget=Decimal("7000.00"), status="terminated", signed_on=TODAY)
    outside.capabilities.set([drones, artillery])
    paid = CommitmentFactory(agreement=inside, funder=uk, amount=Decimal("400.00"))
    DisbursementFactory(commitment=paid, amount=Decimal("100.00"))
    CommitmentFactory(agreement=inside, funder=uk, amount=Decimal("50.00"), status="pledged")
    elsewhere = CommitmentFactory(agreement=outside, funder=uk, amount=Decimal("3000.00"))
    DisbursementFactory(commitment=elsewhere, amount=Decimal("2000.00"))
    CommitmentFactory(agreement=outside, funder=dk, amount=Decimal("900.00"), status="pledged")
    return inside


@pytest.mark.parametrize("scope", ["queryset", "condition"])
@pytest.mark.parametrize("by", [("agreement", "capability", "funder"), ("capability", "funder")])
def test_a_subset_of_agreements_counts_only_its_own_money_in_every_breakdown(scope, by):
    inside = two_agreements_sharing_a_funder()
    asked = Agreement.objects.filter(status="active") if scope == "queryset" else IN_PORTFOLIO

    portfolio = portfolio_funding(asked, as_of=TODAY, by=by)

    inside_summary = FundingSummary("EUR", Decimal("1000.00"), Decimal("50.00"), Decimal("400.00"), Decimal("100.00"))
    assert portfolio.total == inside_summary and portfolio.agreement_count == 1
    assert portfolio.by_capability == {"Strike drones": inside_summary}
    assert portfolio.by_funder == {
        "UK MoD": FunderFunding("UK MoD", Decimal("50.00"), Decimal("400.00"), Decimal("100.00"))
    }
    assert portfolio.by_country == {"GB": FunderFunding("GB", Decimal("50.00"), Decimal("400.00"), Decimal("100.00"))}
    if "agreement" in by:
        assert portfolio.by_agreement == {inside.pk: inside_summary}
    else:
        assert portfolio.by_agreement is None


def test_the_total_alone_of_a_subset_is_its_own_money():
    two_agreements_sharing_a_funder()

    portfolio = portfolio_funding(IN_PORTFOLIO, as_of=TODAY, by=())

    assert portfolio.total == FundingSummary(
        "EUR", Decimal("1000.00"), Decimal("50.00"), Decimal("400.00"), Decimal("100.00")
    )
    assert (portfolio.by_agreement, portfolio.by_capability, portfolio.by_funder, portfolio.by_country) == (
        None,
        None,
        None,
        None,
    )


def build_portfolio(size: int) -> None:
    """`size` agreements in three currencies with capabilities, pledges, commitments and disbursements."""
    rate("GBP", "1.17")
    rate("USD", "0.93")
    capabilities = [CapabilityFactory() for _ in range(3)]
    funders = [OrganizationFactory(country=country) for country in ("GB", "DK", "US")]
    for n in range(size):
        agreement = AgreementFactory(currency=("EUR", "GBP", "USD")[n % 3])
        agreement.capabilities.set(capabilities[: 1 + n % 3])
        for funder, currency, status in zip(
            funders, ("GBP", "EUR", "USD"), ("committed", "committed", "pledged"), strict=True
        ):
            commitment = CommitmentFactory(agreement=agreement, funder=funder, currency=currency, status=status)
            if status == "committed":
                DisbursementFactory(commitment=commitment)
                DisbursementFactory(commitment=commitment)


@pytest.mark.parametrize("size", [2, 30])
def test_portfolio_funding_runs_a_constant_number_of_queries(size, django_assert_num_queries):
    build_portfolio(size)

    # The rates, then one statement for the breakdowns (agreement, capability, funder); the total is their sum.
    with django_assert_num_queries(2):
        portfolio = portfolio_funding(as_of=TODAY)

    assert len(portfolio.by_agreement) == size and len(portfolio.by_country) == 3
    assert portfolio.total.disbursed == Decimal("10000.00") * 2 * (Decimal("1.17") + 1) * size


def test_agreement_funding_summary_runs_two_queries(django_assert_num_queries):
    """The rates, then budget, commitments and disbursements summed per currency in one query."""
    build_portfolio(3)
    agreement = Agreement.objects.last()

    with django_assert_num_queries(2):
        funding_summary(agreement, as_of=TODAY)


# Property tests: the portfolio total is exactly the sum of the agreements' totals, all in Decimal.

CURRENCIES = ("EUR", "GBP", "USD", "UAH")
STATUSES = ("pledged", "committed", "cancelled")


def portfolios(max_amount: str, max_rate: str):
    money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(max_amount), places=2)
    commitment = st.tuples(money, st.sampled_from(CURRENCIES), st.sampled_from(STATUSES), st.lists(money, max_size=2))
    agreement = st.tuples(money, st.sampled_from(CURRENCIES), st.lists(commitment, max_size=3))
    rates = st.fixed_dictionaries(
        {c: st.decimals(min_value=Decimal("0.00000001"), max_value=Decimal(max_rate), places=8) for c in CURRENCIES[1:]}
    )
    return st.tuples(st.lists(agreement, min_size=1, max_size=4), rates)


def assert_portfolio_is_exact_sum_of_agreements(spec) -> None:
    agreements_spec, rates = spec
    with transaction.atomic():
        for currency, value in rates.items():
            ExchangeRateFactory(currency=currency, rate=value, valid_on=TODAY)
        to_base = {BASE: Fraction(1), **{currency: Fraction(value) for currency, value in rates.items()}}
        expected = build_agreements(agreements_spec, to_base)

        portfolio = portfolio_funding(as_of=TODAY)

        assert_each_agreement_is_its_own_summary(portfolio, expected, to_base)
        assert_totals_are_exact_sums(portfolio, expected)
        transaction.set_rollback(True)


def build_agreements(agreements_spec, to_base: dict) -> dict[int, dict]:
    """Create the agreements; return each one's exact figures in the base currency."""
    funder = OrganizationFactory()
    expected = {}
    for budget, currency, commitments in agreements_spec:
        agreement = AgreementFactory(budget=budget, currency=currency)
        money = {"budget": Fraction(budget) * to_base[currency], "pledged": 0, "committed": 0, "disbursed": 0}
        for amount, commitment_currency, status, payments in commitments:
            commitment = CommitmentFactory(
                agreement=agreement, funder=funder, amount=amount, currency=commitment_currency, status=status
            )
            if status != "cancelled":
                money[status] += Fraction(amount) * to_base[commitment_currency]
            if status == "committed":
                for payment in payments:
                    DisbursementFactory(commitment=commitment, amount=payment)
                    money["disbursed"] += Fraction(payment) * to_base[commitment_currency]
        expected[agreement.pk] = money
    return expected


def assert_each_agreement_is_its_own_summary(portfolio, expected: dict, to_base: dict) -> None:
    for agreement in Agreement.objects.all():
        own = funding_summary(agreement, currency=BASE, as_of=TODAY)
        alone = portfolio_funding(Agreement.objects.filter(pk=agreement.pk), as_of=TODAY).total
        assert portfolio.by_agreement[agreement.pk] == own == alone
        # In another currency than the base: the budget comes back unchanged, the rest is rounded
        # once, to the cent (in the base currency the figures stay exact).
        local = funding_summary(agreement, as_of=TODAY)
        assert local.budget == agreement.budget
        if agreement.currency != BASE:
            for name in ("pledged", "committed", "disbursed"):
                cents = round(expected[agreement.pk][name] / to_base[agreement.currency] * 100)
                assert Fraction(getattr(local, name)) == Fraction(cents, 100)


def assert_totals_are_exact_sums(portfolio, expected: dict) -> None:
    for name in ("budget", "pledged", "committed", "disbursed"):
        exact_total = sum(money[name] for money in expected.values())
        assert Fraction(getattr(portfolio.total, name)) == exact_total
        assert Fraction(sum(Fraction(getattr(s, name)) for s in portfolio.by_agreement.values())) == exact_total
    assert Fraction(portfolio.total.gap) == sum(m["budget"] - m["committed"] for m in expected.values())
    assert Fraction(portfolio.total.gap_if_pledges_honoured) == sum(
        m["budget"] - m["committed"] - m["pledged"] for m in expected.values()
    )
    assert abs(Fraction(portfolio.total.rounded().committed) - Fraction(portfolio.total.committed)) <= Fraction(1, 200)
    assert_all_decimal(portfolio.total)
    for summary in [*portfolio.by_agreement.values(), *portfolio.by_capability.values()]:
        assert_all_decimal(summary)


PROPERTY_SETTINGS = settings(
    derandomize=True,
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@PROPERTY_SETTINGS
@given(spec=portfolios(max_amount="1000000000.00", max_rate="1000"))
def test_portfolio_total_is_exactly_the_sum_of_agreement_totals(db, spec):
    assert_portfolio_is_exact_sum_of_agreements(spec)


LARGEST = (
    [(Decimal("9999999999999999.99"), "GBP", [(Decimal("9999999999999999.99"), "GBP", "committed", [])])],
    {"GBP": Decimal("999999999999.99999999"), "USD": Decimal("0.00000001"), "UAH": Decimal("0.00000001")},
)
MIXED = (
    [
        (Decimal("9999999999999999.99"), "GBP", []),
        (Decimal("1.01"), "USD", [(Decimal("0.01"), "UAH", "pledged", [])]),
    ],
    {"GBP": Decimal("999999999999.99999999"), "USD": Decimal("1.00000001"), "UAH": Decimal("0.00000001")},
)


@pytest.mark.postgres
@PROPERTY_SETTINGS
@given(spec=portfolios(max_amount="9999999999999999.99", max_rate="999999999999.99999999"))
@example(spec=LARGEST)
@example(spec=MIXED)
def test_portfolio_total_stays_exact_up_to_the_largest_amounts_the_database_holds(db, spec):
    """PostgreSQL sums numerics exactly (SQLite sums floats), so the conversion must stay exact too."""
    assert_portfolio_is_exact_sum_of_agreements(spec)


# Property tests: each breakdown adds up exactly to the total it breaks down.

EVERY_BREAKDOWN = ("agreement", "capability", "funder", "month")
# Two funders share a country; an international body is seated in one of them yet is a donor of its own.
FUNDERS = (("GB", "ministry"), ("DK", "ministry"), ("DK", "ngo"), ("DK", "international_body"))
CAPABILITIES = ("Strike drones", "Artillery", "Air defence")
# Days across three months, with a month's first and last days.
DAYS = (datetime.date(2025, 11, 30), datetime.date(2025, 12, 1), datetime.date(2025, 12, 31), TODAY)


def breakdown_portfolios(max_amount: str, max_rate: str):
    money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(max_amount), places=2)
    day = st.sampled_from(DAYS)
    commitment = st.tuples(
        money,
        st.sampled_from(CURRENCIES),
        st.sampled_from(STATUSES),
        st.integers(0, len(FUNDERS) - 1),
        st.lists(st.tuples(money, day), max_size=2),
        day,
    )
    capabilities = st.sets(st.sampled_from(CAPABILITIES))
    agreement = st.tuples(money, st.sampled_from(CURRENCIES), capabilities, st.lists(commitment, max_size=3))
    rates = st.fixed_dictionaries(
        {c: st.decimals(min_value=Decimal("0.00000001"), max_value=Decimal(max_rate), places=8) for c in CURRENCIES[1:]}
    )
    return st.tuples(st.lists(agreement, min_size=1, max_size=5), rates)


def build_breakdown_portfolio(spec) -> dict[int, set[str]]:
    """The portfolio of `spec`, returning each agreement's capabilities and the currencies its money is in."""
    agreements_spec, rates = spec
    for currency, value in rates.items():
        if value is not None:
            ExchangeRateFactory(currency=currency, rate=value, valid_on=TODAY)
    capabilities = {name: CapabilityFactory(name=name) for name in CAPABILITIES}
    funders = [OrganizationFactory(name=f"Funder {n}", country=c, kind=kind) for n, (c, kind) in enumerate(FUNDERS)]
    built = {}
    for budget, currency, names, commitments in agreements_spec:
        agreement = AgreementFactory(budget=budget, currency=currency)
        agreement.capabilities.set([capabilities[name] for name in names])
        currencies = {currency}
        for amount, commitment_currency, status, funder, payments, pledged_on in commitments:
            commitment = CommitmentFactory(
                agreement=agreement,
                funder=funders[funder],
                amount=amount,
                currency=commitment_currency,
                status=status,
                pledged_on=pledged_on,
            )
            if status != "cancelled":
                currencies.add(commitment_currency)
            if status == "committed":
                for payment, disbursed_on in payments:
                    DisbursementFactory(commitment=commitment, amount=payment, disbursed_on=disbursed_on)
        built[agreement.pk] = (set(names), currencies)
    return built


def exact_sum(figures, name: str) -> Fraction:
    return sum((Fraction(getattr(figure, name)) for figure in figures), Fraction(0))


def assert_breakdowns_add_up(portfolio, capabilities: dict[int, set[str]]) -> None:
    for name in ("pledged", "committed", "disbursed"):
        total = Fraction(getattr(portfolio.total, name))
        assert exact_sum(portfolio.by_funder.values(), name) == total
        assert exact_sum(portfolio.by_country.values(), name) == total
        assert exact_sum(portfolio.by_month.values(), name) == total
    for name in ("budget", "pledged", "committed", "disbursed"):
        assert exact_sum(portfolio.by_agreement.values(), name) == Fraction(getattr(portfolio.total, name))
    for capability in CAPABILITIES:
        having = [portfolio.by_agreement[pk] for pk, names in capabilities.items() if capability in names]
        expected = sum(having, FundingSummary(BASE)) if having else None
        assert portfolio.by_capability.get(capability) == expected
    assert portfolio.agreement_count == len(portfolio.by_agreement) == len(capabilities)
    for figure in [portfolio.total, *portfolio.by_capability.values(), *portfolio.by_country.values()]:
        assert_all_decimal(figure)


@PROPERTY_SETTINGS
@given(spec=breakdown_portfolios(max_amount="1000000000.00", max_rate="1000"))
def test_breakdowns_add_up_exactly_to_the_portfolio_total(db, spec):
    """Funders and countries to the money, agreements to every figure, each capability to its agreements."""
    with transaction.atomic():
        built = build_breakdown_portfolio(spec)

        portfolio = portfolio_funding(as_of=TODAY, by=EVERY_BREAKDOWN)
        dashboard = portfolio_funding(as_of=TODAY, by=("capability", "funder"))

        assert_breakdowns_add_up(portfolio, {pk: names for pk, (names, _) in built.items()})
        assert (dashboard.total, dashboard.by_capability, dashboard.by_funder, dashboard.by_country) == (
            portfolio.total,
            portfolio.by_capability,
            portfolio.by_funder,
            portfolio.by_country,
        )
        assert dashboard.by_agreement is None
        transaction.set_rollback(True)


@PROPERTY_SETTINGS
@given(spec=breakdown_portfolios(max_amount="1000000000.00", max_rate="1000"))
def test_agreements_whose_money_cannot_be_converted_are_left_out_of_every_figure_and_named(db, spec):
    agreements_spec, rates = spec
    with transaction.atomic():
        built = build_breakdown_portfolio((agreements_spec, {**rates, "UAH": None}))

        portfolio = portfolio_funding(as_of=TODAY, by=EVERY_BREAKDOWN, leave_out_unconvertible=True)

        unvalued = {pk for pk, (_, currencies) in built.items() if "UAH" in currencies}
        assert {u.agreement_id: u.currencies for u in portfolio.unvalued} == dict.fromkeys(unvalued, ("UAH",))
        valued = {pk: names for pk, (names, _) in built.items() if pk not in unvalued}
        assert set(portfolio.by_agreement) == set(valued)
        for pk in valued:
            assert portfolio.by_agreement[pk] == funding_summary(
                Agreement.objects.get(pk=pk), currency=BASE, as_of=TODAY
            )
        assert_breakdowns_add_up(portfolio, valued)
        if unvalued:
            with pytest.raises(DomainError) as refused:
                portfolio_funding(as_of=TODAY)
            assert refused.value.code == ErrorCode.MISSING_RATE and "UAH" in refused.value.message
        transaction.set_rollback(True)


# Each rule stated as a reader of the figures would state it, with the figures worked out by hand.


def test_released_not_yet_disbursed_is_what_tranches_released_less_what_was_paid_from_them(staff_user):
    """GBP 1,000 firm (at 1.20: EUR 1,200) in three tranches: 400 and 300 released, 300 not; 250 and 300 paid
    from the released ones. EUR 500 firm without tranches, 200 of it paid. A cancelled commitment's released
    tranche counts nowhere."""
    rate("GBP", "1.20")
    agreement = AgreementFactory(budget=Decimal("5000.00"))
    released = {"released_at": timezone.now(), "released_by": staff_user}
    in_pounds = CommitmentFactory(agreement=agreement, amount=Decimal("1000.00"), currency="GBP")
    first = TrancheFactory(commitment=in_pounds, amount=Decimal("400.00"), **released)
    second = TrancheFactory(commitment=in_pounds, amount=Decimal("300.00"), **released)
    TrancheFactory(commitment=in_pounds, amount=Decimal("300.00"))
    DisbursementFactory(commitment=in_pounds, tranche=first, amount=Decimal("250.00"))
    DisbursementFactory(commitment=in_pounds, tranche=second, amount=Decimal("300.00"))
    plain = CommitmentFactory(agreement=agreement, amount=Decimal("500.00"))
    DisbursementFactory(commitment=plain, amount=Decimal("200.00"))
    withdrawn = CommitmentFactory(agreement=agreement, amount=Decimal("600.00"))
    TrancheFactory(commitment=withdrawn, amount=Decimal("600.00"), **released)
    FundingCommitment.objects.filter(pk=withdrawn.pk).update(status="cancelled")

    expected = FundingSummary(
        "EUR",
        budget=Decimal("5000.00"),
        committed=Decimal("1700.00"),
        disbursed=Decimal("860.00"),
        released=Decimal("840.00"),
        paid_from_tranches=Decimal("660.00"),
    )
    assert funding_summary(agreement, as_of=TODAY) == expected
    assert portfolio_funding(as_of=TODAY).total == expected
    assert expected.released_not_disbursed == Decimal("180.00")


def test_verified_figures_only_leave_out_unverified_commitments_and_payments_never_budgets(staff_user):
    """Verified: EUR 300 firm (100 of its 150 paid verified), EUR 40 pledged. Not verified: EUR 200 firm,
    EUR 60 pledged, and a payment of EUR 70 on the verified commitment."""
    checked = {"verified_by": staff_user, "verified_at": timezone.now()}
    agreement = AgreementFactory(budget=Decimal("1000.00"))
    firm = CommitmentFactory(agreement=agreement, amount=Decimal("300.00"), **checked)
    DisbursementFactory(commitment=firm, amount=Decimal("100.00"), **checked)
    DisbursementFactory(commitment=firm, amount=Decimal("70.00"))
    CommitmentFactory(agreement=agreement, amount=Decimal("40.00"), status="pledged", **checked)
    unchecked = CommitmentFactory(agreement=agreement, amount=Decimal("200.00"))
    DisbursementFactory(commitment=unchecked, amount=Decimal("50.00"), **checked)
    CommitmentFactory(agreement=agreement, amount=Decimal("60.00"), status="pledged")

    everything = portfolio_funding(as_of=TODAY, by=("agreement",)).by_agreement[agreement.pk]
    verified = portfolio_funding(as_of=TODAY, by=("agreement",), verified_only=True).by_agreement[agreement.pk]

    assert everything == FundingSummary(
        "EUR", Decimal("1000.00"), Decimal("100.00"), Decimal("500.00"), Decimal("220.00")
    )
    # A verified payment counts even on a commitment not yet verified: each figure is checked on its own.
    assert verified == FundingSummary("EUR", Decimal("1000.00"), Decimal("40.00"), Decimal("300.00"), Decimal("150.00"))


def test_money_by_month_and_by_funder_and_year_is_dated_by_the_pledge_and_the_payment():
    """The UK pledged EUR 500 firm on 1 Dec 2025 and paid 200 of it on 10 Jan 2026; Denmark pledged EUR 300
    (not firm) on 31 Dec 2025 and EUR 100 firm on 15 Jan 2026."""
    uk = OrganizationFactory(name="UK MoD", country="GB")
    dk = OrganizationFactory(name="Danish MoD", country="DK")
    agreement = AgreementFactory(budget=Decimal("2000.00"))
    firm = CommitmentFactory(agreement=agreement, funder=uk, amount=Decimal("500.00"), pledged_on=DECEMBER_1)
    DisbursementFactory(commitment=firm, amount=Decimal("200.00"), disbursed_on=datetime.date(2026, 1, 10))
    CommitmentFactory(
        agreement=agreement,
        funder=dk,
        amount=Decimal("300.00"),
        status="pledged",
        pledged_on=datetime.date(2025, 12, 31),
    )
    CommitmentFactory(agreement=agreement, funder=dk, amount=Decimal("100.00"), pledged_on=TODAY)

    portfolio = portfolio_funding(as_of=TODAY, by=("month", "funder_year"))

    assert portfolio.by_month == {
        "2025-12": FunderFunding("2025-12", Decimal("300.00"), Decimal("500.00"), Decimal("0")),
        "2026-01": FunderFunding("2026-01", Decimal("0"), Decimal("100.00"), Decimal("200.00")),
    }
    assert portfolio.by_funder_year == {
        (uk.pk, 2025): FundingSummary("EUR", committed=Decimal("500.00")),
        (uk.pk, 2026): FundingSummary("EUR", disbursed=Decimal("200.00")),
        (dk.pk, 2025): FundingSummary("EUR", pledged=Decimal("300.00")),
        (dk.pk, 2026): FundingSummary("EUR", committed=Decimal("100.00")),
    }
    assert portfolio.total == FundingSummary(
        "EUR", Decimal("2000.00"), Decimal("300.00"), Decimal("600.00"), Decimal("200.00")
    )
    assert portfolio.agreement_count == 1


@pytest.mark.parametrize(
    ("by", "queries"),
    [
        ((), 2),
        (("agreement",), 2),
        (("funder",), 2),
        (("funder_year",), 2),
        (("month",), 2),
        (("capability",), 2),
        (("capability", "funder"), 2),
        (("agreement", "capability", "funder"), 2),
    ],
)
def test_the_total_is_the_same_whatever_is_broken_down_and_costs_no_query_of_its_own_beside_a_full_split(
    by, queries, django_assert_num_queries
):
    """The rates, then one statement for the breakdowns, with the plain sums in it only when no breakdown
    asked for splits every amount once (by capability an agreement counts under each of its capabilities).
    EUR 1,000 and 500 budgets, EUR 300 firm from the UK (100 paid), EUR 50 pledged by Denmark."""
    drones = CapabilityFactory(name="Strike drones")
    first, second = AgreementFactory(budget=Decimal("1000.00")), AgreementFactory(budget=Decimal("500.00"))
    first.capabilities.set([drones])
    firm = CommitmentFactory(agreement=first, funder=OrganizationFactory(country="GB"), amount=Decimal("300.00"))
    DisbursementFactory(commitment=firm, amount=Decimal("100.00"))
    CommitmentFactory(
        agreement=second, funder=OrganizationFactory(country="DK"), amount=Decimal("50.00"), status="pledged"
    )

    with django_assert_num_queries(queries):
        portfolio = portfolio_funding(as_of=TODAY, by=by)

    assert portfolio.total == FundingSummary(
        "EUR", Decimal("1500.00"), Decimal("50.00"), Decimal("300.00"), Decimal("100.00")
    )
    assert portfolio.agreement_count == 2


def test_figures_are_valued_at_todays_rates_unless_a_day_is_asked_for():
    today = timezone.localdate()
    rate("GBP", "1.10", today - datetime.timedelta(days=3))
    rate("GBP", "1.50", today + datetime.timedelta(days=3))
    agreement = AgreementFactory(budget=Decimal("1000.00"))
    CommitmentFactory(agreement=agreement, amount=Decimal("100.00"), currency="GBP")

    assert funding_summary(agreement).committed == Decimal("110.00")
    assert funding_summary(agreement, currency="GBP").budget == Decimal("909.09")  # EUR 1,000 at 1.10, to the cent
    portfolio = portfolio_funding()
    assert (portfolio.as_of, portfolio.total.committed) == (today, Decimal("110.00"))


def test_a_cancelled_commitment_in_a_currency_without_a_rate_leaves_its_agreement_counted():
    """Only live money in a currency without a rate leaves an agreement out; both agreements here are in EUR."""
    counted = AgreementFactory(reference="UA-DK-2026-001", budget=Decimal("1000.00"))
    CommitmentFactory(agreement=counted, amount=Decimal("400.00"), currency="UAH", status="cancelled")
    CommitmentFactory(agreement=counted, amount=Decimal("100.00"))
    left_out = AgreementFactory(reference="UA-PL-2026-002", budget=Decimal("500.00"))
    CommitmentFactory(agreement=left_out, amount=Decimal("700.00"), currency="UAH", status="pledged")

    portfolio = portfolio_funding(as_of=TODAY, leave_out_unconvertible=True)

    assert portfolio.unvalued == (Unvalued(left_out.pk, "UA-PL-2026-002", ("UAH",)),)
    assert portfolio.total == FundingSummary("EUR", budget=Decimal("1000.00"), committed=Decimal("100.00"))


def test_sort_keys_value_each_agreement_at_the_latest_rate_of_its_own_currency_on_the_day():
    """A: EUR 1,000 budget; EUR 300 and GBP 100 (at 1.20: EUR 120) firm; EUR 50 pledged and EUR 999 cancelled.
    B: GBP 1,000 budget (EUR 1,200), EUR 200 firm. C: EUR 500 budget, EUR 100 firm and CHF 100 firm with no
    CHF rate yet on the day. D: no budget, no money. Earlier and later GBP rates, and a newer USD one, do not
    count."""
    rate("GBP", "1.10", TODAY - datetime.timedelta(days=30))
    rate("GBP", "1.20", TODAY - datetime.timedelta(days=10))
    rate("GBP", "9.00", TODAY + datetime.timedelta(days=1))
    rate("USD", "0.50", TODAY - datetime.timedelta(days=5))
    rate("CHF", "1.05", TODAY + datetime.timedelta(days=1))
    a = AgreementFactory(reference="A", budget=Decimal("1000.00"))
    CommitmentFactory(agreement=a, amount=Decimal("300.00"))
    CommitmentFactory(agreement=a, amount=Decimal("100.00"), currency="GBP")
    CommitmentFactory(agreement=a, amount=Decimal("50.00"), status="pledged")
    CommitmentFactory(agreement=a, amount=Decimal("999.00"), status="cancelled")
    b = AgreementFactory(reference="B", budget=Decimal("1000.00"), currency="GBP")
    CommitmentFactory(agreement=b, amount=Decimal("200.00"))
    c = AgreementFactory(reference="C", budget=Decimal("500.00"))
    CommitmentFactory(agreement=c, amount=Decimal("100.00"))
    CommitmentFactory(agreement=c, amount=Decimal("100.00"), currency="CHF")
    AgreementFactory(reference="D", budget=Decimal("0"))

    keys = {
        row.reference: (row.gap_in_base, None if row.coverage is None else round(row.coverage, 4))
        for row in with_sort_keys(Agreement.objects.all(), TODAY)
    }

    assert keys == {
        "A": (Decimal("580.00"), Decimal("0.4200")),
        "B": (Decimal("1000.00"), Decimal("0.1667")),
        "C": (None, None),
        "D": (Decimal("0"), None),
    }


def test_verified_sort_keys_count_verified_firm_commitments_only(staff_user):
    agreement = AgreementFactory(budget=Decimal("1000.00"))
    CommitmentFactory(agreement=agreement, amount=Decimal("300.00"), verified_by=staff_user, verified_at=timezone.now())
    CommitmentFactory(agreement=agreement, amount=Decimal("200.00"))

    (everything,) = with_sort_keys(Agreement.objects.all(), TODAY)
    (verified,) = with_sort_keys(Agreement.objects.all(), TODAY, verified_only=True)

    assert (everything.gap_in_base, verified.gap_in_base) == (Decimal("500.00"), Decimal("700.00"))


def test_coverage_is_the_firmly_committed_share_of_the_budget_to_four_places():
    """EUR 300 firm and EUR 200 pledged of a EUR 900 budget: a third covered, two thirds unfunded."""
    agreement = AgreementFactory(budget=Decimal("900.00"))
    CommitmentFactory(agreement=agreement, amount=Decimal("300.00"))
    CommitmentFactory(agreement=agreement, amount=Decimal("200.00"), status="pledged")

    summary = funding_summary(agreement, as_of=TODAY)

    assert (summary.coverage, summary.unfunded_share) == (Decimal("0.3333"), Decimal("0.6667"))
    assert FundingSummary("EUR", budget=Decimal("0"), committed=Decimal("10.00")).coverage is None


def test_summaries_add_up_in_one_currency_only():
    euros = FundingSummary("EUR", budget=Decimal("10.00"), committed=Decimal("4.00"))

    assert euros + euros == FundingSummary("EUR", budget=Decimal("20.00"), committed=Decimal("8.00"))
    with pytest.raises(ValueError, match="same currency"):
        euros + FundingSummary("GBP", budget=Decimal("10.00"))


def test_the_rates_of_a_day_know_the_currencies_they_can_convert():
    rate("GBP", "1.17", TODAY - datetime.timedelta(days=1))
    rate("USD", "0.93", TODAY + datetime.timedelta(days=1))

    rates = Rates(TODAY)

    assert ("EUR" in rates, "GBP" in rates, "USD" in rates, "PLN" in rates) == (True, True, False, False)
    assert rates.currencies() == {"EUR", "GBP"}
