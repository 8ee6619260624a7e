"""Imports read spreadsheets as people save them (Excel's encodings and separators, grouped thousands, European
dates), refuse files that would exhaust the server with a message saying what to change, and offer a template."""

import io
import zipfile
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.models import Agreement, FundingCommitment, Milestone
from tests.factories import AgreementFactory, ExchangeRateFactory, OrganizationFactory, PartyFactory
from tests.web.test_imports import confirm, upload, workbook


def imported_budgets(client, content: bytes, name: str = "agreements.csv") -> dict[str, Decimal]:
    preview = upload(client, "agreements", name, content)
    assert preview.status_code == 200, preview.content
    assert [row.errors for row in preview.context["rows"]] == [[]] * len(preview.context["rows"])
    confirm(client, "agreements", preview)
    return dict(Agreement.objects.values_list("title", "budget"))


@pytest.mark.parametrize(
    ("encoding", "separator"),
    [("cp1252", ","), ("utf-8-sig", ","), ("utf-8", ","), ("cp1252", ";"), ("utf-8-sig", ";"), ("utf-16", "\t")],
)
def test_csv_in_excels_encodings_and_separators_is_read(manager_client, encoding, separator):
    text = separator.join(["reference", "title", "kind", "currency", "budget"]) + "\r\n"
    text += separator.join(["UA-FR-2026-001", "Obusiers “Caesar” – entretien", "maintenance", "EUR", "125000"]) + "\r\n"
    budgets = imported_budgets(manager_client, text.encode(encoding))
    assert budgets == {"Obusiers “Caesar” – entretien": Decimal("125000.00")}


@pytest.mark.parametrize(
    ("budget", "separator", "expected"),
    [
        ('"1,000,000"', ",", "1000000.00"),
        ('"1,000,000.50"', ",", "1000000.50"),
        ("1 000 000", ",", "1000000.00"),
        ("1\u00a0000\u00a0000.25", ",", "1000000.25"),  # a non-breaking space, as Excel and LibreOffice write
        ("1\u202f000\u202f000", ",", "1000000.00"),  # the narrow one, as French locales write
        ("1 000 000,50", ";", "1000000.50"),  # European Excel: decimal comma
        ("1.000.000,50", ";", "1000000.50"),
        ("1.500", ";", "1500.00"),
        ("2500000.75", ";", "2500000.75"),
    ],
)
def test_amounts_with_thousands_separators_and_decimal_commas_are_read(manager_client, budget, separator, expected):
    header = separator.join(["reference", "title", "kind", "currency", "budget"])
    content = f"{header}\nUA-PL-2026-001{separator}Shells{separator}procurement{separator}EUR{separator}{budget}\n"
    assert imported_budgets(manager_client, content.encode()) == {"Shells": Decimal(expected)}


def test_an_amount_that_is_no_number_says_what_to_write(manager_client):
    content = "reference,title,kind,currency,budget\nUA-1,Shells,procurement,EUR,€1m\nUA-2,Fuses,procurement,EUR,12,5\n"
    preview = upload(manager_client, "agreements", "a.csv", content.encode())
    assert preview.status_code == 200
    assert "Row 3 has more values than the first row has columns" in preview.content.decode()
    content = "reference,title,kind,currency,budget\nUA-1,Shells,procurement,EUR,€1m\n"
    rows = upload(manager_client, "agreements", "a.csv", content.encode()).context["rows"]
    assert rows[0].errors == [
        "budget: “€1m” is not a number: write it as 1234567.89, 1,234,567.89 or 1 234 567.89 without a currency "
        "sign (with a decimal comma in a semicolon-separated file)."
    ]


def test_dates_are_iso_or_day_month_year_and_never_month_first(manager_client):
    agreement = AgreementFactory(reference="UA-DK-2025-012")
    producer = OrganizationFactory(slug="dnipro-uas")
    PartyFactory(agreement=agreement, organization=producer)
    content = (
        "agreement,title,due_on,responsible\n"
        "UA-DK-2025-012,ISO,2026-06-30,dnipro-uas\n"
        "UA-DK-2025-012,Slashes,02/01/2026,dnipro-uas\n"
        "UA-DK-2025-012,Dots,3.1.2026,dnipro-uas\n"
        "UA-DK-2025-012,Month first,06/30/2026,dnipro-uas\n"
    )
    preview = upload(manager_client, "milestones", "m.csv", content.encode())
    rows = preview.context["rows"]
    assert [row.outcome for row in rows] == ["new", "new", "new", "error"]
    assert rows[3].errors == [
        "due_on: “06/30/2026” is not a date: write dates as 2026-02-01 or 01/02/2026 (day/month/year)."
    ]
    fixed = content.replace("06/30/2026", "30/06/2026")
    confirm(manager_client, "milestones", upload(manager_client, "milestones", "m.csv", fixed.encode()))
    assert dict(Milestone.objects.values_list("title", "due_on")) == {
        "ISO": date(2026, 6, 30),
        "Slashes": date(2026, 1, 2),
        "Dots": date(2026, 1, 3),
        "Month first": date(2026, 6, 30),
    }


def test_xlsx_numbers_and_dates_are_read_as_the_cells_hold_them(manager_client):
    ExchangeRateFactory(currency="DKK")
    agreement = AgreementFactory(reference="UA-DK-2025-012")
    OrganizationFactory(slug="mod-dk", country="DK")
    content = workbook(
        [
            ["agreement", "funder", "amount", "currency", "status", "pledged_on"],
            ["UA-DK-2025-012", "mod-dk", 180000000.1, "DKK", "pledged", date(2026, 1, 10)],
            ["UA-DK-2025-012", "mod-dk", "2 500 000,00", "DKK", "pledged", "11/01/2026"],
        ]
    )
    preview = upload(manager_client, "commitments", "c.xlsx", content)
    assert [row.outcome for row in preview.context["rows"]] == ["new", "error"]
    assert preview.context["rows"][1].errors[0].startswith("amount: “2 500 000,00” is not a number")
    content = workbook(
        [
            ["Agreement", "Funder", "Amount", "Currency", "Status", "Pledged_on"],  # headers in any case
            ["UA-DK-2025-012", "mod-dk", 180000000.1, "DKK", "pledged", date(2026, 1, 10)],
            ["UA-DK-2025-012", "mod-dk", "2,500,000", "DKK", "pledged", "11/01/2026"],
        ]
    )
    confirm(manager_client, "commitments", upload(manager_client, "commitments", "c.xlsx", content))
    assert sorted(agreement.commitments.values_list("amount", "pledged_on")) == [
        (Decimal("2500000.00"), date(2026, 1, 11)),
        (Decimal("180000000.10"), date(2026, 1, 10)),
    ]


def test_an_unknown_agreement_reference_names_the_row_and_the_reference(manager_client):
    agreement = AgreementFactory(reference="UA-DK-2025-012")
    producer = OrganizationFactory(slug="dnipro-uas")
    PartyFactory(agreement=agreement, organization=producer)
    OrganizationFactory(slug="mod-dk")
    milestones = (
        "agreement,title,due_on,responsible\n"
        "UA-DK-2025-012,Fine,2026-06-30,dnipro-uas\n"
        "UA-DK-2025-13,Typo,2026-06-30,dnipro-uas\n"
    )
    rows = upload(manager_client, "milestones", "m.csv", milestones.encode()).context["rows"]
    assert (rows[1].number, rows[1].errors) == (3, ["agreement: No agreement with reference “UA-DK-2025-13”."])
    assert rows[1].error_columns == ["agreement"]
    commitments = "agreement,funder,amount,currency,status\nUA-NOPE,mod-dk,100,EUR,pledged\n"
    rows = upload(manager_client, "commitments", "c.csv", commitments.encode()).context["rows"]
    assert (rows[0].number, rows[0].errors) == (2, ["agreement: No agreement with reference “UA-NOPE”."])
    assert not FundingCommitment.objects.exists()


def test_errors_are_shown_beside_their_row_before_its_values(manager_client):
    content = "reference,title,kind,currency,budget,summary\nUA-1,Shells,procurement,EUR,lots,A long summary\n"
    html = upload(manager_client, "agreements", "a.csv", content.encode()).content.decode()
    header = html[html.index("<thead>") : html.index("</thead>")]
    assert header.index(">Errors<") < header.index(">reference<")
    row = html[html.index('<tr class="outcome-error">') : html.index("</tr>", html.index('<tr class="outcome-error">'))]
    assert row.index("“lots” is not a number") < row.index("UA-1")
    assert '<td class="cell-error">lots</td>' in row


@pytest.mark.parametrize("kind", ["agreements", "milestones", "commitments"])
def test_a_template_per_import_lists_only_the_columns_the_import_reads(manager_client, kind):
    expected = {
        "agreements": "reference,title,kind,currency,budget,signed_on,starts_on,ends_on,capabilities,summary",
        "milestones": "agreement,title,due_on,responsible,unit,target_quantity,actual_quantity,status",
        "commitments": "agreement,funder,amount,currency,status,pledged_on,reference",
    }[kind]
    csv = manager_client.get(reverse("import-template", args=[kind, "csv"]))
    assert csv["Content-Disposition"] == f'attachment; filename="{kind}-template.csv"'
    assert csv.content.decode("utf-8-sig").splitlines() == [expected]
    xlsx = manager_client.get(reverse("import-template", args=[kind, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert list(sheet.values) == [tuple(expected.split(","))]
    assert manager_client.get(reverse("import-template", args=[kind, "pdf"])).status_code == 404


def bomb(cell_bytes: int) -> bytes:
    """An XLSX whose one cell unpacks to `cell_bytes` characters, though the file itself stays small."""
    source = zipfile.ZipFile(io.BytesIO(workbook([["reference", "title"], ["UA-1", "x"]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b">x<", b">" + b"A" * cell_bytes + b"<")
            target.writestr(item, data, zipfile.ZIP_DEFLATED, compresslevel=9)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(manager_client, settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 2_000_000
    content = bomb(3_000_000)
    assert len(content) < 10_000
    response = upload(manager_client, "agreements", "bomb.xlsx", content)
    assert (
        "Unpacked, this workbook takes 3.0 MB; the import reads workbooks of up to 2.0 MB. Save the sheet to import "
        "as CSV, or split it." in response.content.decode()
    )
    assert "job" not in response.context


def test_rows_and_cells_beyond_the_limits_are_refused_with_the_limit(manager_client, settings):
    settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_CELL_CHARS = 3, 50
    header = "reference,title,kind,currency,budget\n"
    rows = "".join(f"UA-{n},Line {n},training,EUR,1\n" for n in range(4))
    refused = upload(manager_client, "agreements", "a.csv", (header + rows).encode()).content.decode()
    assert "The file has more than 3 rows; split it into files of at most 3 rows." in refused
    long_title = upload(manager_client, "agreements", "a.csv", f"{header}UA-1,{'x' * 51},training,EUR,1\n".encode())
    assert "Row 2, column “title” holds 51 characters; a cell may hold at most 50." in long_title.content.decode()
    sheet = workbook([["reference", "title"], *[[f"UA-{n}", "x"] for n in range(4)]])
    refused = upload(manager_client, "agreements", "a.xlsx", sheet).content.decode()
    assert "The file has more than 3 rows" in refused
    assert not Agreement.objects.exists()


def test_a_file_without_the_columns_an_import_needs_or_without_rows_says_so(manager_client):
    response = upload(manager_client, "agreements", "a.csv", b"reference,title\n\n")
    assert "The file has no rows below the one that names the columns." in response.content.decode()
    response = upload(manager_client, "milestones", "m.csv", b"agreement;name;due\nUA-1;x;2026-01-01\n")
    assert (
        "The first row must name the columns, and this file has no column “title”. The columns this import reads "
        "are: agreement, title, due_on, responsible, unit, target_quantity, actual_quantity, status"
        in response.content.decode()
    )


def test_a_refused_file_is_explained_in_ukrainian_with_ukrainian_numbers(manager_client, settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 2_000_000
    response = manager_client.post(
        reverse("import", args=["agreements"]),
        {"file": SimpleUploadedFile("bomb.xlsx", bomb(3_000_000))},
        HTTP_ACCEPT_LANGUAGE="uk",
    )
    assert (
        "У розпакованому вигляді ця книга займає 3,0 МБ; імпорт зчитує книги обсягом до 2,0 МБ. Збережіть аркуш "
        "для імпорту у форматі CSV або розділіть книгу." in response.content.decode()
    )
    assert not Agreement.objects.exists()
