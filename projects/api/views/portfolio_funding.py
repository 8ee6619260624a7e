"""The portfolio's funding by capability, funder, funder country or month, over what the caller may see."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response

from projects.actors import actor_of
from projects.api import serializers as s
from projects.models import Agreement
from projects.selectors import IN_PORTFOLIO
from projects.selectors.breakdowns import Breakdown, funding_breakdown


class PortfolioFunding(generics.GenericAPIView):
    """Budget, pledged, committed and disbursed money in the base currency, in total and per group, over the
    agreements you may see (a partner: those its organisation is party to), terminated ones left out.

    Money is valued at the latest exchange rates on or before `as_of`. By funder, funder country or month
    (a commitment's `pledged_on`, a disbursement's `disbursed_on`) the groups split the money, never the
    budgets, and add up to the total to the cent. By capability an agreement counts under each of its
    capabilities, so the groups add up only when every agreement has exactly one: `adds_up` and `notes`
    say so. Agreements with money in a currency without a rate are left out of every figure and listed
    in `left_out`."""

    serializer_class = s.PortfolioFundingOut
    summaries = {"GET": "Read the portfolio's funding by capability, funder, country or month"}

    @extend_schema(parameters=[s.PortfolioFundingQuery], responses={200: s.PortfolioFundingOut})
    def get(self, request):
        query = s.PortfolioFundingQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        visible = Agreement.objects.visible_to(actor_of(request)).filter(IN_PORTFOLIO)
        return Response(s.PortfolioFundingOut(represented(funding_breakdown(visible, **query.validated_data))).data)


def figures(summary, *, splits_budget: bool = True) -> dict:
    money = {"pledged": summary.pledged, "committed": summary.committed, "disbursed": summary.disbursed}
    if not splits_budget:
        return money | dict.fromkeys(("budget", "gap", "gap_if_pledges_honoured", "unfunded_share"))
    return money | {
        "budget": summary.budget,
        "gap": summary.gap,
        "gap_if_pledges_honoured": summary.gap_if_pledges_honoured,
        "unfunded_share": summary.unfunded_share,
    }


def represented(breakdown: Breakdown) -> dict:
    return {
        "currency": breakdown.total.currency,
        "as_of": breakdown.as_of,
        "group_by": breakdown.group_by,
        "agreement_count": breakdown.agreement_count,
        "total": figures(breakdown.total),
        "groups": [
            {"key": g.key, "name": g.name, **figures(g.figures, splits_budget=breakdown.splits_budget)}
            for g in breakdown.groups
        ],
        "adds_up": breakdown.adds_up,
        "notes": breakdown.notes,
        "left_out": breakdown.left_out,
    }
