"""The portfolio's funding split one way (by capability, funder, funder country or month), to the cent.

A presentation of `portfolio_funding`, never a second computation: the parts are its exact figures,
rounded so that a breakdown that splits every amount once adds up to the rounded total to the cent;
where parts cannot add up (an agreement counted under each of its capabilities, or under none), or
agreements are left out for want of an exchange rate, `notes` says so with the number concerned.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from django.db.models import Q
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries

from projects.selectors.agreements import Scope, capability_counts, in_scope
from projects.selectors.funding import PortfolioFunding, Unvalued, portfolio_funding
from projects.selectors.money import FunderFunding, FundingSummary, to_the_cent

GROUPINGS = ("capability", "funder", "country", "month")
# The breakdown of `portfolio_funding` each grouping reads.
SOURCE = {"capability": "capability", "funder": "funder", "country": "funder", "month": "month"}
MONEY = ("pledged", "committed", "disbursed")


@dataclass(frozen=True)
class Group:
    """One part of a breakdown: its key (capability name, funder name, ISO country code or an international
    body's slug, or YYYY-MM) and what a reader calls it; budget and gap only where the grouping splits budgets
    (by capability)."""

    key: str
    name: str
    figures: FundingSummary


@dataclass(frozen=True)
class Note:
    """Why a breakdown does not add up to the total, or what the total leaves out."""

    code: str
    detail: str
    agreements: int


@dataclass(frozen=True)
class Breakdown:
    group_by: str
    as_of: date
    total: FundingSummary
    agreement_count: int
    groups: list[Group]
    splits_budget: bool
    adds_up: bool
    notes: list[Note]
    left_out: tuple[Unvalued, ...]


def funding_breakdown(agreements: Scope, *, group_by: str, as_of: date | None = None) -> Breakdown:
    """The funding of `agreements` by `group_by`, valued at the rates of `as_of` (today by default).

    Agreements whose money is in a currency without a rate are left out of every figure and named.
    A fixed number of queries whatever the size of the portfolio.
    """
    funding = portfolio_funding(agreements, as_of=as_of, by=(SOURCE[group_by],), leave_out_unconvertible=True)
    total = funding.total.rounded()
    notes = []
    if group_by == "capability":
        parts = funding.by_capability
        counts = capability_counts(_valued(agreements, funding.unvalued))
        if counts.several:
            notes.append(Note("several_capabilities", _several_capabilities(counts.several), counts.several))
        if counts.none:
            notes.append(Note("no_capability", _no_capability(counts.none), counts.none))
        adds_up = not notes
        figures = ("budget", *MONEY)
    else:
        parts = {"funder": funding.by_funder, "country": funding.by_country, "month": funding.by_month}[group_by]
        adds_up = True
        figures = MONEY
        notes.append(
            Note("budget_not_split", _("Budgets belong to agreements, not to funders or months: not split."), 0)
        )
    if funding.unvalued:
        notes.append(Note("left_out_unconvertible", _left_out(funding), len(funding.unvalued)))
    groups = _rounded(group_by, parts, total.currency, figures, adds_up)
    return Breakdown(
        group_by=group_by,
        as_of=funding.as_of,
        total=total,
        agreement_count=funding.agreement_count,
        groups=groups,
        splits_budget=group_by == "capability",
        adds_up=adds_up,
        notes=notes,
        left_out=funding.unvalued,
    )


def _rounded(group_by: str, parts: dict, currency: str, figures: tuple[str, ...], adds_up: bool) -> list[Group]:
    """Groups to the cent: apportioned where they add up to the total, else each rounded on its own."""
    keys = list(parts)
    exact = {key: FundingSummary(currency, **{name: getattr(parts[key], name) for name in figures}) for key in keys}
    if adds_up:
        cents = {name: to_the_cent([getattr(exact[key], name) for key in keys]) for name in figures}
        rounded = {key: replace(exact[key], **{name: cents[name][i] for name in figures}) for i, key in enumerate(keys)}
    else:
        rounded = {key: exact[key].rounded() for key in keys}
    return [Group(key, group_name(group_by, key, parts[key]), rounded[key]) for key in keys]


def group_name(group_by: str, key: str, part: FundingSummary | FunderFunding | None = None) -> str:
    """What a reader calls a group: a country's name, an international body's as such (by funder country it is a
    group of its own, keyed by its slug), a month as `Mar 2026`; otherwise the key itself."""
    if group_by == "country":
        if isinstance(part, FunderFunding) and part.international_body:
            return _("%(name)s (international body)") % {"name": part.name}
        return str(countries.name(key)) or key
    if group_by == "month":
        return format_date(date.fromisoformat(f"{key}-01"), "M Y")
    return key


def _valued(agreements: Scope, unvalued: tuple[Unvalued, ...]) -> Q:
    return in_scope(agreements) & ~Q(pk__in=[u.agreement_id for u in unvalued])


def _several_capabilities(count: int) -> str:
    return ngettext(
        "%(count)s agreement with several capabilities is counted in full under each of them, so the groups "
        "add up to more than the total.",
        "%(count)s agreements with several capabilities are counted in full under each of them, so the groups "
        "add up to more than the total.",
        count,
    ) % {"count": count}


def _no_capability(count: int) -> str:
    return ngettext(
        "%(count)s agreement without a capability is in the total but in no group.",
        "%(count)s agreements without a capability are in the total but in no group.",
        count,
    ) % {"count": count}


def _left_out(funding: PortfolioFunding) -> str:
    return ngettext(
        "%(count)s agreement with money in a currency without an exchange rate on or before %(day)s is left out "
        "of the total and of every group: %(references)s.",
        "%(count)s agreements with money in a currency without an exchange rate on or before %(day)s are left out "
        "of the total and of every group: %(references)s.",
        len(funding.unvalued),
    ) % {
        "count": len(funding.unvalued),
        "day": funding.as_of.isoformat(),
        "references": ", ".join(u.reference for u in funding.unvalued),
    }
