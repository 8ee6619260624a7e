"""The agreements list (search, filters, sorting, pages, export) and one agreement's page."""

import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from projects.choices import AgreementStatus, OrganizationKind, PartyRole, Rag
from projects.services.agreements import update_agreement
from projects.services.funding import record_disbursement
from projects.services.milestones import update_milestone_progress
from tests.factories import (
    AgreementFactory,
    CapabilityFactory,
    CommitmentFactory,
    MilestoneFactory,
    OrganizationFactory,
    PartyFactory,
    StatusReportFactory,
)


@pytest.fixture
def portfolio(db):
    """Three agreements that differ in every filtered attribute."""
    today = timezone.localdate()
    drones = CapabilityFactory(name="Strike drones", slug="strike-drones")
    airbus = OrganizationFactory(name="Airbus UK", slug="airbus-uk", country="GB")
    dk = OrganizationFactory(name="Danish MoD", slug="mod-dk", country="DK", kind=OrganizationKind.MINISTRY)
    training = AgreementFactory(
        reference="UA-GB-2025-007", title="Aircraft maintenance training", kind="training", budget=Decimal("5000000")
    )
    PartyFactory(agreement=training, organization=airbus, role=PartyRole.TRAINER)
    StatusReportFactory(agreement=training, rag=Rag.GREEN, reported_on=today - timedelta(days=40))
    StatusReportFactory(agreement=training, rag=Rag.AMBER, reported_on=today - timedelta(days=2))
    MilestoneFactory(agreement=training, responsible=airbus, due_on=today - timedelta(days=3))
    strike = AgreementFactory(
        reference="UA-DK-2025-012",
        title="Strike drone co-production",
        status=AgreementStatus.ACTIVE,
        signed_on=today,
        budget=Decimal("60000000"),
    )
    strike.capabilities.add(drones)
    CommitmentFactory(agreement=strike, funder=dk, amount=Decimal("20000000"))
    StatusReportFactory(agreement=strike, rag=Rag.RED)
    MilestoneFactory(agreement=strike, due_on=today + timedelta(days=10))
    draft = AgreementFactory(reference="UA-XX-2026-100", title="Artillery shells", summary="Shells for howitzers")
    return {"training": training, "strike": strike, "draft": draft}


def listed(client, query: str = "") -> list[str]:
    response = client.get(reverse("agreement-list") + query)
    assert response.status_code == 200
    return [agreement.reference for agreement, _ in response.context["rows"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["UA-DK-2025-012", "UA-GB-2025-007", "UA-XX-2026-100"]),
        ("?search=howitzer", ["UA-XX-2026-100"]),
        ("?search=ua-gb", ["UA-GB-2025-007"]),
        ("?status=active", ["UA-DK-2025-012"]),
        ("?kind=training", ["UA-GB-2025-007"]),
        ("?capability=strike-drones", ["UA-DK-2025-012"]),
        ("?party=airbus-uk", ["UA-GB-2025-007"]),
        ("?country=DK", ["UA-DK-2025-012"]),
        ("?rag=amber", ["UA-GB-2025-007"]),
        ("?rag=none", ["UA-XX-2026-100"]),
        ("?overdue=true", ["UA-GB-2025-007"]),
        ("?overdue=false", ["UA-DK-2025-012", "UA-XX-2026-100"]),
        ("?sort=-budget", ["UA-DK-2025-012", "UA-GB-2025-007", "UA-XX-2026-100"]),
        ("?sort=title", ["UA-GB-2025-007", "UA-XX-2026-100", "UA-DK-2025-012"]),
        ("?sort=rag&kind=co_production", ["UA-XX-2026-100", "UA-DK-2025-012"]),
    ],
)
def test_list_search_filters_and_sorting(manager_client, portfolio, query, expected):
    assert listed(manager_client, query) == expected


def test_list_shows_each_agreements_gap_and_pages_through_the_rest(manager_client, portfolio):
    html = manager_client.get(reverse("agreement-list") + "?status=active").content.decode()
    assert "40,000,000" in html and "33.3%" in html  # 60M budget, 20M committed: gap, coverage
    for n in range(30):
        AgreementFactory(reference=f"UA-ZZ-2026-{n:03d}")
    first = manager_client.get(reverse("agreement-list") + "?search=UA-ZZ")
    assert len(first.context["rows"]) == 25 and first.context["paginator"].count == 30
    second = manager_client.get(reverse("agreement-list") + "?search=UA-ZZ&page=2")
    assert [a.reference for a, _ in second.context["rows"]] == [f"UA-ZZ-2026-{n:03d}" for n in range(25, 30)]
    assert "search=UA-ZZ&amp;page=2" in first.content.decode()


def test_list_flags_the_agreement_without_a_rate_and_shows_the_others_gaps(manager_client, portfolio):
    CommitmentFactory(agreement=portfolio["draft"], currency="PLN", amount=Decimal("10.00"))

    response = manager_client.get(reverse("agreement-list"))

    figures = {agreement.reference: funding for agreement, funding in response.context["rows"]}
    assert figures["UA-DK-2025-012"].gap == Decimal("40000000.00")
    assert figures["UA-GB-2025-007"].gap == Decimal("5000000.00")
    assert figures["UA-XX-2026-100"].currencies == ("PLN",)
    html = response.content.decode()
    assert "40,000,000" in html and "33.3%" in html
    assert 'data-unvalued="UA-XX-2026-100">no rate for PLN</span>' in html


def test_export_of_the_filtered_list_to_csv_and_xlsx(manager_client, portfolio):
    csv = manager_client.get(reverse("agreement-export", args=["csv"]) + "?kind=co_production&sort=-budget")
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()  # with the byte-order mark Excel needs
    assert lines[0].startswith("reference,title,kind,status,currency,budget")
    assert [line.split(",")[0] for line in lines[1:]] == ["UA-DK-2025-012", "UA-XX-2026-100"]
    assert "60000000.00" in lines[1] and "strike-drones" in lines[1] and ",red," in lines[1]

    xlsx = manager_client.get(reverse("agreement-export", args=["xlsx"]) + "?overdue=true")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "reference" and [row[0] for row in rows[1:]] == ["UA-GB-2025-007"]
    assert manager_client.get(reverse("agreement-export", args=["pdf"])).status_code == 404


def test_agreement_page_shows_funding_timeline_reports_and_history(manager_client, portfolio, staff):
    strike = portfolio["strike"]
    commitment = strike.commitments.get()
    record_disbursement(
        actor=staff,
        commitment_id=commitment.pk,
        amount=Decimal("5000000"),
        disbursed_on=timezone.localdate(),
        reference="DK-T1",
    )
    milestone = strike.milestones.get()
    update_milestone_progress(actor=staff, milestone_id=milestone.pk, status="in_progress")
    response = manager_client.get(reverse("agreement", args=[strike.pk]))
    html = response.content.decode()
    assert "EUR 20,000,000" in html and "EUR 40,000,000 (66.7%)" in html  # committed and gap
    assert "DK-T1" in html and "5,000,000" in html
    assert response.context["committed_share"] == pytest.approx(33.3)
    assert f'data-milestone="{milestone.title}"' in html
    assert "rag rag-red" in html  # the status report
    changes = response.context["changes"]
    assert changes[0].subject == f"Milestone “{milestone.title}”"
    assert changes[0].who == staff.user.username
    assert [(f.field, f.old, f.new) for f in changes[0].fields] == [("status", "Planned", "In progress")]
    assert any(c.subject == "Disbursement DK-T1" and c.action == "created" for c in changes)


def test_overdue_milestones_are_marked_on_the_timeline(manager_client, portfolio):
    html = manager_client.get(reverse("agreement", args=[portfolio["training"].pk])).content.decode()
    assert "is-overdue" in html and "Overdue" in html


def test_unknown_agreement_is_404(manager_client, db):
    assert manager_client.get(reverse("agreement", args=[999999])).status_code == 404


def test_a_long_history_shows_the_latest_changes_first_and_the_rest_on_request(manager_client, staff):
    milestone = MilestoneFactory(unit="drones", target_quantity=100)
    for quantity in range(1, 36):
        update_milestone_progress(actor=staff, milestone_id=milestone.pk, actual_quantity=quantity)
    url = reverse("agreement", args=[milestone.agreement_id])
    latest = manager_client.get(url)
    assert len(latest.context["changes"]) == 30
    assert [(f.old, f.new) for f in latest.context["changes"][0].fields] == [(34, 35)]
    assert latest.context["hidden_changes"] > 0
    everything = manager_client.get(url + "?history=all")
    assert len(everything.context["changes"]) == 30 + latest.context["hidden_changes"]


def test_capability_changes_show_in_the_history(manager_client, staff):
    agreement = AgreementFactory()
    drones, ew = CapabilityFactory(name="Strike drones"), CapabilityFactory(name="Electronic warfare")
    update_agreement(actor=staff, agreement_id=agreement.pk, capabilities=[drones])
    update_agreement(actor=staff, agreement_id=agreement.pk, capabilities=[drones, ew])
    changes = manager_client.get(reverse("agreement", args=[agreement.pk])).context["changes"]
    assert [(f.field, f.old, f.new) for f in changes[0].fields] == [
        ("capabilities", "Strike drones", "Electronic warfare, Strike drones")
    ]
    assert [(f.field, f.old, f.new) for f in changes[1].fields] == [("capabilities", "—", "Strike drones")]
