"""The dashboard's valuation day, largest gaps and money by month; each chart's data as CSV; what changed."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.actors import Actor
from projects.services.agreements import update_agreement
from tests.factories import (
    AgreementFactory,
    CapabilityFactory,
    CommitmentFactory,
    DisbursementFactory,
    ExchangeRateFactory,
    OrganizationFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def funded():
    """Three agreements, GBP worth 1.15 EUR from 1 Dec 2025 and 1.20 EUR from 1 Jan 2026:

    A (EUR 1,000,000, drones): Denmark commits EUR 900,000 on 10 Dec 2025, pays EUR 300,000 on 5 Jan 2026.
    B (GBP 1,000,000, drones): the UK commits GBP 100,000 on 20 Dec 2025 and pledges GBP 200,000 on 2 Jan 2026.
    C (EUR 3,000,000, shells): nothing yet.
    """
    ExchangeRateFactory(currency="GBP", rate=Decimal("1.15"), valid_on=datetime.date(2025, 12, 1))
    ExchangeRateFactory(currency="GBP", rate=Decimal("1.20"), valid_on=datetime.date(2026, 1, 1))
    drones, shells = CapabilityFactory(name="Interceptor drones"), CapabilityFactory(name="Artillery shells")
    denmark = OrganizationFactory(name="Danish MoD", country="DK")
    uk = OrganizationFactory(name="UK MoD", country="GB")
    a = AgreementFactory(reference="A-EUR", budget=Decimal("1000000.00"))
    a.capabilities.set([drones])
    firm = CommitmentFactory(
        agreement=a, funder=denmark, amount=Decimal("900000.00"), pledged_on=datetime.date(2025, 12, 10)
    )
    DisbursementFactory(commitment=firm, amount=Decimal("300000.00"), disbursed_on=datetime.date(2026, 1, 5))
    b = AgreementFactory(reference="B-GBP", budget=Decimal("1000000.00"), currency="GBP")
    b.capabilities.set([drones])
    CommitmentFactory(
        agreement=b, funder=uk, amount=Decimal("100000.00"), currency="GBP", pledged_on=datetime.date(2025, 12, 20)
    )
    CommitmentFactory(
        agreement=b,
        funder=uk,
        amount=Decimal("200000.00"),
        currency="GBP",
        status="pledged",
        pledged_on=datetime.date(2026, 1, 2),
    )
    c = AgreementFactory(reference="C-EUR", budget=Decimal("3000000.00"))
    c.capabilities.set([shells])
    return {"a": a, "b": b, "c": c}


def dashboard(client, query=""):
    return client.get(reverse("dashboard") + query).content.decode()


def figure(html: str, name: str) -> str:
    return re.search(rf'data-figure="{name}">(?:<span class="currency">EUR</span>)?\s*([^<]*)<', html).group(1).strip()


def test_dashboard_values_the_portfolio_on_the_day_asked_for(manager_client, funded):
    # In December GBP is 1.15: budgets 1,000,000 + 1,150,000 + 3,000,000; committed 900,000 + 115,000.
    december = dashboard(manager_client, "?as_of=2025-12-31")
    assert (figure(december, "budget"), figure(december, "committed")) == ("5,150,000", "1,015,000")
    assert 'value="2025-12-31"' in december and "at the rates of 31 Dec 2025" in december
    # From January GBP is 1.20: budgets 5,200,000; committed 1,020,000.
    january = dashboard(manager_client, "?as_of=2026-01-31")
    assert (figure(january, "budget"), figure(january, "committed")) == ("5,200,000", "1,020,000")
    # A day that is not a date is refused beside the picker; the page shows today's figures.
    refused = dashboard(manager_client, "?as_of=2026-02-30")
    assert "Enter a valid date." in refused and figure(refused, "budget") == "5,200,000"


def test_largest_gaps_are_listed_in_the_base_currency_largest_first(manager_client, funded):
    html = dashboard(manager_client, "?as_of=2026-01-31")

    rows = re.findall(r'data-gap-row="([^"]+)">.*?<td class="num">([^<]*)</td><td class="num">([^<]*)</td>', html)
    # C: 3,000,000 unfunded; B: 1,200,000 − 120,000; A: 1,000,000 − 900,000.
    assert rows == [("C-EUR", "3,000,000", "0.0%"), ("B-GBP", "1,080,000", "10.0%"), ("A-EUR", "100,000", "90.0%")]
    assert 'data-definition="unfunded"' in html


def test_money_by_month_is_charted_with_values_on_the_bars_and_tabled(manager_client, funded):
    html = dashboard(manager_client, "?as_of=2026-01-31")
    chart = html[html.index('data-chart="funding-by-month"') :].split("</figure>")[0]

    # December: EUR 900,000 + GBP 100,000 committed; January: GBP 200,000 pledged, EUR 300,000 paid.
    assert re.findall(r"data-value>([^<]*)<", chart) == ["0", "1.0 m", "0", "240.0 k", "0", "300.0 k"]
    assert re.findall(r'<th scope="row">([^<]*)</th>', chart) == ["Dec 2025", "Jan 2026", "Total"]
    total = chart[chart.index('data-row="total"') :].split("</tr>")[0]
    assert re.findall(r'<td class="num">([^<]*)</td>', total) == ["240,000", "1,020,000", "300,000"]
    assert 'href="/portfolio/funding-by-month.csv?as_of=2026-01-31"' in chart


def test_every_chart_names_countries_writes_its_values_and_links_its_data(manager_client, funded):
    html = dashboard(manager_client)

    charts = re.findall(r'data-chart="([^"]+)"', html)
    assert charts == ["gap-by-capability", "funding-by-country", "funding-by-month"]
    for chart in charts:
        body = html[html.index(f'data-chart="{chart}"') :].split("</figure>")[0]
        assert 'class="legend"' in body and 'data-row="total"' in body and ".csv?as_of=" in body
        assert re.search(r"data-value>[^<]+<", body)
    assert "United Kingdom" in html and "Denmark" in html


BUDGETS_NOT_SPLIT = "Budgets belong to agreements, not to funders or months: not split."


def read_csv(client, group_by: str, as_of: str) -> list[list[str]]:
    response = client.get(reverse("portfolio-funding-csv", args=[group_by]) + f"?as_of={as_of}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_chart_data_downloads_as_csv_with_its_total_and_why_it_does_not_add_up(manager_client, funded):
    assert read_csv(manager_client, "capability", "2026-01-31") == [
        ["capability", "name", "budget_EUR", "pledged_EUR", "committed_EUR", "disbursed_EUR", "gap_EUR", "note"],
        ["Artillery shells", "Artillery shells", "3000000.00", "0.00", "0.00", "0.00", "3000000.00", ""],
        [
            "Interceptor drones",
            "Interceptor drones",
            "2200000.00",
            "240000.00",
            "1020000.00",
            "300000.00",
            "1180000.00",
            "",
        ],
        ["total", "", "5200000.00", "240000.00", "1020000.00", "300000.00", "4180000.00", ""],
    ]
    by_country = read_csv(manager_client, "country", "2025-12-31")
    assert by_country[1:] == [
        ["DK", "Denmark", "0.00", "900000.00", "300000.00", ""],
        ["GB", "United Kingdom", "230000.00", "115000.00", "0.00", ""],
        [
            "total",
            "",
            "230000.00",
            "1015000.00",
            "300000.00",
            "Budgets belong to agreements, not to funders or months: not split.",
        ],
    ]
    assert manager_client.get(reverse("portfolio-funding-csv", args=["donor"])).status_code == 404


def test_an_international_body_is_charted_and_downloaded_as_such_not_under_its_seat(manager_client, funded):
    """The European Defence Fund, seated in Denmark, commits EUR 600,000 to A on 15 Dec 2025."""
    fund = OrganizationFactory(name="European Defence Fund", slug="eu-edf", country="DK", kind="international_body")
    CommitmentFactory(
        agreement=funded["a"], funder=fund, amount=Decimal("600000.00"), pledged_on=datetime.date(2025, 12, 15)
    )

    assert read_csv(manager_client, "country", "2025-12-31")[1:] == [
        ["DK", "Denmark", "0.00", "900000.00", "300000.00", ""],
        ["GB", "United Kingdom", "230000.00", "115000.00", "0.00", ""],
        ["eu-edf", "European Defence Fund (international body)", "0.00", "600000.00", "0.00", ""],
        [
            "total",
            "",
            "230000.00",
            "1615000.00",
            "300000.00",
            "Budgets belong to agreements, not to funders or months: not split.",
        ],
    ]
    chart = dashboard(manager_client, "?as_of=2025-12-31")
    chart = chart[chart.index('data-chart="funding-by-country"') :].split("</figure>")[0]
    assert re.findall(r'<th scope="row">([^<]*)</th>', chart) == [
        "Denmark",
        "European Defence Fund (international body)",
        "United Kingdom",
        "Total",
    ]


def test_what_changed_groups_a_window_of_changes_by_agreement(manager_client, funded):
    a = funded["a"]
    update_agreement(actor=Actor.system(), agreement_id=a.pk, title="Interceptor line, phase 2")

    html = manager_client.get(reverse("changes")).content.decode()

    groups = re.findall(r'<h2 id="changes-\d+"><a href="/agreements/(\d+)/">([^<]+)</a>', html)
    assert [reference for _, reference in groups] == ["A-EUR", "B-GBP", "C-EUR"]
    a_section = html[html.index(f'<a href="/agreements/{a.pk}/">A-EUR</a>') :].split("</section>")[0]
    assert "Interceptor line, phase 2" in a_section
    assert f'href="/agreements/{a.pk}/?history=all#history"' in a_section
    # A window before anything existed is empty; one longer than 92 days is refused.
    old = manager_client.get(reverse("changes") + "?since=2020-01-01&until=2020-01-07").content.decode()
    assert "Nothing changed in these days." in old and "0 changes from 1 Jan 2020 to 7 Jan 2020" in old
    refused = manager_client.get(reverse("changes") + "?since=2020-01-01&until=2020-12-31").content.decode()
    assert "Choose a window of at most 92 days" in refused


@pytest.mark.parametrize("size", [1, 6])
def test_new_pages_run_a_fixed_number_of_queries(manager_client, django_assert_num_queries, size):
    ExchangeRateFactory(currency="GBP", rate=Decimal("1.15"), valid_on=datetime.date(2020, 1, 1))
    for n in range(size):
        agreement = AgreementFactory(currency=["EUR", "GBP"][n % 2])
        agreement.capabilities.set([CapabilityFactory()])
        commitment = CommitmentFactory(agreement=agreement, pledged_on=TODAY - datetime.timedelta(days=31 * n))
        DisbursementFactory(commitment=commitment)
        update_agreement(actor=Actor.system(), agreement_id=agreement.pk, title=f"Renamed {n}")
    # Session and user; then each page's own.
    with django_assert_num_queries(2 + 3):  # the rates, the grouped and the plain sums, the capability counts
        manager_client.get(reverse("portfolio-funding-csv", args=["capability"]))
    with django_assert_num_queries(2 + 2):  # the rates, the grouped sums
        manager_client.get(reverse("portfolio-funding-csv", args=["month"]))
    # The navigation's count of pending approvals; history: one per kind of record (indicators and their
    # periods too) and one for capabilities; agreements.
    with django_assert_num_queries(2 + 1 + 10):
        manager_client.get(reverse("changes"))


def test_money_by_funder_and_by_month_downloads_too(manager_client, funded):
    """On 31 Jan 2026 (GBP at 1.20): Denmark EUR 900,000 firm, 300,000 paid; the UK EUR 120,000 firm (December)
    and EUR 240,000 pledged (January)."""
    total = ["total", "", "240000.00", "1020000.00", "300000.00", BUDGETS_NOT_SPLIT]

    assert read_csv(manager_client, "funder", "2026-01-31") == [
        ["funder", "name", "pledged_EUR", "committed_EUR", "disbursed_EUR", "note"],
        ["Danish MoD", "Danish MoD", "0.00", "900000.00", "300000.00", ""],
        ["UK MoD", "UK MoD", "240000.00", "120000.00", "0.00", ""],
        total,
    ]
    assert read_csv(manager_client, "month", "2026-01-31")[1:] == [
        ["2025-12", "Dec 2025", "0.00", "1020000.00", "0.00", ""],
        ["2026-01", "Jan 2026", "240000.00", "0.00", "300000.00", ""],
        total,
    ]
