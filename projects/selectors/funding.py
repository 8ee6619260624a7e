"""Funding of one agreement or of a whole portfolio, summed in the database and converted once per group.

Every figure comes from grouped sums: per currency and kind of money (budget, pledged, committed,
disbursed), and per the key of a breakdown (capability, funder, agreement). Each sum is converted
to the base currency once, at the latest rate on or before one valuation date for the whole
portfolio, so converted disbursements never exceed converted commitments.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import lru_cache

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from projects.choices import CommitmentStatus, OrganizationKind
from projects.models import Agreement, Disbursement, FundingCommitment, Tranche
from projects.selectors.agreements import Scope, in_scope, reached_through
from projects.selectors.money import EXACT, ZERO, FunderFunding, FundingSummary, Rates

KINDS = ("budget", "pledged", "committed", "disbursed", "released", "paid_from_tranches")
MONEY = ("pledged", "committed", "disbursed")

# The day money is dated by, as a path in a key: a commitment's pledge date (the only date it carries, kept
# when the pledge becomes firm), a disbursement's payment date. Budgets have no such day.
MONEY_DATE = "money_date"

# Each breakdown's key: column aliases and their paths from a commitment. Budgets belong to agreements,
# so the breakdowns keyed by the agreement's own fields sum budgets too; the funder and dated ones do not.
BREAKDOWNS = {
    "agreement": {"key_agreement": "agreement__pk"},
    "capability": {"key_capability": "agreement__capabilities__name"},
    "funder": {
        "key_funder": "funder__name",
        "key_country": "funder__country",
        "key_kind": "funder__kind",
        "key_slug": "funder__slug",
    },
    "funder_year": {"key_funder_id": "funder__pk", "key_year": f"{MONEY_DATE}__year"},
    "month": {"key_year": f"{MONEY_DATE}__year", "key_month": f"{MONEY_DATE}__month"},
}
# Each key column's type. A row without that key holds a NULL of it, and the dates' years and months are
# cast to it: parts of a `UNION ALL` whose types differ are coerced in a step of their own, which keeps
# PostgreSQL from running them side by side.
KEY_TYPES = {
    alias: IntegerField() if alias in {"key_agreement", "key_funder_id", "key_year", "key_month"} else CharField()
    for breakdown in BREAKDOWNS.values()
    for alias in breakdown
}
# The breakdowns computed unless others are asked for: the dated ones serve the trend and donor pages only.
DEFAULT_BREAKDOWNS = ("agreement", "capability", "funder")


@dataclass(frozen=True)
class Unvalued:
    """An agreement left out of the figures: its budget or some of its money is in a currency with no rate."""

    agreement_id: int
    reference: str
    currencies: tuple[str, ...]


@dataclass(frozen=True)
class PortfolioFunding:
    """The portfolio's funding in the base currency, in total and in the breakdowns asked for (else None)."""

    as_of: date
    total: FundingSummary
    agreement_count: int
    by_agreement: dict[int, FundingSummary] | None
    by_capability: dict[str, FundingSummary] | None
    by_funder: dict[str, FunderFunding] | None
    by_country: dict[str, FunderFunding] | None
    by_month: dict[str, FunderFunding] | None = None
    unvalued: tuple[Unvalued, ...] = ()
    # Per (funder id, year of the money): pledged, committed and disbursed; the budget stays zero.
    by_funder_year: dict[tuple[int, int], FundingSummary] | None = None


def grouped_sums(
    agreements: Scope,
    keys: dict[str, str],
    *,
    verified_only: bool = False,
    tag: str = "",
    columns: Collection[str] = (),
) -> list[QuerySet]:
    """The money and budgets of `agreements` summed per key, currency and kind of money (`money`), in parts to
    read as one `UNION ALL`: also the released tranches and what was paid from tranches, whose difference
    is released, not yet disbursed.

    A budget belongs to no funder: where a key is not the agreement's own, budgets are summed under no key
    (NULL). Rows without a key of their own (an agreement with no capability) are not read. With
    `verified_only`, commitments and disbursements count only once a programme manager has verified them.
    Read beside other breakdowns, the rows carry `tag` as their `breakdown`, and NULL in the `columns` of
    the others' keys.
    """
    scope = in_scope(agreements)
    others = {alias: Cast(Value(None), KEY_TYPES[alias]) for alias in set(columns) - set(keys)}

    def summed(rows: QuerySet, path_from_row: Callable[[str], str | None], currency: str, kind, amount: str):
        # Filter first: the key's columns then come through the same joins the filter made.
        paths = {alias: path_from_row(path) for alias, path in keys.items()}
        own = {alias: Cast(F(path) if path else Value(None), KEY_TYPES[alias]) for alias, path in paths.items()}
        return (
            rows.filter(reached_through(scope, path_from_row("agreement__")))
            .filter(**{f"{path}__isnull": False for path in paths.values() if path})
            .values(
                **dict(sorted({**own, **others}.items())),
                breakdown=Value(tag),
                currency_code=F(currency),
                money=kind,
            )
            .annotate(total=Sum(amount), rows=Count("pk"))
            .order_by()
        )

    commitments = FundingCommitment.objects.exclude(status=CommitmentStatus.CANCELLED)
    disbursements = Disbursement.objects.all()
    if verified_only:
        commitments, disbursements = (rows.filter(verified_at__isnull=False) for rows in (commitments, disbursements))
    released = Tranche.objects.filter(released_at__isnull=False).exclude(commitment__status=CommitmentStatus.CANCELLED)
    return [
        summed(commitments, _from_commitment, "currency", F("status"), "amount"),
        summed(disbursements, _from_disbursement, "commitment__currency", Value("disbursed"), "amount"),
        summed(released, _from_tranche, "commitment__currency", Value("released"), "amount"),
        summed(
            Disbursement.objects.filter(tranche__isnull=False),
            _from_disbursement,
            "commitment__currency",
            Value("paid_from_tranches"),
            "amount",
        ),
        summed(Agreement.objects.all(), _from_agreement, "currency", Value("budget"), "budget"),
    ]


def sums_by(agreements: Scope, names: Collection[str], *, verified_only: bool = False) -> dict[str, list[dict]]:
    """Each named breakdown's grouped sums (`grouped_sums`), all read in one statement.

    PostgreSQL runs the parts of one statement side by side on its parallel workers, and separate
    statements one after another: the dashboard's three breakdowns take 80–90 ms together, 125 ms apart.
    """
    found: dict[str, list[dict]] = {name: [] for name in names}
    for row in _sums_statement(in_scope(agreements), tuple(names), verified_only).all():
        found[row["breakdown"]].append(row)
    return found


@lru_cache(maxsize=64)
def _sums_statement(scope: Q, names: tuple[str, ...], verified_only: bool) -> QuerySet:
    """The statement of `sums_by`, built once per process for each scope and set of breakdowns (Django took
    5 ms to build the dashboard's fifteen parts); each read compiles a copy of it. The pages ask for a few
    scopes over and over; a digest batch's scope (its agreements' ids) is new each time, which is why
    only the latest 64 are kept."""
    columns = {alias for name in names for alias in KEYS[name]}
    parts = [
        part
        for name in names
        for part in grouped_sums(scope, KEYS[name], verified_only=verified_only, tag=name, columns=columns)
    ]
    return parts[0].union(*parts[1:], all=True)


def _paths_from(money_date: str, to_commitment: str) -> Callable[[str], str]:
    """A row's path to a key's column: its own date for the money date, else through its commitment."""

    def path_from_row(path: str) -> str:
        return money_date + path.removeprefix(MONEY_DATE) if path.startswith(MONEY_DATE) else to_commitment + path

    return path_from_row


_from_commitment = _paths_from("pledged_on", "")
_from_disbursement = _paths_from("disbursed_on", "commitment__")
_from_tranche = _paths_from("released_at", "commitment__")


def _from_agreement(path: str) -> str | None:
    """A commitment's path to its agreement's field, as the agreement's own; None for any other (the funder)."""
    return path.removeprefix("agreement__") if path.startswith("agreement__") else None


def converted(rows: Iterable[dict], rates: Rates, aliases: Collection[str]) -> dict[tuple, dict[str, Decimal]]:
    """Each grouped sum converted to the base currency once, then added up per key."""
    figures: dict[tuple, dict[str, Decimal]] = defaultdict(lambda: dict.fromkeys(KINDS, ZERO))
    for row in rows:
        money = figures[tuple(row[alias] for alias in aliases)]
        money[row["money"]] = EXACT.add(money[row["money"]], rates.to_base(row["total"], row["currency_code"]))
    return figures


def funding_summary(agreement: Agreement, *, currency: str | None = None, as_of: date | None = None) -> FundingSummary:
    """An agreement's funding, in its own currency unless another is asked for (2 queries)."""
    rates = Rates(as_of or timezone.localdate())
    currency = currency or agreement.currency
    money = converted(sums_by(Q(pk=agreement.pk), ["total"])["total"], rates, ())
    figures = money.get((), dict.fromkeys(KINDS, ZERO))
    return FundingSummary(currency, **{kind: rates.from_base(value, currency) for kind, value in figures.items()})


def portfolio_funding(
    agreements: Scope = None,
    *,
    as_of: date | None = None,
    by: Collection[str] = DEFAULT_BREAKDOWNS,
    leave_out_unconvertible: bool = False,
    verified_only: bool = False,
) -> PortfolioFunding:
    """The funding of many agreements in the base currency: the rates, then one query for all the breakdowns in `by`.

    The total is added up from a breakdown that splits all money once (by agreement, else by funder or month), or
    summed on its own when neither is asked for. Rows read do not grow
    with the number of agreements unless the agreement breakdown is asked for.
    A currency without a rate raises `MISSING_RATE`; with `leave_out_unconvertible` the agreements it
    touches are left out of every figure instead and listed in `unvalued`, so one bad row does not
    blank the portfolio. `verified_only` counts only verified commitments and disbursements (budgets always).
    """
    scope = in_scope(agreements)
    rates = Rates(as_of or timezone.localdate())
    source = _total_source(by)
    rows = sums_by(scope, sorted({*by, source}), verified_only=verified_only)
    missing = sorted({row["currency_code"] for part in rows.values() for row in part} - rates.currencies())
    if missing:
        if not leave_out_unconvertible:
            rates.rate(missing[0])  # raises the missing rate's error
        unvalued = unconvertible(scope, missing)
        valued = scope & ~Q(pk__in=[u.agreement_id for u in unvalued])
        again = portfolio_funding(valued, as_of=rates.as_of, by=by, verified_only=verified_only)
        return replace(again, unvalued=unvalued)
    figures = {name: converted(part, rates, KEYS[name]) for name, part in rows.items()}
    funders, months = figures.get("funder"), figures.get("month")
    return PortfolioFunding(
        as_of=rates.as_of,
        total=FundingSummary(rates.base, **_added(figures[source])),
        agreement_count=sum(row["rows"] for row in rows[source] if row["money"] == "budget"),
        by_agreement=_summaries(figures.get("agreement"), rates.base),
        by_capability=_summaries(figures.get("capability"), rates.base),
        by_funder=None if funders is None else _funders(funders, 0),
        by_country=None if funders is None else _countries(funders),
        by_month=None if months is None else _funders(_by_month_name(months), 0),
        by_funder_year=_by_funder_year(figures.get("funder_year"), rates.base),
    )


# The column aliases of each group's key: the breakdowns', and none for the plain sums.
KEYS = {**BREAKDOWNS, "total": {}}


def _total_source(by: Collection[str]) -> str:
    """The group whose sums make up the total, each amount counted once: a breakdown that splits every
    amount once (by agreement; by funder or date, with the budgets under none), else the plain sums."""
    return next((name for name in ("agreement", "funder", "funder_year", "month") if name in by), "total")


def _added(figures: dict[tuple, dict[str, Decimal]]) -> dict[str, Decimal]:
    total = dict.fromkeys(KINDS, ZERO)
    for money in figures.values():
        for kind, amount in money.items():
            total[kind] = EXACT.add(total[kind], amount)
    return total


def _summaries(figures: dict[tuple, dict[str, Decimal]] | None, base: str) -> dict | None:
    """Summaries by a one-column key, in key order; agreements without that key (no capability) are left out."""
    if figures is None:
        return None
    keys = sorted(key for (key,) in figures if key is not None)
    return {key: FundingSummary(base, **figures[(key,)]) for key in keys}


def _funders(figures: dict[tuple, dict[str, Decimal]], position: int) -> dict[str, FunderFunding]:
    """Funders' money by the part of the key at `position` (the funder's name, or the month); budgets have none."""
    return _grouped(figures, lambda key: (key[position], None))


def _countries(figures: dict[tuple, dict[str, Decimal]]) -> dict[str, FunderFunding]:
    """Funders' money by country, as the donors pages count it: an international body is a donor of its own,
    under its slug and name, never under the country of its seat; budgets belong to no funder."""

    def group(key: tuple) -> tuple[str | None, str | None]:
        name, country, kind, slug = key
        return (slug, name) if kind == OrganizationKind.INTERNATIONAL_BODY else (country, None)

    return _grouped(figures, group)


def _grouped(
    figures: dict[tuple, dict[str, Decimal]], group: Callable[[tuple], tuple[str | None, str | None]]
) -> dict[str, FunderFunding]:
    """Money added up per group of the key: `group` gives a key's group and, for an international body, the
    body's name; keys of no group (the budgets) are left out."""
    money = defaultdict(lambda: dict.fromkeys(MONEY, ZERO))
    bodies = {}
    for key, figure in figures.items():
        part, body = group(key)
        if part is None:
            continue
        bodies[part] = body
        for kind in MONEY:
            money[part][kind] = EXACT.add(money[part][kind], figure[kind])
    return {
        part: FunderFunding(bodies[part] or part, **money[part], international_body=bodies[part] is not None)
        for part in sorted(money)
    }


def _by_month_name(figures: dict[tuple, dict[str, Decimal]]) -> dict[tuple, dict[str, Decimal]]:
    """(year, month) keys as `YYYY-MM`, which sort as the months do."""
    return {(None if year is None else f"{year:04d}-{month:02d}",): money for (year, month), money in figures.items()}


def _by_funder_year(figures: dict[tuple, dict[str, Decimal]] | None, base: str) -> dict | None:
    """Money per (funder id, year); the budgets, under no funder, are left out."""
    if figures is None:
        return None
    keys = sorted(key for key in figures if key[0] is not None)
    return {key: FundingSummary(base, **{kind: figures[key][kind] for kind in MONEY}) for key in keys}


def unconvertible(agreements: Scope, currencies: Collection[str]) -> tuple[Unvalued, ...]:
    """The agreements whose budget or live commitments are in one of `currencies`, by reference."""
    scope = in_scope(agreements)
    found = defaultdict(set)
    for pk, currency in Agreement.objects.filter(scope, currency__in=currencies).values_list("pk", "currency"):
        found[pk].add(currency)
    money_in = FundingCommitment.objects.filter(reached_through(scope, "agreement__"), currency__in=currencies)
    live = money_in.exclude(status=CommitmentStatus.CANCELLED).values_list("agreement_id", "currency")
    for pk, currency in live.distinct().order_by():
        found[pk].add(currency)
    references = dict(Agreement.objects.filter(pk__in=found).values_list("pk", "reference").order_by())
    return tuple(
        Unvalued(pk, references[pk], tuple(sorted(found[pk]))) for pk in sorted(found, key=references.__getitem__)
    )


def _in_base(amount: str, rates: Rates) -> Case:
    """The row's `amount` times its currency's rate, the rates written into the SQL: NULL without a rate.

    (A subquery for the rate of each row, as before, made the dashboard's largest gaps 180 ms of work.)
    """
    return Case(
        *(When(currency=currency, then=F(amount) * Value(rates.rate(currency))) for currency in rates.currencies()),
        default=Value(None),
        output_field=DecimalField(),
    )


def with_sort_keys(agreements: QuerySet[Agreement], as_of: date, *, verified_only: bool = False) -> QuerySet[Agreement]:
    """Agreements annotated with `gap_in_base` and `coverage` (committed ÷ budget) in SQL, to sort and pick
    by (the largest gaps) without reading the whole portfolio. Both are NULL where a rate is missing.

    Only an order: the figures shown come from `portfolio_funding`, which these equal (tests hold them
    together); the same rules, money committed firmly, cancelled nowhere, rates of one day, and with
    `verified_only` only the commitments a programme manager has verified.
    """
    firm = FundingCommitment.objects.filter(agreement=OuterRef("pk"), status=CommitmentStatus.COMMITTED).order_by()
    if verified_only:
        firm = firm.filter(verified_at__isnull=False)
    rates = Rates(as_of)
    committed = firm.annotate(in_base=_in_base("amount", rates)).values("agreement").annotate(total=Sum("in_base"))
    unrated = firm.exclude(currency__in=rates.currencies())
    return agreements.annotate(
        budget_in_base=_in_base("budget", rates),
        committed_in_base=Case(
            When(Exists(unrated), then=Value(None)),
            default=Coalesce(Subquery(committed.values("total")), Value(Decimal(0))),
            output_field=DecimalField(),
        ),
    ).annotate(
        gap_in_base=F("budget_in_base") - F("committed_in_base"),
        coverage=Case(
            When(budget=0, then=Value(None)),
            default=F("committed_in_base") / F("budget_in_base"),
            output_field=DecimalField(),
        ),
    )
