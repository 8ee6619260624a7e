"""Capacity on the books against capacity on funded money, and output against targets, per capability.

A small portfolio computed by hand, then properties over generated ones: shares stay in [0, 1], the
lines add up to their totals, funded + unfunded is the capacity on the books, exactly, in Decimal.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects.choices import CommitmentStatus, IndicatorKind, PeriodState
from projects.models import Agreement, IndicatorPeriod
from projects.selectors import portfolio_capacity
from tests.factories import (
    TODAY,
    AgreementFactory,
    CapabilityFactory,
    CommitmentFactory,
    ExchangeRateFactory,
    IndicatorFactory,
    OrganizationFactory,
    StaffUserFactory,
)


def period(indicator, n: int, state: str, actual: int | None) -> IndicatorPeriod:
    """The nth quarter of an indicator, in `state` with the fields that state needs."""
    now = timezone.now()
    reported = {"actual": actual, "reported_at": now} if state != PeriodState.OPEN else {}
    verified = {"verified_by": StaffUserFactory(), "verified_at": now} if state in ("verified", "locked") else {}
    start = TODAY + datetime.timedelta(days=100 * n)
    return IndicatorPeriod.objects.create(
        indicator=indicator,
        starts_on=start,
        ends_on=start + datetime.timedelta(days=89),
        state=state,
        **reported,
        **verified,
    )


@pytest.fixture
def small_portfolio(db):
    ExchangeRateFactory(currency="GBP", rate=Decimal("1.17"))
    drones = CapabilityFactory(name="Interceptor drones")
    shells = CapabilityFactory(name="Ammunition")
    training = CapabilityFactory(name="Aircraft maintenance")
    alpha = AgreementFactory(budget=Decimal("1000000.00"))
    CommitmentFactory(agreement=alpha, amount=Decimal("400000.00"))
    CommitmentFactory(agreement=alpha, amount=Decimal("300000.00"), status=CommitmentStatus.PLEDGED)
    IndicatorFactory(agreement=alpha, capability=drones, unit="interceptor drones", target=10000)
    airbus = IndicatorFactory(
        agreement=alpha, capability=training, kind=IndicatorKind.OUTPUT, unit="specialists certified", target=40
    )
    for n, (state, actual) in enumerate([("reported", 12), ("verified", 10), ("locked", 8), ("open", None)]):
        period(airbus, n, state, actual)
    bravo = AgreementFactory(currency="GBP", budget=Decimal("500000.00"))
    CommitmentFactory(agreement=bravo, amount=Decimal("600000.00"), currency="GBP")  # over-committed: share 1
    IndicatorFactory(agreement=bravo, capability=drones, unit="interceptor drones", target=2000)
    charlie = AgreementFactory(budget=Decimal("2000000.00"))
    CommitmentFactory(agreement=charlie, amount=Decimal("500000.00"), currency="GBP")  # EUR 585,000: 0.2925
    IndicatorFactory(agreement=charlie, capability=shells, unit="155 mm shells", target=100000)


def test_a_small_portfolio_matches_the_figures_worked_out_by_hand(small_portfolio):
    capacity = portfolio_capacity(as_of=TODAY)
    rows = [
        (line.capability, line.unit, line.on_books, line.funded, line.unfunded, line.unfunded_share)
        for line in capacity.lines
        if line.on_books
    ]
    assert rows == [
        ("Ammunition", "155 mm shells", 100000, 29250, 70750, Decimal("0.7075")),
        ("Interceptor drones", "interceptor drones", 12000, 6000, 6000, Decimal("0.5")),
    ]
    (training,) = [line for line in capacity.lines if line.output_target]
    assert (training.capability, training.output_target, training.output_to_date, training.output_verified) == (
        "Aircraft maintenance",
        40,
        30,
        18,
    )
    assert training.output_share == Decimal("0.75")


def test_an_agreement_without_a_rate_is_left_out_and_listed(small_portfolio):
    Agreement.objects.filter(currency="GBP").update(currency="NOK")
    capacity = portfolio_capacity(as_of=TODAY)
    drones = next(line for line in capacity.lines if line.capability == "Interceptor drones")
    assert (drones.on_books, drones.funded) == (10000, 4000)
    assert [u.currencies for u in capacity.unvalued] == [("NOK",)]


@pytest.mark.parametrize("size", [1, 12])
def test_the_figures_take_three_queries_whatever_the_portfolio_size(db, size):
    capability = CapabilityFactory()
    for _ in range(size):
        indicator = IndicatorFactory(capability=capability)
        CommitmentFactory(agreement=indicator.agreement)
        period(IndicatorFactory(agreement=indicator.agreement, capability=capability, kind="output"), 0, "reported", 5)
    with CaptureQueriesContext(connection) as captured:
        capacity = portfolio_capacity(Agreement.objects.all(), as_of=TODAY)
    assert len(captured) == 3 and capacity.totals[0].on_books == 1000 * size


# Properties over generated portfolios -------------------------------------------------------------

money = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
agreement_specs = st.lists(
    st.tuples(
        money,  # budget
        st.sampled_from(["EUR", "GBP"]),
        st.lists(st.tuples(money.filter(lambda m: m > 0), st.sampled_from(["EUR", "GBP"])), max_size=3),
        st.lists(  # indicators: kind, capability, unit, target
            st.tuples(
                st.sampled_from(["capacity", "output"]),
                st.sampled_from(["Drones", "Shells"]),
                st.sampled_from(["units", "specialists"]),
                st.integers(min_value=0, max_value=10**7),
            ),
            max_size=3,
        ),
    ),
    min_size=1,
    max_size=4,
)
TO_BASE = {"EUR": Fraction(1), "GBP": Fraction(117, 100)}


@settings(
    derandomize=True,
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=agreement_specs)
def test_shares_stay_within_0_and_1_and_every_breakdown_adds_up_exactly(db, spec):
    with transaction.atomic():
        expected_books, expected_funded = build(spec)
        capacity = portfolio_capacity(as_of=TODAY)
        for line in capacity.lines:
            key = (line.capability, line.unit)
            assert line.on_books == expected_books.get(key, 0)
            assert abs(Fraction(line.funded) - expected_funded.get(key, 0)) < Fraction(1, 10**40)
        assert_adds_up(capacity)
        transaction.set_rollback(True)


def build(spec) -> tuple[dict, dict]:
    """The generated portfolio in the database; capacity on the books and funded per key, worked out exactly."""
    ExchangeRateFactory(currency="GBP", rate=Decimal("1.17"))
    funder = OrganizationFactory()
    capabilities = {name: CapabilityFactory(name=name) for name in ("Drones", "Shells")}
    books, funded = {}, {}
    for n, (budget, currency, commitments, indicators) in enumerate(spec):
        agreement = AgreementFactory(budget=budget, currency=currency)
        committed = Fraction(0)
        for amount, commitment_currency in commitments:
            CommitmentFactory(agreement=agreement, funder=funder, amount=amount, currency=commitment_currency)
            committed += Fraction(amount) * TO_BASE[commitment_currency]
        base_budget = Fraction(budget) * TO_BASE[currency]
        share = min(Fraction(1), committed / base_budget) if base_budget else Fraction(int(committed > 0))
        for m, (kind, capability, unit, target) in enumerate(indicators):
            IndicatorFactory(
                agreement=agreement,
                title=f"I{n}-{m}",
                kind=kind,
                capability=capabilities[capability],
                unit=unit,
                target=target,
            )
            if kind == "capacity":
                books[capability, unit] = books.get((capability, unit), 0) + target
                funded[capability, unit] = funded.get((capability, unit), 0) + target * share
    return books, funded


def assert_adds_up(capacity) -> None:
    for line in capacity.lines + capacity.totals:
        for name in ("on_books", "funded", "unfunded", "output_target", "output_to_date"):
            assert isinstance(getattr(line, name), Decimal)
        assert line.funded + line.unfunded == line.on_books
        if line.unfunded_share is not None:
            assert 0 <= line.unfunded_share <= 1
    for total in capacity.totals:
        parts = [line for line in capacity.lines if line.unit == total.unit]
        for name in ("on_books", "output_target", "output_to_date", "output_verified"):
            assert getattr(total, name) == sum(getattr(line, name) for line in parts)
        # Funded capacity is a quotient: exact to the 60 digits the sums keep.
        assert abs(Fraction(total.funded) - sum(Fraction(line.funded) for line in parts)) < Fraction(1, 10**40)
