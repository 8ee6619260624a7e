"""Burden-sharing: each donor's money in a year against its GDP, over the agreements the caller may see."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response

from projects.actors import actor_of
from projects.api import serializers as s
from projects.models import Agreement
from projects.selectors.donors import DonorYear, burden_sharing
from projects.selectors.money import CENT, EXACT


class DonorShares(generics.GenericAPIView):
    """Per donor (a country, or an international body of its own) and year: open pledges, firm commitments
    and disbursements in the base currency, each as a share of the donor's GDP, and the firm money still
    missing to reach the target share of GDP. Pledges and commitments count in the year of their pledge
    date, disbursements in the year they were paid. A partner sees the money of the agreements it is party to."""

    serializer_class = s.BurdenSharingOut
    pagination_class = None
    filter_backends = []
    summaries = {"GET": "Read burden-sharing by donor"}

    @extend_schema(parameters=[s.BurdenSharingQuery], responses={200: s.BurdenSharingOut})
    def get(self, request):
        query = s.BurdenSharingQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        as_of = query.validated_data.get("as_of") or timezone.localdate()
        year = query.validated_data.get("year") or as_of.year
        sharing = burden_sharing(Agreement.objects.visible_to(actor_of(request)), as_of=as_of)
        rows = sharing.of_year(year)
        data = {
            "year": year,
            "as_of": sharing.as_of,
            "currency": sharing.currency,
            "target_percent": sharing.target_percent,
            "years": sharing.years(),
            "donors": [donor_year(row) for row in rows],
            "total": {name: cents(value) for name, value in vars(sharing.totals(rows)).items()},
            "unvalued": sharing.unvalued,
        }
        return Response(s.BurdenSharingOut(data).data)


def cents(value):
    return None if value is None else value.quantize(CENT, context=EXACT)


def donor_year(row: DonorYear) -> dict:
    economy = row.economy
    return {
        "donor": vars(row.donor),
        "pledged": cents(row.pledged),
        "committed": cents(row.committed),
        "disbursed": cents(row.disbursed),
        "gdp": {
            "status": row.gdp_status,
            "year": economy and economy.year,
            "amount": economy and economy.gdp,
            "currency": economy and economy.currency,
            "in_base_currency": cents(row.gdp),
            "source": economy and economy.source,
            "illustrative": economy and economy.illustrative,
        },
        "pledged_percent_of_gdp": row.pledged_percent,
        "committed_percent_of_gdp": row.committed_percent,
        "disbursed_percent_of_gdp": row.disbursed_percent,
        "target_amount": cents(row.target_amount),
        "missing_to_target": cents(row.missing_to_target),
    }
