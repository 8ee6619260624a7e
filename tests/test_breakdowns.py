"""Breakdowns to the cent: the groups add up to the rounded total exactly, or the breakdown says why not."""

from decimal import Decimal

from django.db import transaction
from hypothesis import given

from projects.selectors.breakdowns import funding_breakdown
from tests.factories import TODAY
from tests.test_selectors import PROPERTY_SETTINGS, breakdown_portfolios, build_breakdown_portfolio


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
