"""Writes through the API obey the same services as the admin: what staff may do, what partners may do."""

from __future__ import annotations

import pytest
from django.urls import reverse

from projects.choices import AgreementStatus, CommitmentStatus, PartyRole
from projects.models import (
    Agreement,
    AgreementParty,
    Capability,
    Disbursement,
    FundingCommitment,
    Milestone,
    Organization,
    StatusChange,
)
from tests.api.conftest import bearer
from tests.api.test_isolation import database_snapshot
from tests.factories import (
    AgreementFactory,
    CapabilityFactory,
    CommitmentFactory,
    ExchangeRateFactory,
    MilestoneFactory,
    OrganizationFactory,
)


def test_staff_runs_an_agreement_from_creation_to_signing(staff_api, staff_user):
    ExchangeRateFactory(currency="GBP")
    drones = CapabilityFactory(name="Interceptor drones", slug="interceptor-drones")
    created = staff_api.post(
        reverse("api-agreements"),
        {
            "reference": "UA-GB-2026-001",
            "title": "Interceptor drone co-production",
            "kind": "co_production",
            "currency": "GBP",
            "budget": "25000000.00",
            "capabilities": [drones.pk],
            "programme_manager": staff_user.username,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["capabilities"][0]["slug"] == "interceptor-drones"
    assert created["ETag"]
    url = reverse("api-agreement", args=[body["id"]])

    lead = OrganizationFactory(name="Ukrainian Armor", slug="ukrainian-armor")
    party = staff_api.post(
        reverse("api-agreement-parties", args=[body["id"]]), {"organization": lead.pk, "role": "lead"}, format="json"
    )
    assert party.status_code == 201 and party.json()["organization"]["slug"] == "ukrainian-armor"

    transition = reverse("api-agreement-transition", args=[body["id"]])
    moved = staff_api.post(transition, {"to_status": "negotiating", "reason": "Terms sheet agreed."}, format="json")
    assert moved.status_code == 200 and moved.json()["status"] == "negotiating"
    refused = staff_api.post(transition, {"to_status": "completed", "reason": "Skip ahead."}, format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "transition_not_allowed"
    assert "allowed: signed, terminated" in refused.json()["detail"]
    signed = staff_api.post(
        transition, {"to_status": "signed", "reason": "Signed in Kyiv.", "effective_on": "2026-01-10"}, format="json"
    )
    assert signed.json()["signed_on"] == "2026-01-10"
    change = StatusChange.objects.filter(agreement_id=body["id"]).first()
    assert (change.to_status, change.reason, change.changed_by) == ("signed", "Signed in Kyiv.", staff_user)

    assert staff_api.patch(url, {"budget": "30000000.00"}, format="json").json()["budget"] == "30000000.00"
    assert staff_api.delete(reverse("api-agreement-party", args=[body["id"], party.json()["id"]])).status_code == 204
    assert staff_api.delete(url).status_code == 204
    assert not Agreement.objects.filter(pk=body["id"]).exists()


def test_staff_records_funding_and_a_partner_disburses_against_its_own_commitment(alpha, staff_api, token_for):
    funder = alpha.organization
    pledged = staff_api.post(
        reverse("api-commitments"),
        {
            "agreement": alpha.agreement.pk,
            "funder": funder.pk,
            "amount": "500.00",
            "currency": "EUR",
            "pledged_on": "2026-01-10",
            "reference": "PLEDGE-1",
        },
        format="json",
    )
    assert pledged.status_code == 201 and pledged.json()["status"] == "pledged"
    commitment_url = reverse("api-commitment", args=[pledged.json()["id"]])

    partner = bearer(token_for(organization=funder))
    body = {"commitment": pledged.json()["id"], "amount": "100.00", "disbursed_on": "2026-01-12", "reference": "P-1"}
    not_yet = partner.post(reverse("api-disbursements"), body, format="json")
    assert not_yet.status_code == 409 and not_yet.json()["code"] == "not_committed"

    assert staff_api.patch(commitment_url, {"status": "committed"}, format="json").json()["status"] == "committed"
    paid = partner.post(reverse("api-disbursements"), body, format="json")
    assert paid.status_code == 201 and paid.json()["currency"] == "EUR"
    too_much = partner.post(
        reverse("api-disbursements"), {**body, "reference": "P-2", "amount": "400.01"}, format="json"
    )
    assert too_much.status_code == 409 and "400.00 EUR remain" in too_much.json()["detail"]

    cancel = staff_api.patch(commitment_url, {"status": "cancelled"}, format="json")
    assert cancel.status_code == 409 and cancel.json()["code"] == "commitment_has_disbursements"
    assert staff_api.delete(commitment_url).status_code == 409
    assert staff_api.delete(reverse("api-disbursement", args=[paid.json()["id"]])).status_code == 204
    assert staff_api.delete(commitment_url).status_code == 204


def test_a_partner_cannot_disburse_against_another_funders_commitment_on_its_agreement(alpha, token_for):
    other_funder = CommitmentFactory(agreement=alpha.agreement)
    response = bearer(token_for(organization=alpha.organization)).post(
        reverse("api-disbursements"),
        {"commitment": other_funder.pk, "amount": "1.00", "disbursed_on": "2026-01-12", "reference": "X"},
        format="json",
    )
    assert response.status_code == 403
    assert not Disbursement.objects.filter(reference="X").exists()


def test_a_partner_updates_progress_only_on_milestones_it_is_responsible_for(alpha, token_for):
    client = bearer(token_for(organization=alpha.organization))
    own = reverse("api-milestone", args=[alpha.milestone.pk])

    progress = client.patch(
        own, {"status": "done", "actual_quantity": 100, "completed_on": "2026-01-16"}, format="json"
    )
    assert progress.status_code == 200, progress.content
    assert progress.json()["progress"] == 1.0 and progress.json()["completed_on"] == "2026-01-16"

    before = database_snapshot()
    replan = client.patch(own, {"due_on": "2030-01-01"}, format="json")
    assert replan.status_code == 403
    someone_elses = MilestoneFactory(agreement=alpha.agreement)  # another party is responsible
    before = database_snapshot()
    assert (
        client.patch(
            reverse("api-milestone", args=[someone_elses.pk]), {"status": "in_progress"}, format="json"
        ).status_code
        == 403
    )
    assert client.delete(own).status_code == 403
    assert database_snapshot() == before


def test_a_partner_posts_status_reports_on_its_agreements(alpha, token_for):
    response = bearer(token_for(organization=alpha.organization)).post(
        reverse("api-status-reports"),
        {
            "agreement": alpha.agreement.pk,
            "reported_on": "2026-01-20",
            "rag": "amber",
            "summary": "Parts late.",
            "risks": "Engine supply.",
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["author_organization"]["slug"] == alpha.organization.slug
    assert response.json()["author"] is None


def test_a_partner_cannot_change_agreements_or_reference_data(alpha, token_for):
    client = bearer(token_for(organization=alpha.organization))
    before = database_snapshot()
    for method, url, body in [
        ("patch", reverse("api-agreement", args=[alpha.agreement.pk]), {"title": "Mine now"}),
        ("delete", reverse("api-agreement", args=[alpha.agreement.pk]), None),
        (
            "post",
            reverse("api-agreement-transition", args=[alpha.agreement.pk]),
            {"to_status": "terminated", "reason": "x"},
        ),
        ("patch", reverse("api-commitment", args=[alpha.commitment.pk]), {"amount": "1.00"}),
        ("patch", reverse("api-organization", args=[alpha.organization.pk]), {"name": "Renamed"}),
        ("delete", reverse("api-capability", args=[alpha.agreement.capabilities.first().pk]), None),
    ]:
        assert getattr(client, method)(url, body, format="json").status_code == 403, url
    assert database_snapshot() == before


def test_staff_maintains_organisations_and_capabilities(staff_api):
    org = staff_api.post(
        reverse("api-organizations"),
        {"name": "Ministry of Defence of Ukraine", "slug": "mod-ua", "kind": "ministry", "country": "UA"},
        format="json",
    )
    assert org.status_code == 201
    duplicate = staff_api.post(
        reverse("api-organizations"),
        {"name": "Ministry of Defence of Ukraine", "slug": "mod-ua-2", "kind": "ministry", "country": "UA"},
        format="json",
    )
    assert duplicate.status_code == 409 and "name" in duplicate.json()["errors"]
    url = reverse("api-organization", args=[org.json()["id"]])
    assert staff_api.patch(url, {"country": "GB"}, format="json").json()["country"] == "GB"
    assert staff_api.delete(url).status_code == 204
    assert not Organization.objects.filter(slug="mod-ua").exists()

    capability = staff_api.post(reverse("api-capabilities"), {"name": "EW", "slug": "ew"}, format="json")
    assert capability.status_code == 201
    cap_url = reverse("api-capability", args=[capability.json()["id"]])
    assert (
        staff_api.patch(cap_url, {"name": "Electronic warfare"}, format="json").json()["name"] == "Electronic warfare"
    )
    assert staff_api.delete(cap_url).status_code == 204
    assert not Capability.objects.filter(slug="ew").exists()


def test_an_organisation_with_records_cannot_be_deleted(alpha, staff_api):
    response = staff_api.delete(reverse("api-organization", args=[alpha.organization.pk]))
    assert response.status_code == 409
    assert "remove them first" in response.json()["detail"]
    assert Organization.objects.filter(pk=alpha.organization.pk).exists()


def test_staff_plans_milestones(alpha, staff_api):
    created = staff_api.post(
        reverse("api-milestones"),
        {
            "agreement": alpha.agreement.pk,
            "title": "First 1,000 interceptors",
            "due_on": "2026-06-30",
            "responsible": alpha.organization.pk,
            "unit": "interceptors",
            "target_quantity": 1000,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    outsider = OrganizationFactory()
    not_party = staff_api.patch(
        reverse("api-milestone", args=[created.json()["id"]]), {"responsible": outsider.pk}, format="json"
    )
    assert not_party.status_code == 400 and not_party.json()["code"] == "not_a_party"
    assert staff_api.delete(reverse("api-milestone", args=[created.json()["id"]])).status_code == 204
    assert not Milestone.objects.filter(title="First 1,000 interceptors").exists()


def test_funding_summary_counts_firm_commitments_in_the_gap(alpha, staff_api):
    CommitmentFactory(agreement=alpha.agreement, amount="200000.00", status=CommitmentStatus.PLEDGED)
    summary = staff_api.get(reverse("api-agreement-funding-summary", args=[alpha.agreement.pk])).json()
    assert summary["budget"] == "1000000.00" and summary["committed"] == "100000.00"
    assert summary["pledged"] == "200000.00" and summary["disbursed"] == "10000.00"
    assert summary["gap"] == "900000.00" and summary["gap_if_pledges_honoured"] == "700000.00"
    assert summary["unfunded_share"] == "0.9000"
    url = reverse("api-agreement-funding-summary", args=[alpha.agreement.pk])
    assert staff_api.get(url, {"format": "json", "as_of": "2026-01-31"}).json()["as_of"] == "2026-01-31"
    missing = staff_api.get(url, {"currency": "JPY"})
    assert missing.status_code == 409 and missing.json()["code"] == "missing_rate"


def test_history_shows_who_changed_what_on_the_agreement_and_what_hangs_off_it(alpha, staff_api, staff_user, token_for):
    bearer(token_for(organization=alpha.organization)).patch(
        reverse("api-milestone", args=[alpha.milestone.pk]), {"status": "in_progress"}, format="json"
    )
    staff_api.patch(reverse("api-agreement", args=[alpha.agreement.pk]), {"title": "Renamed"}, format="json")
    staff_api.delete(reverse("api-status-report", args=[alpha.report.pk]))

    entries = staff_api.get(reverse("api-agreement-history", args=[alpha.agreement.pk])).json()["results"]
    deleted, renamed, progressed = entries[:3]
    assert (deleted["record"], deleted["action"], deleted["user"]) == ("status report", "deleted", staff_user.username)
    assert renamed["record"] == "agreement" and renamed["user"] == staff_user.username
    assert {"field": "title", "old": alpha.agreement.title, "new": "Renamed"} in renamed["changes"]
    assert progressed["organization"] == alpha.organization.name and progressed["user"] is None
    assert progressed["changes"] == [{"field": "status", "old": "planned", "new": "in_progress"}]


@pytest.mark.parametrize(
    ("route", "body"),
    [
        ("api-agreements", {"reference": "X", "title": "Y", "kind": "spaceship", "currency": "eur", "budget": "-1"}),
        (
            "api-agreements",
            {"reference": "X" * 500, "title": "\x00", "kind": "training", "currency": "EUR", "budget": "1e400"},
        ),
        ("api-agreements", {"reference": "X", "title": "Y", "kind": "training", "currency": "EUR", "budget": "NaN"}),
        (
            "api-agreements",
            {
                "reference": "X",
                "title": "Y",
                "kind": "training",
                "currency": "EUR",
                "budget": "1",
                "capabilities": [10**30],
                "colour": "red",
            },
        ),
        ("api-agreements", ["not", "an", "object"]),
        (
            "api-commitments",
            {"agreement": 10**30, "funder": -1, "amount": "0.00", "currency": "EUR", "pledged_on": "31/12/2026"},
        ),
        (
            "api-milestones",
            {"agreement": "one", "title": "", "due_on": "2026-02-30", "responsible": None, "target_quantity": -5},
        ),
        (
            "api-disbursements",
            {"commitment": True, "amount": {"value": 1}, "disbursed_on": 20260101, "reference": ["x"]},
        ),
    ],
)
def test_malformed_bodies_get_400_with_field_errors_and_change_nothing(db, staff_api, route, body):
    before = database_snapshot()
    response = staff_api.post(reverse(route), body, format="json")
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400 and problem["code"] == "invalid" and problem["errors"]
    assert database_snapshot() == before


def test_unparseable_json_and_wrong_media_types_are_problems_not_crashes(db, staff_api):
    broken = staff_api.post(reverse("api-agreements"), "{not json", content_type="application/json")
    assert broken.status_code == 400 and broken.json()["code"] == "parse_error"
    xml = staff_api.post(reverse("api-agreements"), "<a/>", content_type="application/xml")
    assert xml.status_code == 415 and xml["Content-Type"] == "application/problem+json"
    assert staff_api.put(reverse("api-agreements")).status_code == 405


def test_ids_out_of_range_are_404(db, staff_api):
    assert staff_api.get(f"/api/v1/agreements/{10**30}/").status_code == 404
    assert staff_api.get(f"/api/v1/milestones/{2**63}/").status_code == 404


def test_a_new_commitment_makes_its_funder_a_party(alpha, staff_api):
    funder = OrganizationFactory(slug="new-funder")
    staff_api.post(
        reverse("api-commitments"),
        {
            "agreement": alpha.agreement.pk,
            "funder": funder.pk,
            "amount": "5.00",
            "currency": "EUR",
            "pledged_on": "2026-01-10",
            "status": "committed",
        },
        format="json",
    )
    assert AgreementParty.objects.filter(agreement=alpha.agreement, organization=funder, role=PartyRole.FUNDER).exists()
    assert FundingCommitment.objects.filter(funder=funder).get().status == "committed"
    assert Agreement.objects.get(pk=alpha.agreement.pk).status == AgreementStatus.DRAFT


def test_history_lists_a_capability_change_once_with_the_capability_ids(db, staff_api):
    agreement, drones = AgreementFactory(), CapabilityFactory(name="Strike drones")
    url = reverse("api-agreement", args=[agreement.pk])
    assert staff_api.patch(url, {"capabilities": [drones.pk]}, format="json").status_code == 200

    # The capability change and the save that moved the timestamp are two history rows, but one change.
    entries = staff_api.get(reverse("api-agreement-history", args=[agreement.pk])).json()["results"]
    assert [(e["action"], e["changes"]) for e in entries][0] == (
        "changed",
        [{"field": "capabilities", "old": None, "new": str(drones.pk)}],
    )
    assert [e["action"] for e in entries] == ["changed", "created"]
