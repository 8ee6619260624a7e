"""Money toward agreements: funders' commitments and the disbursements paid against them."""

from __future__ import annotations

from django.utils import timezone

from projects import filters, permissions
from projects.api import serializers as s
from projects.api.columns import (
    COMMITMENT_MONEY,
    PROVENANCE,
    TIMESTAMPS,
    commitment_money,
    day,
    money,
    organization_columns,
    organization_ref,
    provenance,
    timestamps,
)
from projects.api.views.base import ChangeableView, ListView, ObjectView, change_reason
from projects.choices import ChangeOperation, ChangeTarget
from projects.models import Disbursement, FundingCommitment
from projects.services.change_requests import submit_money_change


class CommitmentList(ListView):
    """Pledges and firm commitments of funders, per agreement (programme managers record them)."""

    four_eyes = frozenset({"POST"})
    serializer_class = s.CommitmentOut
    filterset_class = filters.CommitmentFilter
    create_input = s.CommitmentIn
    ordering = ("agreement__reference", "pledged_on", "id")
    columns = (
        "id",
        "agreement_id",
        *organization_columns("funder"),
        "amount",
        "currency",
        "status",
        "pledged_on",
        "reference",
        *PROVENANCE,
        *TIMESTAMPS,
    )

    def visible(self, actor):
        return FundingCommitment.objects.visible_to(actor)

    def represent(self, rows):
        zone = timezone.get_current_timezone()
        return [
            {
                "id": row["id"],
                "agreement": row["agreement_id"],
                "funder": organization_ref(row, "funder"),
                "amount": money(row["amount"]),
                "currency": row["currency"],
                "status": row["status"],
                "pledged_on": day(row["pledged_on"]),
                "reference": row["reference"],
                **provenance(row, zone),
                **timestamps(row, zone),
            }
            for row in rows
        ]

    def create(self, actor, data):
        agreement = permissions.access_agreement(actor, data.pop("agreement"))
        funder = permissions.access_organization(actor, data.pop("funder"))
        return submit_money_change(
            actor=actor,
            target=ChangeTarget.COMMITMENT,
            operation=ChangeOperation.CREATE,
            agreement_id=agreement.pk,
            reason=data.pop("reason", ""),
            changes={"funder_id": funder.pk, **data},
        ).result


class CommitmentDetail(ChangeableView):
    """One commitment; programme managers change its amount, date, reference or status."""

    four_eyes = frozenset({"PATCH", "DELETE"})
    serializer_class = s.CommitmentOut
    change_input = s.CommitmentUpdateIn

    def fetch(self, actor, pk):
        return permissions.access_commitment(actor, pk)

    def change(self, actor, commitment, expected, changes):
        return submit_money_change(
            actor=actor,
            target=ChangeTarget.COMMITMENT,
            operation=ChangeOperation.CHANGE,
            record_id=commitment.pk,
            expected_updated_at=expected,
            reason=changes.pop("reason", ""),
            changes=changes,
        ).change_request

    def remove(self, actor, commitment, expected):
        return submit_money_change(
            actor=actor,
            target=ChangeTarget.COMMITMENT,
            operation=ChangeOperation.DELETE,
            record_id=commitment.pk,
            expected_updated_at=expected,
            reason=change_reason(self.request),
        ).change_request


class DisbursementList(ListView):
    """Programme managers record any disbursement; a partner only against commitments it funds."""

    four_eyes = frozenset({"POST"})
    serializer_class = s.DisbursementOut
    filterset_class = filters.DisbursementFilter
    create_input = s.DisbursementIn
    partners_create = True
    ordering = (
        "commitment__agreement__reference",
        "commitment__pledged_on",
        "commitment_id",
        "disbursed_on",
        "id",
    )
    columns = (
        "id",
        *COMMITMENT_MONEY,
        "disbursed_on",
        "reference",
        *PROVENANCE,
        *TIMESTAMPS,
    )

    def visible(self, actor):
        return Disbursement.objects.visible_to(actor)

    def represent(self, rows):
        zone = timezone.get_current_timezone()
        return [
            {
                "id": row["id"],
                **commitment_money(row),
                "disbursed_on": day(row["disbursed_on"]),
                "reference": row["reference"],
                **provenance(row, zone),
                **timestamps(row, zone),
            }
            for row in rows
        ]

    def create(self, actor, data):
        commitment = permissions.access_commitment(actor, data.pop("commitment"))
        tranche = data.pop("tranche", None)
        return submit_money_change(
            actor=actor,
            target=ChangeTarget.DISBURSEMENT,
            operation=ChangeOperation.CREATE,
            reason=data.pop("reason", ""),
            changes={"commitment_id": commitment.pk, "tranche_id": tranche, **data},
        ).result


class DisbursementDetail(ObjectView):
    """One disbursement; programme managers may delete it."""

    four_eyes = frozenset({"DELETE"})
    serializer_class = s.DisbursementOut

    def fetch(self, actor, pk):
        return permissions.access_disbursement(actor, pk)

    def remove(self, actor, disbursement, expected):
        return submit_money_change(
            actor=actor,
            target=ChangeTarget.DISBURSEMENT,
            operation=ChangeOperation.DELETE,
            record_id=disbursement.pk,
            expected_updated_at=expected,
            reason=change_reason(self.request),
        ).change_request
