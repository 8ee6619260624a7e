"""Breakdowns to the cent: the groups add up to the rounded total exactly, or the breakdown says why not."""

import datetime
from decimal import Decimal

from django.db import transaction
from hypothesis import given

from projects.selectors import FundingSummary, Unvalued
from projects.selectors.breakdowns import Note, funding_breakdown, group_name
from tests.factories import (
    TODAY,
    AgreementFactory,
    CapabilityFactory,
    CommitmentFactory,
    DisbursementFactory,
    ExchangeRateFactory,
    OrganizationFactory,
)
from tests.test_selectors import PROPERTY_SETTINGS, breakdown_portfolios, build_breakdown_portfolio

BUDGETS_NOT_SPLIT = "Budgets belong to agreements, not to funders or months: not split."


def added(groups, name: str) -> Decimal:
    return sum((getattr(group.figures, name) for group in groups), Decimal(0))


@PROPERTY_SETTINGS
@given(spec=breakdown_portfolios(max_amount="1000000000.00", max_rate="1000"))
def test_every_breakdown_adds_up_to_the_cent_or_says_why_not(db, spec):
    with transaction.atomic():
        built = build_breakdown_portfolio(spec)
        several_or_none = sum(1 for names, _ in built.values() if len(names) != 1)

        for group_by in ("funder", "country", "month"):
            breakdown = funding_breakdown(None, group_by=group_by, as_of=TODAY)
            assert breakdown.adds_up
            for name in ("pledged", "committed", "disbursed"):
                assert added(breakdown.groups, name) == getattr(breakdown.total, name)
                assert all(getattr(g.figures, name).as_tuple().exponent == -2 for g in breakdown.groups)

        by_capability = funding_breakdown(None, group_by="capability", as_of=TODAY)
        assert by_capability.adds_up is (several_or_none == 0)
        assert sum(note.agreements for note in by_capability.notes) == several_or_none
        if by_capability.adds_up:
            for name in ("budget", "pledged", "committed", "disbursed"):
                assert added(by_capability.groups, name) == getattr(by_capability.total, name)
        transaction.set_rollback(True)


def rate(currency: str, value: str) -> None:
    ExchangeRateFactory(currency=currency, rate=Decimal(value), valid_on=TODAY)


def test_by_capability_an_agreement_counts_under_each_of_its_capabilities_and_the_breakdown_says_so(db):
    """A (EUR 1,000; strike drones and artillery) with EUR 300 firm; B (EUR 500; strike drones); C (EUR 200; none)."""
    drones, artillery = CapabilityFactory(name="Strike drones"), CapabilityFactory(name="Artillery")
    a = AgreementFactory(budget=Decimal("1000.00"))
    a.capabilities.set([drones, artillery])
    CommitmentFactory(agreement=a, amount=Decimal("300.00"))
    AgreementFactory(budget=Decimal("500.00")).capabilities.set([drones])
    AgreementFactory(budget=Decimal("200.00"))

    breakdown = funding_breakdown(None, group_by="capability", as_of=TODAY)

    assert [(group.key, group.name, group.figures) for group in breakdown.groups] == [
        ("Artillery", "Artillery", FundingSummary("EUR", Decimal("1000.00"), committed=Decimal("300.00"))),
        ("Strike drones", "Strike drones", FundingSummary("EUR", Decimal("1500.00"), committed=Decimal("300.00"))),
    ]
    assert breakdown.total == FundingSummary("EUR", Decimal("1700.00"), committed=Decimal("300.00"))
    assert (breakdown.agreement_count, breakdown.splits_budget, breakdown.adds_up) == (3, True, False)
    assert breakdown.notes == [
        Note(
            "several_capabilities",
            "1 agreement with several capabilities is counted in full under each of them, so the groups add up "
            "to more than the total.",
            1,
        ),
        Note("no_capability", "1 agreement without a capability is in the total but in no group.", 1),
    ]


def test_by_funder_the_groups_are_apportioned_to_the_cent_so_they_add_up_to_the_total(db):
    """Three funders commit GBP 1.00 each at 1.00333333: EUR 1.00333333 each, EUR 3.00999999 (3.01) in all. Each
    rounded alone would make 3.00; the cent left over goes to the first of the equal remainders."""
    rate("GBP", "1.00333333")
    agreement = AgreementFactory(budget=Decimal("10.00"))
    for name in ("A Fund", "B Fund", "C Fund"):
        funder = OrganizationFactory(name=name)
        CommitmentFactory(agreement=agreement, funder=funder, amount=Decimal("1.00"), currency="GBP")

    breakdown = funding_breakdown(None, group_by="funder", as_of=TODAY)

    assert breakdown.total == FundingSummary("EUR", Decimal("10.00"), committed=Decimal("3.01"))
    assert [(group.key, group.name, group.figures.committed) for group in breakdown.groups] == [
        ("A Fund", "A Fund", Decimal("1.01")),
        ("B Fund", "B Fund", Decimal("1.00")),
        ("C Fund", "C Fund", Decimal("1.00")),
    ]
    assert (breakdown.splits_budget, breakdown.adds_up) == (False, True)
    assert breakdown.notes == [Note("budget_not_split", BUDGETS_NOT_SPLIT, 0)]


def test_by_country_and_by_month_the_groups_are_named_as_a_reader_knows_them(db):
    """Denmark's ministry commits EUR 300 on 1 Dec 2025 and pays 100 of it on 15 Jan 2026; the European Defence
    Fund, seated in Denmark, pledges EUR 200 on 15 Jan 2026. Budgets are in no group."""
    ministry = OrganizationFactory(name="Danish MoD", country="DK", kind="ministry")
    fund = OrganizationFactory(name="European Defence Fund", slug="eu-edf", country="DK", kind="international_body")
    agreement = AgreementFactory(budget=Decimal("1000.00"))
    firm = CommitmentFactory(
        agreement=agreement, funder=ministry, amount=Decimal("300.00"), pledged_on=datetime.date(2025, 12, 1)
    )
    DisbursementFactory(commitment=firm, amount=Decimal("100.00"), disbursed_on=TODAY)
    CommitmentFactory(agreement=agreement, funder=fund, amount=Decimal("200.00"), status="pledged", pledged_on=TODAY)

    def shown(group_by: str) -> list[tuple]:
        groups = funding_breakdown(None, group_by=group_by, as_of=TODAY).groups
        return [
            (g.key, g.name, g.figures.budget, g.figures.pledged, g.figures.committed, g.figures.disbursed)
            for g in groups
        ]

    assert shown("country") == [
        ("DK", "Denmark", 0, 0, Decimal("300.00"), Decimal("100.00")),
        ("eu-edf", "European Defence Fund (international body)", 0, Decimal("200.00"), 0, 0),
    ]
    assert shown("month") == [
        ("2025-12", "Dec 2025", 0, 0, Decimal("300.00"), 0),
        ("2026-01", "Jan 2026", 0, Decimal("200.00"), 0, Decimal("100.00")),
    ]
    # Also as the dashboard asks, without the group's figures; a code the list of countries does not name as such.
    assert (group_name("country", "DK"), group_name("country", "XK")) == ("Denmark", "XK")


def test_agreements_without_a_rate_are_left_out_of_every_group_and_named(db):
    """A (EUR 1,000; strike drones) with EUR 100 firm; B (PLN 500, no PLN rate, no capability)."""
    drones = CapabilityFactory(name="Strike drones")
    counted = AgreementFactory(reference="UA-DK-2026-001", budget=Decimal("1000.00"))
    counted.capabilities.set([drones])
    CommitmentFactory(agreement=counted, amount=Decimal("100.00"))
    left_out = AgreementFactory(reference="UA-PL-2026-002", budget=Decimal("500.00"), currency="PLN")
    note = Note(
        "left_out_unconvertible",
        "1 agreement with money in a currency without an exchange rate on or before 2026-01-15 is left out of the "
        "total and of every group: UA-PL-2026-002.",
        1,
    )

    by_funder = funding_breakdown(None, group_by="funder", as_of=TODAY)
    by_capability = funding_breakdown(None, group_by="capability", as_of=TODAY)

    assert by_funder.left_out == by_capability.left_out == (Unvalued(left_out.pk, "UA-PL-2026-002", ("PLN",)),)
    assert by_funder.notes == [Note("budget_not_split", BUDGETS_NOT_SPLIT, 0), note]
    assert by_capability.notes == [note]  # the agreement left out is not counted as one without a capability
    assert by_capability.adds_up
    assert (
        by_funder.total == by_capability.total == FundingSummary("EUR", Decimal("1000.00"), committed=Decimal("100.00"))
    )
    assert (by_funder.agreement_count, [g.key for g in by_capability.groups]) == (1, ["Strike drones"])
