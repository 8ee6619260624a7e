"""Production capacity on the books against capacity on funded money, and output delivered, per capability.

An agreement's capacity counts as funded in the share its firm commitments cover of its budget (both in
the base currency, as `portfolio_funding` values them), capped at 1: committed ÷ budget. What is left is
*unfunded* capacity. Pledges are promises, not money, and do not count. An agreement whose money cannot
be converted (a currency without a rate) is left out of the capacity figures and listed in `unvalued`.
Three queries whatever the size of the portfolio: the rates, the agreements' money, the indicators.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from projects.choices import IndicatorKind, PeriodState
from projects.models import Indicator, IndicatorPeriod
from projects.selectors.agreements import Scope, in_scope, reached_through
from projects.selectors.funding import Unvalued, portfolio_funding
from projects.selectors.money import EXACT, ZERO, FundingSummary

ONE = Decimal(1)
SHARE = Decimal("0.0001")
UNFUNDED_DEFINITION = _(
    "Unfunded capacity: capacity on the books that firm commitments do not pay for. Each agreement's capacity "
    "counts as funded in the share committed ÷ budget (in the base currency, at most 1); pledges do not count."
)
# Periods whose actual counts as output to date: reported ones and those a programme manager has checked.
REPORTED = [PeriodState.REPORTED, PeriodState.VERIFIED, PeriodState.LOCKED]
VERIFIED = [PeriodState.VERIFIED, PeriodState.LOCKED]


def funded_share(summary: FundingSummary) -> Decimal:
    """committed ÷ budget, between 0 and 1; with no budget, 1 if money is committed, else 0."""
    if summary.budget <= 0:
        return ONE if summary.committed > 0 else ZERO
    return max(ZERO, min(ONE, EXACT.divide(summary.committed, summary.budget)))


@dataclass(frozen=True)
class CapacityLine:
    """One capability's capacity (units a year) and output (units) in one unit; `capability` None for a total."""

    capability: str | None
    unit: str
    on_books: Decimal = ZERO
    funded: Decimal = ZERO
    output_target: Decimal = ZERO
    output_to_date: Decimal = ZERO
    output_verified: Decimal = ZERO

    @property
    def unfunded(self) -> Decimal:
        return EXACT.subtract(self.on_books, self.funded)

    @property
    def unfunded_share(self) -> Decimal | None:
        if not self.on_books:
            return None
        return EXACT.divide(self.unfunded, self.on_books)

    @property
    def output_share(self) -> Decimal | None:
        """Output to date against its target (beyond 1 when the target is exceeded)."""
        if not self.output_target:
            return None
        return EXACT.divide(self.output_to_date, self.output_target)

    def __add__(self, other: CapacityLine) -> CapacityLine:
        return CapacityLine(
            self.capability if self.capability == other.capability else None,
            self.unit,
            *(EXACT.add(getattr(self, name), getattr(other, name)) for name in FIGURES),
        )


FIGURES = ("on_books", "funded", "output_target", "output_to_date", "output_verified")


@dataclass(frozen=True)
class PortfolioCapacity:
    """Lines per (capability, unit) in that order, their totals per unit, and what could not be valued."""

    as_of: date
    lines: list[CapacityLine]
    totals: list[CapacityLine]
    unvalued: tuple[Unvalued, ...] = field(default=())


def _actuals(states: list[str]) -> Subquery:
    periods = (
        IndicatorPeriod.objects.filter(indicator=OuterRef("pk"), state__in=states)
        .order_by()
        .values("indicator")
        .annotate(total=Sum("actual"))
        .values("total")
    )
    return Coalesce(Subquery(periods, output_field=IntegerField()), 0)


def portfolio_capacity(agreements: Scope = None, *, as_of: date | None = None) -> PortfolioCapacity:
    """Capacity and output of `agreements` per capability and unit, with the funded share of each agreement."""
    scope = in_scope(agreements)
    funding = portfolio_funding(scope, as_of=as_of, by=("agreement",), leave_out_unconvertible=True)
    unvalued = {u.agreement_id for u in funding.unvalued}
    indicators = (
        Indicator.objects.filter(reached_through(scope, "agreement__"))
        .values("agreement_id", "capability__name", "unit", "kind", "target")
        .annotate(to_date=_actuals(REPORTED), verified=_actuals(VERIFIED))
        .order_by()
    )
    lines: dict[tuple[str, str], CapacityLine] = {}
    for row in indicators:
        key = (row["capability__name"], row["unit"])
        target = Decimal(row["target"])
        if row["kind"] == IndicatorKind.CAPACITY:
            if row["agreement_id"] in unvalued:
                continue
            share = funded_share(funding.by_agreement.get(row["agreement_id"], FundingSummary("")))
            line = CapacityLine(*key, on_books=target, funded=EXACT.multiply(target, share))
        else:
            line = CapacityLine(
                *key,
                output_target=target,
                output_to_date=Decimal(row["to_date"]),
                output_verified=Decimal(row["verified"]),
            )
        lines[key] = line if key not in lines else lines[key] + line
    ordered = [lines[key] for key in sorted(lines)]
    totals: dict[str, CapacityLine] = {}
    for line in ordered:
        total = CapacityLine(None, line.unit, *(getattr(line, name) for name in FIGURES))
        totals[line.unit] = total if line.unit not in totals else totals[line.unit] + total
    return PortfolioCapacity(
        as_of=funding.as_of,
        lines=ordered,
        totals=[totals[unit] for unit in sorted(totals)],
        unvalued=funding.unvalued,
    )
