"""The agreements list compares agreements in the base currency: gap and coverage sorted in SQL, a totals row."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Agreement
from projects.selectors import portfolio_funding
from projects.selectors.funding import with_sort_keys
from projects.services.funding import verify_commitment
from tests.factories import AgreementFactory, CommitmentFactory, ExchangeRateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def currencies():
    """EUR 1M with 0.9M committed; GBP 1M (EUR 1.15M) with GBP 0.1M (EUR 0.115M) committed and GBP 0.5M
    pledged; USD 2M (EUR 1.8M) with nothing; PLN 5M without a rate."""
    since = timezone.localdate() - datetime.timedelta(days=10)
    ExchangeRateFactory(currency="GBP", rate=Decimal("1.15"), valid_on=since)
    ExchangeRateFactory(currency="USD", rate=Decimal("0.90"), valid_on=since)
    euro = AgreementFactory(reference="A-EUR", budget=Decimal("1000000.00"))
    CommitmentFactory(agreement=euro, amount=Decimal("900000.00"))
    pound = AgreementFactory(reference="B-GBP", budget=Decimal("1000000.00"), currency="GBP")
    CommitmentFactory(agreement=pound, amount=Decimal("100000.00"), currency="GBP")
    CommitmentFactory(agreement=pound, amount=Decimal("500000.00"), currency="GBP", status="pledged")
    AgreementFactory(reference="C-USD", budget=Decimal("2000000.00"), currency="USD")
    AgreementFactory(reference="D-PLN", budget=Decimal("5000000.00"), currency="PLN")


def listed(client, query: str) -> list[str]:
    return [agreement.reference for agreement, _ in client.get(reverse("agreement-list") + query).context["rows"]]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-gap", ["C-USD", "B-GBP", "A-EUR", "D-PLN"]),
        ("gap", ["A-EUR", "B-GBP", "C-USD", "D-PLN"]),
        ("coverage", ["C-USD", "B-GBP", "A-EUR", "D-PLN"]),
        ("-coverage", ["A-EUR", "B-GBP", "C-USD", "D-PLN"]),
        ("-budget", ["C-USD", "B-GBP", "A-EUR", "D-PLN"]),  # the raw budgets would put B and A level
    ],
)
def test_list_sorts_by_converted_figures_with_unconvertible_rows_last(manager_client, currencies, sort, expected):
    assert listed(manager_client, f"?sort={sort}") == expected


def test_sort_keys_equal_the_figures_shown(currencies):
    today = timezone.localdate()
    shown = portfolio_funding(as_of=today, by=("agreement",), leave_out_unconvertible=True).by_agreement
    for agreement in with_sort_keys(Agreement.objects.all(), today):
        if agreement.reference == "D-PLN":
            assert (agreement.gap_in_base, agreement.coverage) == (None, None)
            continue
        assert agreement.gap_in_base == shown[agreement.pk].gap
        assert round(agreement.coverage, 4) == shown[agreement.pk].coverage


def test_totals_row_adds_up_every_listed_agreement_and_names_what_it_leaves_out(manager_client, currencies):
    html = manager_client.get(reverse("agreement-list") + "?sort=-gap").content.decode()

    def total(name):
        return re.search(rf'data-total="{name}">([^<]*)<', html).group(1)

    # Gaps 100,000 + 1,035,000 + 1,800,000; budgets 1,000,000 + 1,150,000 + 1,800,000; 1,015,000 committed.
    assert (total("gap"), total("budget"), total("coverage")) == ("2,935,000", "3,950,000", "25.7%")
    assert "Total, 3 agreements listed" in html and "1 agreement without an exchange rate left out" in html
    assert 'data-definition="unfunded"' in html


def test_the_list_shows_all_figures_or_verified_ones_only_says_which_and_sorts_on_them(manager_client, staff):
    """A: budget 1,000, 300 verified and 200 not; B: budget 1,000, 600 not verified."""
    first = AgreementFactory(reference="A-EUR", budget=Decimal("1000.00"))
    checked = CommitmentFactory(agreement=first, amount=Decimal("300.00"))
    CommitmentFactory(agreement=first, amount=Decimal("200.00"))
    CommitmentFactory(
        agreement=AgreementFactory(reference="B-EUR", budget=Decimal("1000.00")), amount=Decimal("600.00")
    )
    verify_commitment(actor=staff, commitment_id=checked.pk)

    everything = manager_client.get(reverse("agreement-list") + "?sort=-gap")
    verified = manager_client.get(reverse("agreement-list") + "?sort=-gap&figures=verified")

    def shown(response) -> list[tuple[str, str]]:
        html = response.content.decode()
        gaps = re.findall(r"<td class=\"num\" data-gap>([^<]*)<", html)
        return [*zip([agreement.reference for agreement, _ in response.context["rows"]], gaps, strict=True)] + [
            ("total", re.search(r'data-total="gap">([^<]*)<', html).group(1))
        ]

    assert shown(everything) == [("A-EUR", "500"), ("B-EUR", "400"), ("total", "900")]
    assert shown(verified) == [("B-EUR", "1,000"), ("A-EUR", "700"), ("total", "1,700")]
    page = everything.content.decode()
    assert "Showing all reported figures, verified or not." in page
    assert '<a href="?sort=-gap&amp;figures=verified">Show verified figures only</a>' in page
    page = verified.content.decode()
    assert "Showing verified commitments and disbursements only (budgets in full)" in page
    assert '<a href="?sort=-gap">Show all reported figures</a>' in page
    assert '<input type="hidden" name="figures" value="verified">' in page


def test_the_dashboard_leaves_an_agreement_with_a_pledge_in_a_currency_without_a_rate_out_of_its_largest_gaps(
    manager_client, currencies
):
    """Its gap cannot be stated in the base currency: the page lists the others and names it among those left out."""
    euro = Agreement.objects.get(reference="A-EUR")
    CommitmentFactory(agreement=euro, amount=Decimal("1000.00"), currency="PLN", status="pledged")

    response = manager_client.get(reverse("dashboard"))

    assert response.status_code == 200
    gaps = re.findall(r'data-gap-row="([^"]+)"', response.content.decode())
    assert gaps == ["C-USD", "B-GBP"]
