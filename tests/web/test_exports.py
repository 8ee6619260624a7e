"""The agreements export carries the money in the agreement's and the base currency as real numbers and dates,
never a formula, and a row whose rate is missing is exported flagged instead of failing the export."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from projects.choices import CommitmentStatus
from projects.models import ExchangeRate
from tests.factories import AgreementFactory, CommitmentFactory, DisbursementFactory, ExchangeRateFactory

FORMULAS = [
    '=HYPERLINK("http://evil.example","Click")',
    "+41 drones",
    "-5 days late",
    "@SUM(A1)",
    "\tTabbed",
    "\rReturn",
]


def export(client, file_type: str, query: str = "") -> list[dict]:
    response = client.get(reverse("agreement-export", args=[file_type]) + query)
    assert response.status_code == 200
    if file_type == "csv":
        return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.fixture
def funded(db):
    """A GBP agreement funded in GBP and EUR, over-committed so that its gap is negative."""
    ExchangeRateFactory(currency="GBP", rate=Decimal("1.20"), valid_on=date(2025, 1, 1))
    agreement = AgreementFactory(
        reference="UA-GB-2025-007", currency="GBP", budget=Decimal("1000000.00"), signed_on=date(2025, 3, 4)
    )
    committed = CommitmentFactory(
        agreement=agreement, amount=Decimal("900000.00"), currency="GBP", status=CommitmentStatus.COMMITTED
    )
    CommitmentFactory(
        agreement=agreement, amount=Decimal("240000.00"), currency="EUR", status=CommitmentStatus.COMMITTED
    )
    CommitmentFactory(agreement=agreement, amount=Decimal("60000.00"), currency="GBP", status=CommitmentStatus.PLEDGED)
    DisbursementFactory(commitment=committed, amount=Decimal("300000.00"))
    return agreement


def test_export_carries_pledged_committed_disbursed_and_gap_in_both_currencies(manager_client, funded):
    row = export(manager_client, "xlsx")[0]
    assert {key: row[key] for key in ("currency", "budget", "pledged", "committed", "disbursed", "gap")} == {
        "currency": "GBP",
        "budget": 1000000,
        "pledged": 60000,
        "committed": 1100000,  # 900,000 GBP + 240,000 EUR at 1.20
        "disbursed": 300000,
        "gap": -100000,
    }
    assert {key: row[f"{key}_EUR"] for key in ("budget", "pledged", "committed", "disbursed", "gap")} == {
        "budget": 1200000,
        "pledged": 72000,
        "committed": 1320000,
        "disbursed": 360000,
        "gap": -120000,
    }
    assert row["conversion_note"] is None
    line = export(manager_client, "csv")[0]
    assert (line["committed"], line["gap"], line["gap_EUR"], line["signed_on"]) == (
        "1100000.00",
        "-100000.00",  # a negative number stays a number
        "-120000.00",
        "2025-03-04",
    )


def test_xlsx_numbers_and_dates_are_numbers_and_dates_not_text(manager_client, funded):
    response = manager_client.get(reverse("agreement-export", args=["xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    cells = dict(zip(header, sheet[2], strict=True))
    for column in ("budget", "committed", "gap", "gap_EUR", "overdue_milestones"):
        assert cells[column].data_type == "n", column
    assert cells["gap"].value == -100000 and cells["budget"].number_format == "#,##0.00"
    assert cells["signed_on"].is_date and cells["signed_on"].value == datetime(2025, 3, 4)  # noqa: DTZ001 (a spreadsheet has no time zone)


@pytest.mark.parametrize("title", FORMULAS)
def test_text_that_a_spreadsheet_would_run_as_a_formula_is_exported_as_text(manager_client, funded, title):
    funded.title, funded.summary = title, title
    funded.save()
    line = export(manager_client, "csv")[0]
    assert (line["title"], line["summary"]) == (f"'{title}", f"'{title}")
    assert line["gap"] == "-100000.00"
    response = manager_client.get(reverse("agreement-export", args=["xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = dict(zip([cell.value for cell in sheet[1]], sheet[2], strict=True))
    # XML reads a carriage return back as a line feed; the cell is text either way.
    assert cells["title"].value in (title, title.replace("\r", "\n"))
    assert (cells["title"].data_type, cells["title"].quotePrefix) == ("s", True)
    assert cells["gap"].data_type == "n" and cells["gap"].value == -100000
    formulas = [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    assert formulas == []


def test_a_row_without_an_exchange_rate_is_exported_flagged_and_the_others_in_full(manager_client, funded):
    zloty = AgreementFactory(reference="UA-PL-2026-001", currency="PLN", budget=Decimal("400000.00"))
    CommitmentFactory(agreement=zloty, amount=Decimal("100000.00"), currency="PLN")
    rows = {row["reference"]: row for row in export(manager_client, "xlsx")}
    assert rows["UA-GB-2025-007"]["committed_EUR"] == 1320000
    flagged = rows["UA-PL-2026-001"]
    assert flagged["budget"] == 400000
    assert [flagged[f"{name}_EUR"] for name in ("budget", "pledged", "committed", "disbursed", "gap")] == [None] * 5
    assert flagged["conversion_note"].startswith("No exchange rate for PLN on or before ")
    ExchangeRate.objects.all().delete()  # even the GBP rate gone: every GBP row flagged, the export still works
    rows = {row["reference"]: row for row in export(manager_client, "csv")}
    assert (
        rows["UA-GB-2025-007"]["gap_EUR"] == ""
        and "No exchange rate for GBP" in rows["UA-GB-2025-007"]["conversion_note"]
    )


@pytest.mark.parametrize("agreements", [2, 12])
def test_export_queries_are_constant(manager_client, django_assert_num_queries, funded, agreements):
    ExchangeRateFactory(currency="USD", rate=Decimal("0.90"), valid_on=date(2025, 1, 1))
    for n in range(agreements):
        agreement = AgreementFactory(currency=["EUR", "USD", "PLN"][n % 3])
        commitment = CommitmentFactory(agreement=agreement, currency="USD", status=CommitmentStatus.COMMITTED)
        DisbursementFactory(commitment=commitment, amount=Decimal("1.00"))
    # session, user, the filter's three choice lists, the rates of the sort keys, agreements, their
    # capabilities, rates, commitment currencies, and the portfolio selector's two
    with django_assert_num_queries(12):
        assert len(export(manager_client, "xlsx")) == agreements + 1
