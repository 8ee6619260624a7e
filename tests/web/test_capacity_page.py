"""The "Capacity and output by capability" page: figures with totals per unit, the definition of unfunded
beside them, a CSV of the same table, and constant queries."""

import csv
import io

import pytest
from django.urls import reverse

from tests.factories import CapabilityFactory, CommitmentFactory, IndicatorFactory
from tests.test_capacity import small_portfolio  # noqa: F401  (the fixture)


def test_the_page_shows_lines_totals_and_the_definition_of_unfunded(small_portfolio, viewer_client):  # noqa: F811
    page = viewer_client.get(reverse("portfolio-capacity")).content.decode()
    assert "Capacity and output by capability" in page
    assert "committed ÷ budget" in page and 'aria-describedby="unfunded-definition"' in page
    assert "70,750" in page and "70.8%" in page and "12,000" in page
    assert page.count('class="total"') == 3  # one per unit


def test_the_csv_holds_the_same_table_with_exact_figures(small_portfolio, viewer_client):  # noqa: F811
    response = viewer_client.get(reverse("portfolio-capacity-csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Capability", "Unit", "Capacity on the books (a year)"]
    assert ["Ammunition", "155 mm shells", "100000", "29250.00", "70750.00", "0.7075", "0", "0", "0"] in rows
    assert ["Total", "specialists certified", "0", "0.00", "0.00", "", "40", "30", "18"] in rows


@pytest.mark.parametrize("size", [2, 15])
def test_the_page_runs_the_same_queries_whatever_the_portfolio_size(viewer_client, django_assert_num_queries, size):
    capability = CapabilityFactory()
    for _ in range(size):
        CommitmentFactory(agreement=IndicatorFactory(capability=capability).agreement)
    with django_assert_num_queries(5):  # session, user, rates, money, indicators
        assert viewer_client.get(reverse("portfolio-capacity")).status_code == 200
