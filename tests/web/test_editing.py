"""Forms write through the services: field errors by the field, refusals in plain words, no lost input,
stale forms refused, viewers kept out, CSRF required."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from projects.choices import AgreementStatus, CommitmentStatus, MilestoneStatus, PartyRole
from projects.models import Agreement, Disbursement, FundingCommitment, Milestone, StatusChange, StatusReport
from projects.services.agreements import update_agreement
from projects.services.funding import update_commitment
from tests.factories import (
    AgreementFactory,
    CapabilityFactory,
    CommitmentFactory,
    ExchangeRateFactory,
    MilestoneFactory,
    OrganizationFactory,
    PartyFactory,
)

TODAY = timezone.localdate


def test_create_agreement_goes_through_the_service_and_is_attributed(manager_client, staff_user):
    ExchangeRateFactory(currency="PLN")
    drones = CapabilityFactory(slug="strike-drones")
    response = manager_client.post(
        reverse("agreement-create"),
        {
            "reference": "UA-PL-2026-001",
            "title": "Ammunition line",
            "kind": "co_production",
            "capabilities": [drones.pk],
            "currency": "pln",
            "budget": "2500000.00",
        },
        follow=True,
    )
    agreement = Agreement.objects.get(reference="UA-PL-2026-001")
    assert response.redirect_chain[-1][0] == reverse("agreement", args=[agreement.pk])
    assert "Agreement UA-PL-2026-001 created as a draft." in response.content.decode()
    assert agreement.currency == "PLN" and agreement.status == AgreementStatus.DRAFT
    assert list(agreement.capabilities.all()) == [drones]
    assert {h.history_user for h in agreement.history.all()} == {staff_user}


def test_a_refused_disbursement_is_explained_and_nothing_is_saved(manager_client):
    commitment = CommitmentFactory(amount=Decimal("100.00"))
    url = reverse("disbursement-create", args=[commitment.agreement_id])
    data = {"commitment": commitment.pk, "amount": "150.00", "disbursed_on": TODAY().isoformat(), "reference": "T-9"}
    response = manager_client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["amount"] == [
        "This exceeds the commitment: 100.00 EUR remain to be disbursed."
    ]
    assert 'value="T-9"' in response.content.decode()
    assert not Disbursement.objects.exists()
    ok = manager_client.post(url, {**data, "amount": "60.00"}, follow=True)
    assert "Disbursement T-9 of 60.00 EUR recorded." in ok.content.decode()
    assert Disbursement.objects.get().amount == Decimal("60.00")


def test_a_form_against_a_record_changed_meanwhile_is_refused(manager_client, staff):
    agreement = AgreementFactory(title="Original")
    form = manager_client.get(reverse("agreement-edit", args=[agreement.pk])).context["form"]
    shown_at = form["expected_updated_at"].value()
    update_agreement(actor=staff, agreement_id=agreement.pk, title="Changed by a colleague")
    response = manager_client.post(
        reverse("agreement-edit", args=[agreement.pk]),
        {
            "reference": agreement.reference,
            "title": "My edit",
            "kind": agreement.kind,
            "currency": "EUR",
            "budget": "1000000.00",
            "expected_updated_at": shown_at,
        },
    )
    assert "changed by someone else meanwhile" in response.content.decode()
    assert 'value="My edit"' in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.title == "Changed by a colleague"


def test_transition_with_a_reason_is_recorded(manager_client, staff_user):
    agreement = AgreementFactory()
    url = reverse("agreement-transition", args=[agreement.pk])
    refused = manager_client.post(url, {"to_status": "negotiating", "reason": "  "})
    assert "reason" in refused.context["form"].errors
    not_allowed = manager_client.post(url, {"to_status": "active", "reason": "Skip ahead"})
    assert "to_status" in not_allowed.context["form"].errors  # active is not offered from draft
    response = manager_client.post(url, {"to_status": "negotiating", "reason": "Talks opened"}, follow=True)
    assert "Status changed from Draft to Negotiating." in response.content.decode()
    change = StatusChange.objects.get()
    assert (change.to_status, change.reason, change.changed_by) == ("negotiating", "Talks opened", staff_user)


def test_parties_commitments_milestones_and_reports_are_recorded(manager_client):
    agreement = AgreementFactory()
    producer = OrganizationFactory(slug="producer")
    funder = OrganizationFactory(slug="funder", country="DE")
    assert (
        manager_client.post(
            reverse("party-add", args=[agreement.pk]), {"organization": producer.pk, "role": PartyRole.PRODUCER}
        ).status_code
        == 302
    )
    manager_client.post(
        reverse("commitment-create", args=[agreement.pk]),
        {"funder": funder.pk, "amount": "500000", "currency": "EUR", "status": "committed", "pledged_on": "2026-01-01"},
    )
    commitment = FundingCommitment.objects.get()
    assert commitment.status == CommitmentStatus.COMMITTED
    assert agreement.parties.filter(organization=funder, role=PartyRole.FUNDER).exists()
    manager_client.post(
        reverse("milestone-create", args=[agreement.pk]),
        {
            "title": "Line certified",
            "due_on": (TODAY() + timedelta(days=20)).isoformat(),
            "responsible": producer.pk,
            "unit": "lines",
            "target_quantity": "2",
            "status": "planned",
        },
    )
    milestone = Milestone.objects.get()
    assert milestone.target_quantity == 2
    manager_client.post(
        reverse("report-create", args=[agreement.pk]),
        {"reported_on": TODAY().isoformat(), "rag": "amber", "summary": "Supplier late."},
    )
    assert StatusReport.objects.get().rag == "amber"


def test_milestone_progress_and_completion(manager_client):
    milestone = MilestoneFactory(unit="drones", target_quantity=100)
    edit = manager_client.get(reverse("milestone-edit", args=[milestone.pk])).context["form"]
    data = {name: edit[name].value() or "" for name in edit.fields}
    data |= {"responsible": milestone.responsible_id, "status": "in_progress", "actual_quantity": "40"}
    data["due_on"] = milestone.due_on.isoformat()
    assert manager_client.post(reverse("milestone-edit", args=[milestone.pk]), data).status_code == 302
    milestone.refresh_from_db()
    assert (milestone.status, milestone.actual_quantity) == (MilestoneStatus.IN_PROGRESS, 40)
    form = manager_client.get(reverse("milestone-complete", args=[milestone.pk])).context["form"]
    response = manager_client.post(
        reverse("milestone-complete", args=[milestone.pk]),
        {"actual_quantity": "100", "expected_updated_at": form["expected_updated_at"].value()},
        follow=True,
    )
    assert f"Milestone “{milestone.title}” marked done." in response.content.decode()
    milestone.refresh_from_db()
    assert (milestone.status, milestone.actual_quantity, milestone.completed_on) == ("done", 100, TODAY())


def test_removing_a_funder_with_commitments_is_refused_plainly(manager_client):
    commitment = CommitmentFactory()
    party = commitment.agreement.parties.get(role=PartyRole.FUNDER)
    response = manager_client.post(reverse("party-remove", args=[party.pk]))
    assert "has funding commitments on this agreement" in response.content.decode()
    other = PartyFactory(agreement=commitment.agreement)
    assert manager_client.post(reverse("party-remove", args=[other.pk])).status_code == 302
    assert not commitment.agreement.parties.filter(pk=other.pk).exists()


@pytest.mark.parametrize(
    "name", ["agreement-edit", "agreement-transition", "commitment-create", "disbursement-create", "report-create"]
)
def test_a_viewer_cannot_edit(viewer_client, name):
    agreement = AgreementFactory()
    assert viewer_client.get(reverse(name, args=[agreement.pk])).status_code == 403
    assert (
        viewer_client.post(reverse(name, args=[agreement.pk]), {"reason": "x", "to_status": "negotiating"}).status_code
        == 403
    )
    assert agreement.history.count() == 1


def test_a_viewer_sees_no_edit_controls(viewer_client):
    milestone = MilestoneFactory()
    html = viewer_client.get(reverse("agreement", args=[milestone.agreement_id])).content.decode()
    for control in ["Edit agreement", "Change status", "Record disbursement", "Add milestone", "Complete", "Import"]:
        assert control not in html
    assert "read only" in html
    assert viewer_client.get(reverse("import", args=["agreements"])).status_code == 403


def test_forms_need_the_csrf_token(staff_user):
    agreement = AgreementFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    response = client.post(
        reverse("agreement-transition", args=[agreement.pk]), {"to_status": "negotiating", "reason": "x"}
    )
    assert response.status_code == 403
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.DRAFT


def test_a_pledge_becomes_firm_and_a_stale_edit_of_it_is_refused(manager_client, staff):
    commitment = CommitmentFactory(status=CommitmentStatus.PLEDGED, amount=Decimal("1000.00"))
    url = reverse("commitment-edit", args=[commitment.pk])
    form = manager_client.get(url).context["form"]
    shown_at = form["expected_updated_at"].value()
    data = {
        "amount": "1200.00",
        "status": "committed",
        "pledged_on": commitment.pledged_on.isoformat(),
        "reference": commitment.reference,
        "expected_updated_at": shown_at,
    }
    assert manager_client.post(url, data).status_code == 302
    commitment.refresh_from_db()
    assert (commitment.status, commitment.amount) == (CommitmentStatus.COMMITTED, Decimal("1200.00"))
    update_commitment(actor=staff, commitment_id=commitment.pk, reference="CHANGED")
    stale = manager_client.post(url, {**data, "amount": "900.00"})
    assert "changed by someone else meanwhile" in stale.content.decode()
    commitment.refresh_from_db()
    assert commitment.amount == Decimal("1200.00")


def test_every_field_error_shows_at_once_beside_its_field_in_plain_words_and_the_input_is_kept(manager_client):
    AgreementFactory(reference="UA-PL-2026-001")
    response = manager_client.post(
        reverse("agreement-create"),
        {
            "reference": "UA-PL-2026-001",
            "title": "",
            "kind": "co_production",
            "currency": "zl",
            "budget": "-100",
            "starts_on": "2026-05-01",
            "ends_on": "2026-04-01",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "reference": ["Agreement with this Reference already exists."],
        "title": ["This field is required."],
        "currency": ["Give the currency as its three-letter ISO 4217 code, e.g. EUR, GBP, UAH."],
        "budget": ["The budget cannot be negative."],
        "ends_on": ["The end date cannot be before the start date."],
    }
    assert "is violated" not in response.content.decode()
    assert 'value="-100"' in response.content.decode()
    assert Agreement.objects.count() == 1


def test_a_refusal_by_the_service_shows_every_field_error_beside_its_field(manager_client):
    milestone = MilestoneFactory()
    response = manager_client.post(
        reverse("milestone-edit", args=[milestone.pk]),
        {
            "title": milestone.title,
            "due_on": milestone.due_on.isoformat(),
            "responsible": milestone.responsible_id,
            "status": MilestoneStatus.PLANNED,
            "unit": "",
            "target_quantity": "40",
            "expected_updated_at": milestone.updated_at.isoformat(),
        },
    )

    assert response.context["form"].errors == {"unit": ["A target quantity needs a unit."]}
    assert 'value="40"' in response.content.decode()


def test_a_milestone_marked_done_without_a_date_is_not_refused_for_the_date_the_service_fills_in(manager_client):
    milestone = MilestoneFactory()
    response = manager_client.post(
        reverse("milestone-edit", args=[milestone.pk]),
        {
            "title": "",
            "due_on": milestone.due_on.isoformat(),
            "responsible": milestone.responsible_id,
            "status": MilestoneStatus.DONE,
            "expected_updated_at": milestone.updated_at.isoformat(),
        },
    )

    assert response.context["form"].errors == {"title": ["This field is required."]}
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.PLANNED
