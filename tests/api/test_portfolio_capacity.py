"""/api/v1/portfolio/capacity/: the hand-computed figures, only what the caller may see, constant queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import Agreement, Indicator
from tests.api.conftest import bearer
from tests.factories import CapabilityFactory, CommitmentFactory, IndicatorFactory, PartyFactory
from tests.test_capacity import small_portfolio  # noqa: F401  (the fixture)

URL = reverse("api-portfolio-capacity")


def test_staff_read_the_figures_worked_out_by_hand(small_portfolio, staff_api):  # noqa: F811
    body = staff_api.get(URL, {"as_of": "2026-01-15"}).json()
    assert body["as_of"] == "2026-01-15" and "committed ÷ budget" in body["unfunded_definition"]
    drones = next(line for line in body["lines"] if line["capability"] == "Interceptor drones")
    assert drones == {
        "capability": "Interceptor drones",
        "unit": "interceptor drones",
        "capacity_on_books": "12000.00",
        "capacity_funded": "6000.00",
        "capacity_unfunded": "6000.00",
        "unfunded_share": "0.5000",
        "output_target": "0.00",
        "output_to_date": "0.00",
        "output_verified": "0.00",
        "output_share": None,
    }
    shells = next(line for line in body["totals"] if line["unit"] == "155 mm shells")
    assert (shells["capability"], shells["capacity_unfunded"], shells["unfunded_share"]) == (None, "70750.00", "0.7075")
    training = next(line for line in body["lines"] if line["unit"] == "specialists certified")
    assert (training["output_to_date"], training["output_verified"], training["output_share"]) == (
        "30.00",
        "18.00",
        "0.7500",
    )


def test_a_partner_sees_the_capacity_of_its_own_agreements_only(small_portfolio, token_for):  # noqa: F811
    shells = Indicator.objects.get(unit="155 mm shells")
    partner = bearer(token_for(organization=shells.responsible))
    body = partner.get(URL, {"as_of": "2026-01-15"}).json()
    assert [(line["unit"], line["capacity_on_books"]) for line in body["lines"]] == [("155 mm shells", "100000.00")]


def test_terminated_agreements_are_left_out(small_portfolio, staff_api):  # noqa: F811
    Agreement.objects.filter(indicators__unit="155 mm shells").update(status="terminated", signed_on="2026-01-01")
    body = staff_api.get(URL, {"as_of": "2026-01-15"}).json()
    assert "155 mm shells" not in {line["unit"] for line in body["lines"]}


@pytest.mark.parametrize("who", ["staff", "partner"])
def test_the_endpoint_runs_the_same_queries_for_2_or_20_agreements(db, who, staff_api, token_for):
    capability = CapabilityFactory()
    partner = PartyFactory().organization
    counts = []
    for size in (2, 20):
        while Agreement.objects.count() < size:
            indicator = IndicatorFactory(capability=capability)
            CommitmentFactory(agreement=indicator.agreement)
            PartyFactory(agreement=indicator.agreement, organization=partner)
        client = staff_api if who == "staff" else bearer(token_for(organization=partner))
        client.get(URL)
        with CaptureQueriesContext(connection) as captured:
            body = client.get(URL).json()
        assert body["totals"][0]["capacity_on_books"] == f"{1000 * Indicator.objects.count()}.00"
        counts.append(len(captured))
    assert counts[0] == counts[1] == 4  # the token, the rates, the money, the indicators
