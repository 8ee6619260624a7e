"""Money through the pages, the admin and the import waits in the approvals queue for a second manager."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.choices import ChangeState, CommitmentStatus
from projects.models import ChangeRequest, Disbursement, FundingCommitment
from tests.admin.pages import posted_as_shown
from tests.factories import (
    AgreementFactory,
    ChangeRequestFactory,
    CommitmentFactory,
    DisbursementFactory,
    ExchangeRateFactory,
    OrganizationFactory,
    StaffUserFactory,
)
from tests.web.conftest import signed_in

pytestmark = pytest.mark.usefixtures("four_eyes")


@pytest.fixture
def approver_client(db):
    return signed_in(StaffUserFactory(username="approver"))


def amounts():
    return (
        sorted(FundingCommitment.objects.values_list("amount", flat=True)),
        sorted(Disbursement.objects.values_list("amount", flat=True)),
    )


def test_money_forms_propose_and_the_queue_shows_the_diff_to_another_manager(manager_client, approver_client):
    agreement = AgreementFactory(budget=Decimal("1000.00"))
    commitment = CommitmentFactory(agreement=agreement, amount=Decimal("100.00"))
    funder = OrganizationFactory(name="Danish Fund", slug="danish-fund")
    before = amounts()

    posts = [
        manager_client.post(
            reverse("commitment-create", args=[agreement.pk]),
            {
                "funder": funder.pk,
                "amount": "50.00",
                "currency": "EUR",
                "status": "pledged",
                "pledged_on": "2026-01-10",
                "reason": "Pledge letter",
            },
        ),
        manager_client.post(
            reverse("commitment-edit", args=[commitment.pk]),
            {
                "amount": "150.00",
                "status": "committed",
                "pledged_on": "2026-01-15",
                "reference": commitment.reference,
                "reason": "Top-up",
                "expected_updated_at": commitment.updated_at.isoformat(),
            },
        ),
        manager_client.post(
            reverse("disbursement-create", args=[agreement.pk]),
            {
                "commitment": commitment.pk,
                "amount": "30.00",
                "disbursed_on": "2026-01-20",
                "reference": "PAY-UI",
                "reason": "Bank advice",
            },
        ),
    ]

    assert [post.status_code for post in posts] == [302] * 3
    assert amounts() == before and ChangeRequest.objects.filter(state=ChangeState.PENDING).count() == 3
    own_queue = manager_client.get(reverse("approvals")).content.decode()
    assert "Another programme manager must decide your own request." in own_queue
    assert 'data-testid="pending-approvals">3' in own_queue
    queue = approver_client.get(reverse("approvals")).content.decode()
    assert "<del>100.00</del></td><td><ins>150.00</ins>" in queue and "Danish Fund" in queue

    pending = list(ChangeRequest.objects.order_by("pk"))
    refused = manager_client.post(reverse("change-request-approve", args=[pending[0].pk]), follow=True)
    assert "A second programme manager must decide your own change request." in refused.content.decode()
    for request in pending:
        approver_client.post(reverse("change-request-approve", args=[request.pk]))
    assert amounts() == ([Decimal("50.00"), Decimal("150.00")], [Decimal("30.00")])
    page = manager_client.get(reverse("agreement", args=[agreement.pk])).content.decode()
    assert page.count('data-state="applied"') == 3 and "reported, not verified" in page


def test_a_rejection_without_a_reason_is_refused(manager_client, approver_client):
    agreement = AgreementFactory(budget=Decimal("1000.00"))
    posted = manager_client.post(
        reverse("agreement-edit", args=[agreement.pk]),
        {
            "reference": agreement.reference,
            "title": "New title",
            "kind": agreement.kind,
            "currency": agreement.currency,
            "budget": "2000.00",
            "reason": "Scope grew",
            "expected_updated_at": agreement.updated_at.isoformat(),
        },
    )
    request = ChangeRequest.objects.get()

    silent = approver_client.post(reverse("change-request-reject", args=[request.pk]), {"reason": " "}, follow=True)
    approver_client.post(reverse("change-request-reject", args=[request.pk]), {"reason": "Not funded"})

    agreement.refresh_from_db()
    request.refresh_from_db()
    assert posted.status_code == 302 and agreement.title == "New title" and agreement.budget == Decimal("1000.00")
    assert "Say why the change is rejected." in silent.content.decode()
    assert (request.state, request.decision_note) == (ChangeState.REJECTED, "Not funded")


def test_a_money_form_without_a_reason_is_refused_beside_the_field(manager_client):
    commitment = CommitmentFactory()

    answer = manager_client.post(
        reverse("disbursement-create", args=[commitment.agreement_id]),
        {"commitment": commitment.pk, "amount": "3.00", "disbursed_on": "2026-01-20", "reference": "P"},
    )

    assert answer.status_code == 200 and answer.context["form"].errors["reason"] == ["This field is required."]
    assert ChangeRequest.objects.count() == 0


def test_staff_verify_a_reported_figure_on_the_agreement_page(manager_client, viewer_client):
    disbursement = DisbursementFactory(source="Bank advice 7")

    assert viewer_client.post(reverse("disbursement-verify", args=[disbursement.pk])).status_code == 403
    manager_client.post(reverse("disbursement-verify", args=[disbursement.pk]))

    disbursement.refresh_from_db()
    assert disbursement.verified_by.username == "manager"
    page = manager_client.get(reverse("agreement", args=[disbursement.commitment.agreement_id])).content.decode()
    assert "Bank advice 7" in page and "verified by manager" in page


@pytest.fixture
def admin_client(db):
    return signed_in(StaffUserFactory(username="root", is_superuser=True))


def test_admin_money_writes_propose_change_requests(admin_client):
    commitment = CommitmentFactory(amount=Decimal("100.00"), status=CommitmentStatus.PLEDGED)
    disbursed = DisbursementFactory()
    change_url = reverse("admin:projects_fundingcommitment_change", args=[commitment.pk])
    before = amounts()

    shown = admin_client.get(change_url)
    changed = admin_client.post(change_url, posted_as_shown(shown, amount="80.00", reason="Cut by the funder"))
    deleted = admin_client.post(
        reverse("admin:projects_disbursement_delete", args=[disbursed.pk]), {"post": "yes"}, follow=True
    )
    confirmed = admin_client.post(
        reverse("admin:projects_fundingcommitment_changelist"),
        {"action": "confirm", "_selected_action": [commitment.pk]},
    )
    agreement_url = reverse("admin:projects_agreement_change", args=[commitment.agreement_id])
    budget = admin_client.post(
        agreement_url, posted_as_shown(admin_client.get(agreement_url), budget="7.00", reason="Board decision 9")
    )

    assert (changed.status_code, changed["Location"]) == (302, reverse("approvals"))
    assert "Sent for approval as change request" in deleted.content.decode()
    assert confirmed.status_code == budget.status_code == 302
    assert amounts() == before and commitment.agreement.budget != Decimal("7.00")
    assert list(ChangeRequest.objects.order_by("pk").values_list("target", "operation", "reason")) == [
        ("commitment", "change", "Cut by the funder"),
        ("disbursement", "delete", "Deletion asked for in the administration."),
        ("commitment", "change", "Confirmed as firm in the administration."),
        ("agreement_budget", "change", "Board decision 9"),
    ]


def test_the_admins_fixed_reasons_are_written_in_the_proposers_language(admin_client):
    """A reason is the proposer's statement, kept as written: a fixed one is written as they would type it."""
    pledged, firm = CommitmentFactory(status=CommitmentStatus.PLEDGED), CommitmentFactory()
    disbursed = DisbursementFactory()
    changelist = reverse("admin:projects_fundingcommitment_changelist")
    uk = {"HTTP_ACCEPT_LANGUAGE": "uk"}

    admin_client.post(reverse("admin:projects_disbursement_delete", args=[disbursed.pk]), {"post": "yes"}, **uk)
    admin_client.post(changelist, {"action": "confirm", "_selected_action": [pledged.pk]}, **uk)
    admin_client.post(changelist, {"action": "cancel", "_selected_action": [firm.pk]}, **uk)
    admin_client.post(changelist, {"action": "cancel", "_selected_action": [pledged.pk]})

    assert list(ChangeRequest.objects.order_by("pk").values_list("operation", "reason")) == [
        ("delete", "Видалення запитано в адмініструванні."),
        ("change", "Підтверджено як тверде зобов’язання в адмініструванні."),
        ("change", "Скасовано в адмініструванні."),
        ("change", "Cancelled in the administration."),
    ]


def test_an_imported_commitment_waits_for_approval(manager_client):
    agreement = AgreementFactory(reference="UA-DK-2026-001")
    OrganizationFactory(slug="danish-fund")
    ExchangeRateFactory(currency="DKK")
    csv = (
        b"agreement,funder,amount,currency,status,pledged_on,reference\n"
        b"UA-DK-2026-001,danish-fund,500.00,DKK,pledged,2026-01-05,IMP-1\n"
    )

    preview = manager_client.post(reverse("import", args=["commitments"]), {"file": SimpleUploadedFile("c.csv", csv)})
    manager_client.post(reverse("import-job", args=[preview.context["job"].pk]), follow=True)

    request = ChangeRequest.objects.get()
    assert agreement.commitments.count() == 0
    assert (request.agreement, request.reason, request.proposed["amount"]) == (
        agreement,
        "Imported from a spreadsheet.",
        "500.00",
    )


# Session, user, the navigation's pending count, the pending requests, the latest decisions, their funders.
QUEUE_QUERIES = 6


@pytest.mark.parametrize("waiting", [1, 6])
def test_the_queue_runs_the_same_queries_however_long_it_is(manager_client, django_assert_num_queries, waiting):
    funder = OrganizationFactory()
    for number in range(waiting):
        ChangeRequestFactory(
            target="commitment",
            operation="create",
            before={},
            proposed={"funder_id": funder.pk, "amount": f"{number + 1}.00"},
        )

    with django_assert_num_queries(QUEUE_QUERIES):
        page = manager_client.get(reverse("approvals"))

    assert page.content.decode().count('data-state="pending"') == waiting
