"""Money writes through the API answer 202 with a change request; a second programme manager decides it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import Agreement, ChangeRequest, Disbursement, FundingCommitment
from tests.api.conftest import bearer
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.usefixtures("four_eyes")


@pytest.fixture
def approver_api(token_for):
    return bearer(token_for(user=StaffUserFactory(username="approver")))


def money(world) -> tuple:
    world.agreement.refresh_from_db()
    return (
        world.agreement.budget,
        sorted(FundingCommitment.objects.values_list("amount", flat=True)),
        sorted(Disbursement.objects.values_list("amount", flat=True)),
    )


def test_every_money_write_answers_202_and_changes_nothing_until_approved(staff_api, approver_api, alpha):
    commitment, disbursement = alpha.commitment, alpha.disbursement
    commitment_url = reverse("api-commitment", args=[commitment.pk])
    before = money(alpha)
    writes = [
        staff_api.post(
            reverse("api-commitments"),
            {
                "agreement": alpha.agreement.pk,
                "funder": alpha.organization.pk,
                "amount": "5000.00",
                "currency": "EUR",
                "pledged_on": "2026-02-01",
                "reason": "Letter of intent",
                "source": "LOI-2026-02",
            },
            format="json",
        ),
        staff_api.patch(commitment_url, {"amount": "120000.00", "reason": "Top-up agreed"}, format="json"),
        staff_api.post(
            reverse("api-disbursements"),
            {
                "commitment": commitment.pk,
                "amount": "2500.00",
                "disbursed_on": "2026-02-02",
                "reference": "PAY-API",
                "reason": "Bank statement 12",
            },
            format="json",
        ),
        staff_api.delete(reverse("api-disbursement", args=[disbursement.pk]) + "?reason=Duplicate+entry"),
        staff_api.patch(
            reverse("api-agreement", args=[alpha.agreement.pk]),
            {"budget": "9000000.00", "title": "Renamed at once", "reason": "Second line"},
            format="json",
        ),
    ]

    assert [write.status_code for write in writes] == [202] * 5, [write.content for write in writes]
    bodies = [write.json() for write in writes]
    assert [(b["target"], b["operation"], b["state"]) for b in bodies] == [
        ("commitment", "create", "pending"),
        ("commitment", "change", "pending"),
        ("disbursement", "create", "pending"),
        ("disbursement", "delete", "pending"),
        ("agreement_budget", "change", "pending"),
    ]
    assert bodies[1]["before"]["amount"] == "100000.00" and bodies[1]["proposed"] == {"amount": "120000.00"}
    assert writes[0]["Location"] == reverse("api-change-request", args=[bodies[0]["id"]])
    assert money(alpha) == before
    assert Agreement.objects.get(pk=alpha.agreement.pk).title == "Renamed at once"

    for body in bodies:
        assert staff_api.post(reverse("api-change-request-approve", args=[body["id"]])).status_code == 403
    decided = [approver_api.post(reverse("api-change-request-approve", args=[body["id"]])) for body in bodies]

    assert [d.status_code for d in decided] == [200] * 5, [d.content for d in decided]
    assert {d.json()["state"] for d in decided} == {"applied"}
    assert money(alpha) == (
        Decimal("9000000.00"),
        [Decimal("5000.00"), Decimal("120000.00")],
        [Decimal("2500.00")],
    )


def test_a_money_write_without_a_reason_is_refused(staff_api, alpha):
    answer = staff_api.delete(reverse("api-commitment", args=[alpha.commitment.pk]))

    assert answer.status_code == 400
    assert answer.json()["errors"] == {"reason": ["This field is required."]}
    assert ChangeRequest.objects.count() == 0


def test_a_partner_token_proposes_a_disbursement_and_reads_only_its_own_requests(
    token_for, staff_api, approver_api, alpha, bravo
):
    alpha_api = bearer(token_for(organization=alpha.organization))
    proposed = alpha_api.post(
        reverse("api-disbursements"),
        {
            "commitment": alpha.commitment.pk,
            "amount": "1000.00",
            "disbursed_on": "2026-02-03",
            "reference": "ALPHA-7",
            "reason": "Paid on 3 February",
            "source": "https://alpha.example/payments/7",
        },
        format="json",
    )
    assert proposed.status_code == 202, proposed.content
    theirs = staff_api.patch(
        reverse("api-commitment", args=[bravo.commitment.pk]), {"amount": "90000.00", "reason": "Cut"}, format="json"
    ).json()

    listed = alpha_api.get(reverse("api-change-requests")).json()["results"]
    assert [item["id"] for item in listed] == [proposed.json()["id"]]
    assert listed[0]["author_organization"]["slug"] == "alpha-dynamics" and listed[0]["author_user"] is None
    for route, method in [
        ("api-change-request", "get"),
        ("api-change-request-approve", "post"),
        ("api-change-request-reject", "post"),
    ]:
        refused = getattr(alpha_api, method)(reverse(route, args=[theirs["id"]]), {"reason": "x"}, format="json")
        assert (refused.status_code, refused.json()["code"]) == (404, "not_found"), route
    approve = reverse("api-change-request-approve", args=[proposed.json()["id"]])
    assert alpha_api.post(approve).status_code == 403
    assert Disbursement.objects.filter(reference="ALPHA-7").count() == 0

    assert approver_api.post(approve).status_code == 200
    paid = Disbursement.objects.get(reference="ALPHA-7")
    assert (paid.reported_by_organization, paid.source) == (alpha.organization, "https://alpha.example/payments/7")


def test_rejecting_needs_a_reason_and_approving_twice_is_a_conflict(staff_api, approver_api, alpha):
    body = staff_api.patch(
        reverse("api-commitment", args=[alpha.commitment.pk]), {"reference": "NEW-REF", "reason": "Typo"}, format="json"
    ).json()
    reject = reverse("api-change-request-reject", args=[body["id"]])

    assert approver_api.post(reject, {}, format="json").status_code == 400
    rejected = approver_api.post(reject, {"reason": "The old reference is right"}, format="json")
    again = approver_api.post(reverse("api-change-request-approve", args=[body["id"]]))

    assert rejected.status_code == 200 and rejected.json()["decision_note"] == "The old reference is right"
    assert again.status_code == 409 and again.json()["code"] == "already_decided"


def test_an_approval_that_no_longer_fits_is_409_and_recorded_failed(staff_api, approver_api, alpha):
    commitment = alpha.commitment  # 100000.00, with 10000.00 disbursed
    first, second = (
        staff_api.post(
            reverse("api-disbursements"),
            {
                "commitment": commitment.pk,
                "amount": "60000.00",
                "disbursed_on": "2026-02-04",
                "reference": reference,
                "reason": "Tranche paid",
            },
            format="json",
        ).json()
        for reference in ("T-1", "T-2")
    )
    assert approver_api.post(reverse("api-change-request-approve", args=[first["id"]])).status_code == 200

    failed = approver_api.post(reverse("api-change-request-approve", args=[second["id"]]))

    assert failed.status_code == 409 and failed.json()["code"] == "change_failed"
    stored = approver_api.get(reverse("api-change-request", args=[second["id"]])).json()
    assert stored["state"] == "failed"
    assert stored["decision_note"] == "This exceeds the commitment: 30000.00 EUR remain to be disbursed."


def test_idempotency_key_replays_the_202_and_if_match_still_guards(staff_api, alpha):
    url = reverse("api-disbursements")
    body = {
        "commitment": alpha.commitment.pk,
        "amount": "10.00",
        "disbursed_on": "2026-02-05",
        "reference": "IDEM-1",
        "reason": "Fee",
    }
    first = staff_api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="pay-idem-1")
    retry = staff_api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="pay-idem-1")
    stale = staff_api.patch(
        reverse("api-commitment", args=[alpha.commitment.pk]),
        {"amount": "1.00", "reason": "Cut"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )

    assert (first.status_code, retry.status_code, retry["Idempotent-Replayed"]) == (202, 202, "true")
    assert retry.json() == first.json() and ChangeRequest.objects.count() == 1
    assert stale.status_code == 412


def test_with_four_eyes_off_money_writes_apply_at_once(settings, staff_api, alpha):
    settings.FOUR_EYES_MONEY = False

    answer = staff_api.delete(reverse("api-disbursement", args=[alpha.disbursement.pk]))

    assert answer.status_code == 204 and Disbursement.objects.count() == 0


def test_a_money_change_without_its_reason_is_refused_before_if_match_is_compared(staff_api, alpha):
    url = reverse("api-commitment", args=[alpha.commitment.pk])

    patched = staff_api.patch(url, {}, format="json", HTTP_IF_MATCH='"1"')
    deleted = staff_api.delete(url + "?reason=%00", HTTP_IF_MATCH='"1"')

    assert (patched.status_code, deleted.status_code) == (400, 400)
    assert patched.json()["errors"] == {"reason": ["This field is required."]}
    assert list(deleted.json()["errors"]) == ["reason"]
