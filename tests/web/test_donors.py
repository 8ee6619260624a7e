"""The donor pages: burden-sharing by donor, a page per donor, CSV of every table, and the GDP figures' forms."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.choices import OrganizationKind
from projects.models import CountryEconomy
from tests.factories import (
    AgreementFactory,
    CommitmentFactory,
    CountryEconomyFactory,
    DisbursementFactory,
    ExchangeRateFactory,
    OrganizationFactory,
)

pytestmark = pytest.mark.django_db
THIS_YEAR = timezone.localdate().year


@pytest.fixture
def donors():
    """This year: Denmark commits 30,000,000 DKK at 0.134; Germany 5,000,000 EUR; an EU fund seated in Belgium
    pledges 2,000,000 EUR. Denmark's GDP is known for last year only."""
    ExchangeRateFactory(currency="DKK", rate=Decimal("0.134"), valid_on=timezone.localdate())
    CountryEconomyFactory(country="DK", year=THIS_YEAR - 1, gdp=Decimal("2900000000000.00"), currency="DKK")
    denmark = OrganizationFactory(name="Danish MoD", kind=OrganizationKind.MINISTRY, country="DK")
    germany = OrganizationFactory(name="BMVg", kind=OrganizationKind.MINISTRY, country="DE")
    fund = OrganizationFactory(name="EU fund", slug="eu-fund", kind=OrganizationKind.INTERNATIONAL_BODY, country="BE")
    agreement = AgreementFactory(reference="UA-DK-2026-001")
    today = timezone.localdate()
    danish = CommitmentFactory(
        agreement=agreement,
        funder=denmark,
        amount=Decimal("30000000.00"),
        currency="DKK",
        pledged_on=today,
        reference="DK-UAS-01",
    )
    DisbursementFactory(commitment=danish, amount=Decimal("10000000.00"), disbursed_on=today, reference="DK-T1")
    CommitmentFactory(agreement=agreement, funder=germany, amount=Decimal("5000000.00"), pledged_on=today)
    CommitmentFactory(
        agreement=agreement, funder=fund, amount=Decimal("2000000.00"), status="pledged", pledged_on=today
    )


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_donor_list_shows_country_names_shares_totals_and_the_target(viewer_client, donors):
    page = viewer_client.get(reverse("donor-list")).content.decode()

    assert "<h1>Burden-sharing by donor</h1>" in page
    assert f"<caption>Donors in {THIS_YEAR}, in EUR</caption>" in page
    assert ">Denmark (DK)</a>" in page and ">Germany (DE)</a>" in page and ">EU fund</a>" in page
    assert "4,020,000" in page  # Denmark committed: 30,000,000 DKK at 0.134
    assert "388,600,000,000" in page  # its GDP of last year in EUR, 2,900,000,000,000 DKK at 0.134
    assert "0.0010%" in page  # 4,020,000 x 100 / 388,600,000,000
    assert "971,500,000" in page and "967,480,000" in page  # 0.25% of that GDP, and what is missing
    assert "international body: no GDP" in page and "no GDP recorded" in page
    assert "<tfoot>" in page and "9,020,000" in page  # the total committed: 4,020,000 + 5,000,000
    assert "0.25% of their GDP" in page


def test_the_donor_list_in_ukrainian_writes_numbers_and_shares_the_ukrainian_way(viewer_client, donors):
    page = viewer_client.get(reverse("donor-list"), headers={"accept-language": "uk"}).content.decode()

    assert ">Данія (DK)</a>" in page and ">Німеччина (DE)</a>" in page
    assert "4\xa0020\xa0000" in page and "388\xa0600\xa0000\xa0000" in page  # grouped with no-break spaces
    assert "0,0010%" in page and "0.0010%" not in page


def test_the_donor_list_sorts_by_any_column(viewer_client, donors):
    by_committed = viewer_client.get(reverse("donor-list"), {"sort": "-committed"}).content.decode()
    by_name = viewer_client.get(reverse("donor-list"), {"sort": "donor"}).content.decode()

    assert by_committed.index("Germany (DE)") < by_committed.index("Denmark (DK)") < by_committed.index("EU fund")
    assert by_name.index("Denmark (DK)") < by_name.index("EU fund") < by_name.index("Germany (DE)")
    assert 'aria-sort="descending"' in by_committed


def test_the_donor_list_downloads_as_csv_with_exact_figures(viewer_client, donors):
    rows = rows_of(viewer_client.get(reverse("donor-list-csv"), {"year": THIS_YEAR}))

    header, *body = rows
    named = [dict(zip(header, row, strict=True)) for row in body]
    denmark = next(row for row in named if row["donor_code"] == "DK")
    assert (denmark["donor"], denmark["committed"], denmark["disbursed"]) == (
        "Denmark (DK)",
        "4020000.00",
        "1340000.00",
    )
    assert (denmark["gdp_year"], denmark["gdp_currency"], denmark["committed_percent"]) == (
        str(THIS_YEAR - 1),
        "DKK",
        "0.001034",
    )
    assert (denmark["target_amount"], denmark["missing_to_target"]) == ("971500000.00", "967480000.00")
    assert named[-1]["donor"] == "Total" and named[-1]["committed"] == "9020000.00"
    fund = next(row for row in named if row["donor_code"] == "eu-fund")
    assert (fund["donor_kind"], fund["pledged"], fund["gdp"]) == ("international_body", "2000000.00", "")


def test_a_donor_page_lists_its_years_commitments_and_deliveries_each_as_csv(viewer_client, donors):
    url = reverse("donor", args=["country", "DK"])
    page = viewer_client.get(url).content.decode()

    assert "<h1>Denmark" in page
    for caption in ("By year, in EUR", "Commitments and open pledges", "Deliveries: money disbursed"):
        assert f"<caption>{caption}</caption>" in page
    assert "UA-DK-2026-001" in page and "DK-T1" in page
    commitments = rows_of(viewer_client.get(url + "commitments.csv"))
    assert commitments[1][2:] == [
        "Committed",
        timezone.localdate().isoformat(),
        "30000000.00",
        "DKK",
        "4020000.00",
        "DK-UAS-01",
    ]
    deliveries = rows_of(viewer_client.get(url + "disbursements.csv"))
    assert deliveries[1][0] == "UA-DK-2026-001" and deliveries[1][3:] == ["10000000.00", "DKK", "1340000.00", "DK-T1"]
    assert viewer_client.get(url + "elsewhere.csv").status_code == 404


def test_an_international_body_has_its_own_page_and_is_no_country(viewer_client, donors):
    page = viewer_client.get(reverse("donor", args=["body", "eu-fund"])).content.decode()
    assert "<h1>EU fund</h1>" in page and "never counted under Belgium" in page
    belgium = viewer_client.get(reverse("donor", args=["country", "BE"])).content.decode()
    assert "No money from this donor yet." in belgium and "EU fund" not in belgium


@pytest.mark.parametrize(
    ("kind", "code"), [("country", "XX"), ("country", "dk"), ("body", "danish-mod"), ("planet", "DK")]
)
def test_an_unknown_donor_is_404(viewer_client, donors, kind, code):
    OrganizationFactory(slug="danish-mod", kind=OrganizationKind.MINISTRY)
    assert viewer_client.get(reverse("donor", args=[kind, code])).status_code == 404


def test_a_manager_adds_and_corrects_gdp_and_a_viewer_cannot(manager_client, viewer_client, staff_user):
    figure = {"country": "NL", "year": "2025", "gdp": "1100000000000.00", "currency": "eur", "source": "CBS"}

    assert viewer_client.get(reverse("economy-create")).status_code == 403
    assert viewer_client.post(reverse("economy-create"), figure).status_code == 403
    assert manager_client.post(reverse("economy-create"), figure).status_code == 302
    economy = CountryEconomy.objects.get()
    assert (economy.country, economy.currency, economy.history.get().history_user) == ("NL", "EUR", staff_user)

    duplicate = manager_client.post(reverse("economy-create"), figure)
    assert duplicate.context["form"].errors["year"] == [
        "This country already has a GDP for this year; correct that one instead."
    ]
    edit = manager_client.get(reverse("economy-edit", args=[economy.pk]))
    version = edit.context["form"]["expected_updated_at"].value()
    manager_client.post(
        reverse("economy-edit", args=[economy.pk]),
        {**figure, "gdp": "1150000000000.00", "illustrative": "on", "expected_updated_at": version},
    )
    economy.refresh_from_db()
    assert economy.gdp == Decimal("1150000000000.00") and economy.illustrative
    listed = viewer_client.get(reverse("economy-list")).content.decode()
    assert "Netherlands (NL)" in listed and "illustrative" in listed and "Correct" not in listed


def grow(size: int) -> None:
    ExchangeRateFactory(currency="GBP", rate=Decimal("1.17"), valid_on=timezone.localdate())
    CountryEconomyFactory(country="GB", year=THIS_YEAR, currency="GBP")
    for number in range(size):
        agreement = AgreementFactory()
        funder = OrganizationFactory(country=("GB", "DK", "DE")[number % 3], kind=OrganizationKind.MINISTRY)
        commitment = CommitmentFactory(
            agreement=agreement, funder=funder, currency="GBP", pledged_on=timezone.localdate()
        )
        DisbursementFactory(commitment=commitment, disbursed_on=timezone.localdate())


@pytest.mark.parametrize("size", [2, 25])
def test_donor_pages_run_a_constant_number_of_queries(viewer_client, django_assert_num_queries, size):
    grow(size)
    # The session and its user, then the rates, the grouped sums, the funders, GDP and its rates.
    with django_assert_num_queries(7):
        assert viewer_client.get(reverse("donor-list")).status_code == 200
    # Then the donor's commitments, its disbursements and the rates that convert them.
    with django_assert_num_queries(10):
        assert viewer_client.get(reverse("donor", args=["country", "GB"])).status_code == 200
    with django_assert_num_queries(7):
        assert viewer_client.get(reverse("donor-list-csv")).status_code == 200


@pytest.mark.parametrize("size", [1, 12])
def test_the_gdp_figures_page_runs_a_constant_number_of_queries(manager_client, django_assert_num_queries, size):
    for year in range(2000, 2000 + size):
        CountryEconomyFactory(country="GB", year=year)
    # The session and its user, the navigation's count of pending approvals, then the figures.
    with django_assert_num_queries(4):
        page = manager_client.get(reverse("economy-list"))
    assert page.content.decode().count("United Kingdom (GB)") == size


def test_a_manager_deletes_a_mistaken_gdp_figure(manager_client, viewer_client):
    economy = CountryEconomyFactory(country="GB", year=2025)
    assert viewer_client.post(reverse("economy-delete", args=[economy.pk])).status_code == 403
    assert manager_client.post(reverse("economy-delete", args=[economy.pk])).status_code == 302
    assert not CountryEconomy.objects.exists()
