"""How records read to the outside: the API's responses and the `data` of webhook events are the same shapes.

Kept out of `projects/api/` so that webhook events, written by the services in the change's own
transaction, carry exactly what a partner would read through the API without the services knowing HTTP.
"""

from __future__ import annotations

from rest_framework import serializers

from projects.choices import AgreementStatus
from projects.models import (
    Agreement,
    AgreementParty,
    Capability,
    ChangeRequest,
    Disbursement,
    FundingCommitment,
    Indicator,
    IndicatorPeriod,
    Milestone,
    Organization,
    StatusChange,
    StatusReport,
    Tranche,
)


class OrganizationRef(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "slug", "name", "country"]


class CapabilityRef(serializers.ModelSerializer):
    class Meta:
        model = Capability
        fields = ["id", "slug", "name"]


class PartyOut(serializers.ModelSerializer):
    organization = OrganizationRef()

    class Meta:
        model = AgreementParty
        fields = ["id", "organization", "role"]


class AgreementOut(serializers.ModelSerializer):
    capabilities = CapabilityRef(many=True)
    parties = PartyOut(many=True)
    programme_manager = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    allowed_transitions = serializers.ListField(child=serializers.ChoiceField(AgreementStatus.choices))

    class Meta:
        model = Agreement
        fields = [
            "id",
            "reference",
            "title",
            "summary",
            "kind",
            "status",
            "allowed_transitions",
            "signed_on",
            "starts_on",
            "ends_on",
            "currency",
            "budget",
            "programme_manager",
            "capabilities",
            "parties",
            "created_at",
            "updated_at",
        ]


class ProvenanceOut(serializers.ModelSerializer):
    """Source, reporter (a person's username or an organisation) and verification of a reported figure."""

    FIELDS = ["source", "reported_by", "reported_by_organization", "verified_by", "verified_at"]

    reported_by = serializers.SlugRelatedField(
        source="reported_by_user", slug_field="username", read_only=True, allow_null=True
    )
    reported_by_organization = OrganizationRef(allow_null=True)
    verified_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)


class CommitmentOut(ProvenanceOut):
    funder = OrganizationRef()

    class Meta:
        model = FundingCommitment
        fields = [
            "id",
            "agreement",
            "funder",
            "amount",
            "currency",
            "status",
            "pledged_on",
            "reference",
            *ProvenanceOut.FIELDS,
            "created_at",
            "updated_at",
        ]


class DisbursementOut(ProvenanceOut):
    agreement = serializers.IntegerField(source="commitment.agreement_id", read_only=True)
    currency = serializers.CharField(source="commitment.currency", read_only=True)

    class Meta:
        model = Disbursement
        fields = [
            "id",
            "agreement",
            "commitment",
            "amount",
            "currency",
            "disbursed_on",
            "reference",
            *ProvenanceOut.FIELDS,
            "created_at",
            "updated_at",
        ]


class TrancheOut(serializers.ModelSerializer):
    """A part of a commitment, in its currency, paid only once a programme manager has released it."""

    agreement = serializers.IntegerField(source="commitment.agreement_id", read_only=True)
    currency = serializers.CharField(source="commitment.currency", read_only=True)
    released_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Tranche
        fields = [
            "id",
            "agreement",
            "commitment",
            "amount",
            "currency",
            "planned_on",
            "milestone",
            "released_at",
            "released_by",
            "created_at",
            "updated_at",
        ]


class MilestoneOut(serializers.ModelSerializer):
    responsible = OrganizationRef()
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    is_overdue = serializers.BooleanField(read_only=True)
    progress = serializers.FloatField(read_only=True, allow_null=True, help_text="Share of the target reached, 0..1.")

    class Meta:
        model = Milestone
        fields = [
            "id",
            "agreement",
            "title",
            "due_on",
            "status",
            "completed_on",
            "is_overdue",
            "responsible",
            "owner",
            "unit",
            "target_quantity",
            "actual_quantity",
            "progress",
            "created_at",
            "updated_at",
        ]


class IndicatorOut(serializers.ModelSerializer):
    capability = CapabilityRef()
    responsible = OrganizationRef(help_text="The party that reports the actuals.")

    class Meta:
        model = Indicator
        fields = [
            "id",
            "agreement",
            "title",
            "kind",
            "unit",
            "capability",
            "responsible",
            "baseline",
            "target",
            "created_at",
            "updated_at",
        ]


class IndicatorPeriodOut(ProvenanceOut):
    agreement = serializers.IntegerField(source="indicator.agreement_id", read_only=True)

    class Meta:
        model = IndicatorPeriod
        fields = [
            "id",
            "agreement",
            "indicator",
            "starts_on",
            "ends_on",
            "target",
            "actual",
            "state",
            "source",
            "reported_at",
            "reported_by",
            "reported_by_organization",
            "verified_by",
            "verified_at",
            "created_at",
            "updated_at",
        ]


class StatusReportOut(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    author_organization = OrganizationRef(allow_null=True)

    class Meta:
        model = StatusReport
        fields = [
            "id",
            "agreement",
            "author",
            "author_organization",
            "reported_on",
            "rag",
            "summary",
            "risks",
            "next_steps",
            "created_at",
            "updated_at",
        ]


class StatusChangeOut(serializers.ModelSerializer):
    """One move of an agreement's status, with the agreement as it stands after it."""

    agreement = AgreementOut()

    class Meta:
        model = StatusChange
        fields = ["id", "agreement", "from_status", "to_status", "reason", "changed_at"]


class ChangeRequestOut(serializers.ModelSerializer):
    before = serializers.DictField(read_only=True, help_text="The changed record's values when it was proposed.")
    proposed = serializers.DictField(read_only=True, help_text="The values it sets; money as decimal strings.")
    author_user = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="The programme manager who proposed it."
    )
    author_organization = OrganizationRef(
        read_only=True, allow_null=True, help_text="The partner organisation that proposed it."
    )
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "agreement",
            "target",
            "operation",
            "commitment",
            "disbursement",
            "before",
            "proposed",
            "reason",
            "author_user",
            "author_organization",
            "created_at",
            "state",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
