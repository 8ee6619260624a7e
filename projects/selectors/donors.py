"""Burden-sharing: what each donor puts in per year, against its GDP and the share of GDP donors are asked to give.

A donor is a country (every funder based there) or an international body (EU institutions, NATO funds),
which is a donor of its own and never counted under the country of its seat. The money comes from the
portfolio's funding figures (`portfolio_funding`, broken down by funder and year), so it is dated as
they date it: a pledge or commitment by its pledge date, a disbursement by its payment date. Money and
GDP are valued in the base currency at the rates of one day (today, or `as_of`). A year without a GDP
figure is measured against the latest earlier year's, and the row says which year that is.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_countries import countries

from projects.choices import CommitmentStatus, OrganizationKind
from projects.models import CountryEconomy, Disbursement, FundingCommitment, Organization
from projects.selectors.agreements import Scope, in_scope, reached_through
from projects.selectors.funding import Unvalued, portfolio_funding
from projects.selectors.money import EXACT, ZERO, Rates

COUNTRY = "country"
INTERNATIONAL_BODY = OrganizationKind.INTERNATIONAL_BODY.value
# Shares of GDP are percentages rounded to a millionth of a percent; money stays exact.
PERCENT_PLACES = Decimal("0.000001")
HUNDRED = Decimal(100)


class GdpStatus:
    """Whether a donor's share of GDP can be given, and if not, why."""

    KNOWN = "known"
    MISSING = "missing"  # no GDP recorded for the year or any earlier one
    NO_RATE = "no_rate"  # its currency has no exchange rate to the base currency
    NOT_A_COUNTRY = "not_a_country"  # an international body has no GDP of its own


@dataclass(frozen=True)
class Donor:
    """A country, by its ISO code, or an international body, by its organisation's slug."""

    kind: str
    code: str
    name: str
    country: str  # the country itself, or the body's seat

    @property
    def is_country(self) -> bool:
        return self.kind == COUNTRY

    def funders(self) -> Q:
        """Which commitments' funders this donor stands for."""
        if self.is_country:
            return Q(funder__country=self.code) & ~Q(funder__kind=INTERNATIONAL_BODY)
        return Q(funder__slug=self.code)


def donor_of(kind: str, slug: str, name: str, country: str) -> Donor:
    """The donor a funder's money counts under: its country, unless it is an international body."""
    if kind == INTERNATIONAL_BODY:
        return Donor(INTERNATIONAL_BODY, slug, name, country)
    return country_donor(country)


def country_donor(code: str) -> Donor:
    return Donor(COUNTRY, code, str(countries.name(code) or code), code)


@dataclass(frozen=True)
class DonorYear:
    """One donor's money of one year in the base currency, and how it measures up to the GDP target."""

    donor: Donor
    year: int
    pledged: Decimal
    committed: Decimal
    disbursed: Decimal
    gdp_status: str
    economy: CountryEconomy | None = None  # the GDP figure measured against (of this year or the latest before)
    gdp: Decimal | None = None  # that GDP in the base currency
    target_percent: Decimal = ZERO

    def percent_of_gdp(self, amount: Decimal) -> Decimal | None:
        if self.gdp is None:
            return None
        return EXACT.divide(EXACT.multiply(amount, HUNDRED), self.gdp).quantize(PERCENT_PLACES, context=EXACT)

    @property
    def pledged_percent(self) -> Decimal | None:
        return self.percent_of_gdp(self.pledged)

    @property
    def committed_percent(self) -> Decimal | None:
        return self.percent_of_gdp(self.committed)

    @property
    def disbursed_percent(self) -> Decimal | None:
        return self.percent_of_gdp(self.disbursed)

    @property
    def target_amount(self) -> Decimal | None:
        """What the target share of the GDP comes to, in the base currency."""
        if self.gdp is None:
            return None
        return EXACT.divide(EXACT.multiply(self.gdp, self.target_percent), HUNDRED)

    @property
    def missing_to_target(self) -> Decimal | None:
        """Firm commitments still needed to reach the target (pledges are promises, as for the funding gap)."""
        if self.gdp is None:
            return None
        return max(ZERO, EXACT.subtract(self.target_amount, self.committed))


@dataclass(frozen=True)
class DonorTotals:
    """A year's money of all donors; the target and what is missing, over the donors with a known GDP."""

    pledged: Decimal
    committed: Decimal
    disbursed: Decimal
    target_amount: Decimal
    missing_to_target: Decimal


@dataclass(frozen=True)
class BurdenSharing:
    """Every donor's money per year, with its GDP share, valued at the rates of `as_of`."""

    as_of: date
    currency: str
    target_percent: Decimal
    rows: tuple[DonorYear, ...]
    unvalued: tuple[Unvalued, ...] = ()

    def years(self) -> list[int]:
        """The years with money, newest first."""
        return sorted({row.year for row in self.rows}, reverse=True)

    def of_year(self, year: int) -> list[DonorYear]:
        return [row for row in self.rows if row.year == year]

    def of_donor(self, donor: Donor) -> list[DonorYear]:
        return [row for row in self.rows if row.donor == donor]

    def totals(self, rows: list[DonorYear]) -> DonorTotals:
        def added(values) -> Decimal:
            total = ZERO
            for value in values:
                total = EXACT.add(total, value)
            return total

        known = [row for row in rows if row.gdp is not None]
        return DonorTotals(
            pledged=added(row.pledged for row in rows),
            committed=added(row.committed for row in rows),
            disbursed=added(row.disbursed for row in rows),
            target_amount=added(row.target_amount for row in known),
            missing_to_target=added(row.missing_to_target for row in known),
        )


def burden_sharing(agreements: Scope = None, *, as_of: date | None = None) -> BurdenSharing:
    """Each donor's money per year over `agreements`, against its GDP (four queries whatever their number).

    The rates and the grouped sums of `portfolio_funding`, then the funders and the GDP figures. An agreement
    with money in a currency without a rate is left out and listed in `unvalued`, as on the dashboard.
    """
    target = settings.DONOR_GDP_TARGET_PERCENT
    funding = portfolio_funding(
        agreements, as_of=as_of or timezone.localdate(), by=("funder_year",), leave_out_unconvertible=True
    )
    money = funding.by_funder_year
    funders = Organization.objects.filter(pk__in={funder for funder, _ in money})
    donors = {pk: donor_of(*fields) for pk, *fields in funders.values_list("pk", "kind", "slug", "name", "country")}
    per_donor: dict[tuple[Donor, int], dict[str, Decimal]] = defaultdict(
        lambda: dict.fromkeys(("pledged", "committed", "disbursed"), ZERO)
    )
    for (funder, year), summary in money.items():
        figures = per_donor[donors[funder], year]
        for kind in figures:
            figures[kind] = EXACT.add(figures[kind], getattr(summary, kind))
    economies = _economies({donor.code for donor, _ in per_donor if donor.is_country}, funding.as_of)
    rows = tuple(
        _measured(donor, year, figures, economies, target)
        for (donor, year), figures in sorted(per_donor.items(), key=lambda item: (-item[0][1], item[0][0].name))
    )
    return BurdenSharing(funding.as_of, funding.total.currency, target, rows, funding.unvalued)


@dataclass(frozen=True)
class _Economies:
    """The recorded GDP figures of some countries, newest year first, and the rates to value them."""

    by_country: dict[str, list[CountryEconomy]]
    rates: Rates

    def latest(self, country: str, year: int) -> CountryEconomy | None:
        return next((e for e in self.by_country.get(country, ()) if e.year <= year), None)


def _economies(codes: set[str], as_of: date) -> _Economies:
    by_country = defaultdict(list)
    if codes:
        for economy in CountryEconomy.objects.filter(country__in=codes).order_by("country", "-year"):
            by_country[economy.country].append(economy)
    return _Economies(by_country, Rates(as_of))


def _measured(donor: Donor, year: int, figures: dict, economies: _Economies, target: Decimal) -> DonorYear:
    row = {"donor": donor, "year": year, **figures, "target_percent": target}
    if not donor.is_country:
        return DonorYear(**row, gdp_status=GdpStatus.NOT_A_COUNTRY)
    economy = economies.latest(donor.code, year)
    if economy is None:
        return DonorYear(**row, gdp_status=GdpStatus.MISSING)
    if economy.currency not in economies.rates:
        return DonorYear(**row, gdp_status=GdpStatus.NO_RATE, economy=economy)
    gdp = economies.rates.to_base(economy.gdp, economy.currency)
    return DonorYear(**row, gdp_status=GdpStatus.KNOWN, economy=economy, gdp=gdp)


def donor_commitments(donor: Donor, agreements: Scope = None) -> QuerySet[FundingCommitment]:
    """The donor's live pledges and commitments over `agreements`, newest first, with agreement and funder."""
    return (
        FundingCommitment.objects.filter(donor.funders(), reached_through(in_scope(agreements), "agreement__"))
        .exclude(status=CommitmentStatus.CANCELLED)
        .select_related("agreement", "funder")
        .order_by("-pledged_on", "-pk")
    )


def donor_disbursements(donor: Donor, agreements: Scope = None) -> QuerySet[Disbursement]:
    """What the donor has paid over `agreements`, newest first."""
    scope = reached_through(in_scope(agreements), "commitment__agreement__")
    return (
        Disbursement.objects.filter(reached_through(donor.funders(), "commitment__"), scope)
        .select_related("commitment__agreement", "commitment__funder")
        .order_by("-disbursed_on", "-pk")
    )
