"""The portfolio's production capacity against the money committed to it, and output against targets."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from projects.actors import actor_of
from projects.api import fields as f
from projects.api.problems import PROBLEM_CONTENT_TYPE
from projects.api.schema import ProblemOut
from projects.api.serializers import UnvaluedOut
from projects.models import Agreement
from projects.selectors import IN_PORTFOLIO, UNFUNDED_DEFINITION, CapacityLine, portfolio_capacity

CENT = Decimal("0.01")
SHARE = Decimal("0.0001")


def figure(**options) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=24, decimal_places=2, **options)


def share(**options) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True, **options)


class CapacityLineOut(serializers.Serializer):
    capability = serializers.CharField(allow_null=True, help_text="None in the totals (per unit).")
    unit = serializers.CharField()
    capacity_on_books = figure(help_text="Units a year the capacity indicators' targets add up to.")
    capacity_funded = figure(help_text="Each agreement's capacity × min(1, committed ÷ budget).")
    capacity_unfunded = figure(help_text="Capacity on the books minus funded capacity.")
    unfunded_share = share(help_text="Unfunded ÷ on the books, 0..1; null without capacity.")
    output_target = figure(help_text="Units the output indicators are to deliver.")
    output_to_date = figure(help_text="Actuals of reported, verified and locked periods.")
    output_verified = figure(help_text="Actuals of verified and locked periods only.")
    output_share = share(help_text="Output to date ÷ target (beyond 1 when exceeded); null without a target.")


class CapacityOut(serializers.Serializer):
    as_of = serializers.DateField()
    unfunded_definition = serializers.CharField()
    lines = CapacityLineOut(many=True, help_text="Per capability and unit.")
    totals = CapacityLineOut(many=True, help_text="Per unit: the lines of that unit added up.")
    unvalued = UnvaluedOut(
        many=True, help_text="Agreements left out of the capacity figures: money in a currency without a rate."
    )


class CapacityQuery(serializers.Serializer):
    as_of = f.Day(required=False, help_text="Value money at the rates of this day (default today).")


def line_out(line: CapacityLine) -> dict:
    """Figures to the cent, unfunded taken from the rounded funded figure so the two add up to the books."""
    funded = line.funded.quantize(CENT)
    unfunded = line.on_books - funded
    return {
        "capability": line.capability,
        "unit": line.unit,
        "capacity_on_books": line.on_books,
        "capacity_funded": funded,
        "capacity_unfunded": unfunded,
        "unfunded_share": (unfunded / line.on_books).quantize(SHARE) if line.on_books else None,
        "output_target": line.output_target,
        "output_to_date": line.output_to_date,
        "output_verified": line.output_verified,
        "output_share": None if line.output_share is None else line.output_share.quantize(SHARE),
    }


class PortfolioCapacity(generics.GenericAPIView):
    """Production capacity per capability and unit: on the books, on funded money and unfunded, with output to
    date against targets, over the agreements you may see (terminated ones left out). Unfunded capacity is
    capacity that firm commitments do not pay for: each agreement's capacity counts as funded in the share
    committed ÷ budget (in the base currency, at most 1); pledges do not count."""

    serializer_class = CapacityOut
    filter_backends = []
    summaries = {"GET": "Read the portfolio's capacity and output by capability"}

    @extend_schema(parameters=[CapacityQuery], responses={200: CapacityOut, (409, PROBLEM_CONTENT_TYPE): ProblemOut})
    def get(self, request):
        query = CapacityQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        agreements = Agreement.objects.visible_to(actor_of(request)).filter(IN_PORTFOLIO)
        capacity = portfolio_capacity(agreements, **query.validated_data)
        data = {
            "as_of": capacity.as_of,
            "unfunded_definition": str(UNFUNDED_DEFINITION),
            "lines": [line_out(line) for line in capacity.lines],
            "totals": [line_out(line) for line in capacity.totals],
            "unvalued": capacity.unvalued,
        }
        return Response(CapacityOut(data).data)
