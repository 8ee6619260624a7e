"""Shapes of the API: `<Thing>In` validates what a client sends, `<Thing>Out` is what it reads.

Input serializers only check form (types, lengths, choices); business rules stay in the services.
References to other records are ids that the views resolve through the actor's scoped lookups.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.contrib.auth import get_user_model
from rest_framework import serializers

from projects.choices import AgreementKind, AgreementStatus, CommitmentStatus, MilestoneStatus, OrganizationKind, Rag
from projects.models import (
    Agreement,
    AgreementParty,
    Capability,
    Disbursement,
    FundingCommitment,
    Milestone,
    Organization,
    StatusReport,
)

MAX_ID = 2**63 - 1


def record_id(**options) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **options)


def money(**options) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=18, decimal_places=2, **options)


def currency(**options) -> serializers.RegexField:
    return serializers.RegexField(r"^[A-Z]{3}$", max_length=3, help_text="ISO 4217 code, e.g. EUR.", **options)


def staff_username(**options) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="username", queryset=get_user_model().objects.filter(is_staff=True), **options
    )


# Today's rate to the base currency for a currency that has none yet; a known rate is not changed here.
NEW_CURRENCY_RATE = {
    "max_digits": 20,
    "decimal_places": 8,
    "min_value": Decimal("0.00000001"),
    "required": False,
    "help_text": "Only for a currency without an exchange rate yet: one unit's value in the base currency today.",
}


class In(serializers.Serializer):
    """Refuses fields it does not know, so a typo is an error rather than silently ignored."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(str(name) for name in data if name not in self.fields or self.fields[name].read_only)
            if unknown:
                raise serializers.ValidationError({name: ["This field is not accepted here."] for name in unknown})
        return super().to_internal_value(data)


# Read side -------------------------------------------------------------------------------


class OrganizationRef(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "slug", "name", "country"]


class CapabilityRef(serializers.ModelSerializer):
    class Meta:
        model = Capability
        fields = ["id", "slug", "name"]


class OrganizationOut(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "slug", "kind", "country", "created_at", "updated_at"]


class CapabilityOut(serializers.ModelSerializer):
    class Meta:
        model = Capability
        fields = ["id", "name", "slug", "created_at", "updated_at"]


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


class StatusChangeOut(serializers.Serializer):
    from_status = serializers.ChoiceField(AgreementStatus.choices)
    to_status = serializers.ChoiceField(AgreementStatus.choices)
    reason = serializers.CharField()
    changed_at = serializers.DateTimeField()


class TransitionOut(serializers.Serializer):
    agreement = AgreementOut()
    change = StatusChangeOut()


class CommitmentOut(serializers.ModelSerializer):
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
            "created_at",
            "updated_at",
        ]


class DisbursementOut(serializers.ModelSerializer):
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


class FundingSummaryOut(serializers.Serializer):
    """Pledges are promises: the gap counts firm commitments only."""

    currency = serializers.CharField()
    as_of = serializers.DateField()
    budget = money()
    pledged = money()
    committed = money()
    disbursed = money()
    gap = money(help_text="Budget minus committed.")
    gap_if_pledges_honoured = money(help_text="Budget minus committed minus open pledges.")
    unfunded_share = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)


class FundingSummaryQuery(serializers.Serializer):
    """Query parameters; others (`format`, cache busters) are ignored as query strings usually are."""

    currency = currency(required=False)
    as_of = serializers.DateField(required=False)


class FieldChangeOut(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.CharField(source="old_value", allow_null=True)
    new = serializers.CharField(source="new_value", allow_null=True)


class HistoryEntryOut(serializers.Serializer):
    record = serializers.CharField(help_text="What changed: agreement, party, commitment, disbursement, …")
    object_id = serializers.IntegerField()
    action = serializers.ChoiceField(["created", "changed", "deleted"])
    at = serializers.DateTimeField()
    user = serializers.CharField(allow_null=True)
    organization = serializers.CharField(allow_null=True)
    reason = serializers.CharField(allow_null=True)
    changes = FieldChangeOut(source="fields", many=True)


# Write side ------------------------------------------------------------------------------


class OrganizationIn(In):
    name = serializers.CharField(max_length=200)
    slug = serializers.SlugField(max_length=80)
    kind = serializers.ChoiceField(OrganizationKind.choices)
    country = serializers.RegexField(r"^[A-Z]{2}$", max_length=2, help_text="ISO 3166-1 alpha-2 code.")


class CapabilityIn(In):
    name = serializers.CharField(max_length=120)
    slug = serializers.SlugField(max_length=80)


class AgreementIn(In):
    reference = serializers.CharField(max_length=40)
    title = serializers.CharField(max_length=250)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    kind = serializers.ChoiceField(AgreementKind.choices)
    currency = currency()
    budget = money(min_value=0)
    signed_on = serializers.DateField(required=False, allow_null=True)
    starts_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)
    programme_manager = staff_username(required=False, allow_null=True)
    capabilities = serializers.PrimaryKeyRelatedField(queryset=Capability.objects.all(), many=True, required=False)
    exchange_rate = serializers.DecimalField(**NEW_CURRENCY_RATE)


class TransitionIn(In):
    to_status = serializers.ChoiceField(AgreementStatus.choices)
    reason = serializers.CharField(max_length=5000)
    effective_on = serializers.DateField(required=False, allow_null=True, help_text="Signing date, default today.")


class PartyIn(In):
    organization = record_id()
    role = serializers.ChoiceField(AgreementParty._meta.get_field("role").choices)


class CommitmentIn(In):
    agreement = record_id()
    funder = record_id()
    amount = money(min_value=Decimal("0.01"))
    currency = currency()
    pledged_on = serializers.DateField()
    status = serializers.ChoiceField(
        [CommitmentStatus.PLEDGED, CommitmentStatus.COMMITTED], default=CommitmentStatus.PLEDGED
    )
    reference = serializers.CharField(max_length=80, required=False, allow_blank=True)
    exchange_rate = serializers.DecimalField(**NEW_CURRENCY_RATE)


class CommitmentUpdateIn(In):
    amount = money(min_value=Decimal("0.01"), required=False)
    pledged_on = serializers.DateField(required=False)
    reference = serializers.CharField(max_length=80, required=False, allow_blank=True)
    status = serializers.ChoiceField(CommitmentStatus.choices, required=False)


class DisbursementIn(In):
    commitment = record_id()
    amount = money(min_value=Decimal("0.01"))
    disbursed_on = serializers.DateField()
    reference = serializers.CharField(max_length=80)


class MilestoneUpdateIn(In):
    """Partners may send only the progress fields (status, actual_quantity, completed_on)."""

    title = serializers.CharField(max_length=250, required=False)
    due_on = serializers.DateField(required=False)
    responsible = record_id(required=False)
    owner = staff_username(required=False, allow_null=True)
    unit = serializers.CharField(max_length=60, required=False, allow_blank=True)
    target_quantity = serializers.IntegerField(min_value=0, max_value=MAX_ID, required=False, allow_null=True)
    status = serializers.ChoiceField(MilestoneStatus.choices, required=False)
    actual_quantity = serializers.IntegerField(min_value=0, max_value=MAX_ID, required=False, allow_null=True)
    completed_on = serializers.DateField(required=False, allow_null=True)


class MilestoneIn(MilestoneUpdateIn):
    agreement = record_id()
    title = serializers.CharField(max_length=250)
    due_on = serializers.DateField()
    responsible = record_id()


class StatusReportIn(In):
    agreement = record_id()
    reported_on = serializers.DateField()
    rag = serializers.ChoiceField(Rag.choices)
    summary = serializers.CharField(max_length=20000)
    risks = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    next_steps = serializers.CharField(required=False, allow_blank=True, max_length=20000)
