"""Import from CSV/XLSX: a dry-run preview lists each row's errors and saves nothing; a clean file imports
through the services (history recorded) and a file with any error imports nothing."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.choices import PartyRole
from projects.models import Agreement, FundingCommitment, Milestone
from tests.factories import AgreementFactory, CapabilityFactory, ExchangeRateFactory, OrganizationFactory, PartyFactory

AGREEMENTS_CSV = (
    "reference,title,kind,currency,budget,starts_on,ends_on,capabilities\n"
    "UA-PL-2026-001,Ammunition line,co_production,EUR,2500000.00,2026-02-01,2027-02-01,ammunition\n"
    "UA-PL-2026-002,Shell casings,procurement,EUR,800000.00,,,\n"
)


def workbook(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, kind: str, name: str, content: bytes):
    return client.post(reverse("import", args=[kind]), {"file": SimpleUploadedFile(name, content)})


def confirm(client, kind: str, preview):
    return client.post(reverse("import-job", args=[preview.context["job"].pk]), follow=True)


def test_preview_then_import_of_agreements_through_the_services(manager_client, staff_user):
    CapabilityFactory(slug="ammunition")
    preview = upload(manager_client, "agreements", "agreements.csv", AGREEMENTS_CSV.encode())
    assert [row.outcome for row in preview.context["rows"]] == ["new", "new"]
    assert not Agreement.objects.exists()  # the dry run saved nothing
    assert b"Confirm import of 2 rows" in preview.content
    done = confirm(manager_client, "agreements", preview)
    assert "Imported 2 agreements from agreements.csv." in done.content.decode()
    line = Agreement.objects.get(reference="UA-PL-2026-001")
    assert [c.slug for c in line.capabilities.all()] == ["ammunition"]
    assert line.status == "draft" and line.history.filter(history_user=staff_user).exists()


def test_preview_lists_every_row_error_and_a_file_with_errors_imports_nothing(manager_client):
    AgreementFactory(reference="UA-EXISTING-1", title="Old title")
    content = (
        "reference,title,kind,currency,budget,starts_on,ends_on,capabilities\n"
        "UA-EXISTING-1,New title,training,EUR,100.00,,,\n"
        "UA-PL-2026-003,Bad kind,helicopters,EUR,100.00,,,\n"
        "UA-PL-2026-004,Bad dates,training,EUR,100.00,2026-05-01,2026-04-01,\n"
        "UA-PL-2026-005,Bad budget,training,EUR,lots,,,\n"
        "UA-PL-2026-006,Unknown capability,training,EUR,1.00,,,lasers\n"
    )
    preview = upload(manager_client, "agreements", "agreements.csv", content.encode())
    rows = preview.context["rows"]
    assert [row.outcome for row in rows] == ["update", "error", "error", "error", "error"]
    assert "helicopters" in " ".join(rows[1].errors)
    assert "The end date cannot be before the start date." in " ".join(rows[2].errors)
    assert rows[3].errors[0].startswith("budget:")
    assert "Unknown capabilities: lasers." in " ".join(rows[4].errors)
    assert b"Confirm import" not in preview.content
    # Forcing the confirmation anyway still imports nothing: the import re-checks every row.
    forced = confirm(manager_client, "agreements", preview)
    assert "Import refused" in forced.content.decode()
    assert Agreement.objects.get(reference="UA-EXISTING-1").title == "Old title"
    assert Agreement.objects.count() == 1


def test_milestones_and_commitments_from_xlsx(manager_client):
    ExchangeRateFactory(currency="DKK")
    agreement = AgreementFactory(reference="UA-DK-2025-012")
    producer = OrganizationFactory(slug="dnipro-uas")
    PartyFactory(agreement=agreement, organization=producer, role=PartyRole.PRODUCER)
    OrganizationFactory(slug="mod-dk", country="DK")

    milestones = workbook(
        [
            ["agreement", "title", "due_on", "responsible", "unit", "target_quantity"],
            ["UA-DK-2025-012", "Drones delivered", "2026-06-30", "dnipro-uas", "drones", 2000],
            ["UA-DK-2025-012", "Outsider's task", "2026-06-30", "mod-dk", "", None],
            ["UA-NOPE", "Nowhere", "2026-06-30", "dnipro-uas", "", None],
        ]
    )
    preview = upload(manager_client, "milestones", "milestones.xlsx", milestones)
    rows = preview.context["rows"]
    assert [row.outcome for row in rows] == ["new", "error", "error"]
    assert "must be a party to the agreement" in " ".join(rows[1].errors)
    assert "UA-NOPE" in " ".join(rows[2].errors)
    assert not Milestone.objects.exists()

    commitments = workbook(
        [
            ["agreement", "funder", "amount", "currency", "status", "pledged_on", "reference"],
            ["UA-DK-2025-012", "mod-dk", "180000000.00", "DKK", "committed", "2026-01-10", "DK-UAS-01"],
        ]
    )
    preview = upload(manager_client, "commitments", "commitments.xlsx", commitments)
    assert [row.outcome for row in preview.context["rows"]] == ["new"]
    confirm(manager_client, "commitments", preview)
    commitment = FundingCommitment.objects.get()
    assert (commitment.amount, commitment.currency, commitment.funder.slug) == (180000000, "DKK", "mod-dk")
    assert agreement.parties.filter(organization__slug="mod-dk", role=PartyRole.FUNDER).exists()
    assert commitment.history.count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"hello", "Upload a .csv or .xlsx file."),
        ("broken.xlsx", b"not a workbook", "This file cannot be read as xlsx"),
    ],
)
def test_unreadable_files_are_refused_plainly(manager_client, name, content, message):
    response = upload(manager_client, "agreements", name, content)
    assert message in response.content.decode()


def test_viewers_cannot_import(viewer_client):
    response = upload(viewer_client, "agreements", "agreements.csv", AGREEMENTS_CSV.encode())
    assert response.status_code == 403
    assert not Agreement.objects.exists()


def test_a_file_near_the_size_limit_survives_the_round_trip_of_its_confirmation(manager_client, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1_500_000
    header = "reference,title,kind,currency,budget,summary\n"
    rows = "".join(f"UA-BIG-{n:03d},Programme {n},co_production,EUR,{n}.00,{'x' * 14_000}\n" for n in range(1, 101))
    content = (header + rows).encode()
    assert 1_400_000 < len(content) < 1_500_000
    preview = upload(manager_client, "agreements", "big.csv", content)
    assert not preview.context["failed"]
    done = confirm(manager_client, "agreements", preview)
    assert "Imported 100 agreements from big.csv." in done.content.decode()
    too_big = upload(manager_client, "agreements", "bigger.csv", content + b"x" * 100_000)
    assert "larger than 1.5 MB" in too_big.content.decode()


# 35 whatever the file (session, user, the pending approvals the navigation counts, the job kept, claimed and
# finished, the batch, known references and capabilities loaded once) and 36 per row, each in the service or its
# savepoints: checks, the agreement, its capabilities and their history; the row that updates an agreement asks
# once more who listens to its webhook event, and goes through the service that keeps a new budget for approval.
PREVIEW_QUERIES = {2: 108, 6: 252}


@pytest.mark.parametrize("rows", sorted(PREVIEW_QUERIES))
def test_preview_queries_are_pinned_per_file_size(manager_client, django_assert_num_queries, rows):
    CapabilityFactory(slug="ammunition")
    AgreementFactory(reference="UA-PL-2026-000")
    lines = "".join(f"UA-PL-2026-{n:03d},Line {n},co_production,EUR,100.00,,,ammunition\n" for n in range(rows))
    content = ("reference,title,kind,currency,budget,starts_on,ends_on,capabilities\n" + lines).encode()
    with django_assert_num_queries(PREVIEW_QUERIES[rows]):
        preview = upload(manager_client, "agreements", "agreements.csv", content)
    assert [row.outcome for row in preview.context["rows"]] == ["update"] + ["new"] * (rows - 1)
