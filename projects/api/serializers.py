"""Shapes of the API: `<Thing>In` validates what a client sends, `<Thing>Out` is what it reads.

Input serializers only check form (types, lengths, choices); business rules stay in the services.
References to other records are ids that the views resolve through the actor's scoped lookups.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from projects import representations
from projects.api import fields as f
from projects.choices import AgreementKind, AgreementStatus, CommitmentStatus, MilestoneStatus, OrganizationKind, Rag
from projects.models import AgreementParty, Capability, ChangeRequest, Organization
from projects.services.four_eyes import four_eyes_on
from projects.webhooks.choices import EventType
from projects.webhooks.models import Delivery, DeliveryAttempt, Endpoint

# The shapes partners read live beside the domain, so that webhook events carry exactly the same.
PartyOut = representations.PartyOut
AgreementOut = representations.AgreementOut
CommitmentOut = representations.CommitmentOut
DisbursementOut = representations.DisbursementOut
MilestoneOut = representations.MilestoneOut
StatusReportOut = representations.StatusReportOut


def money(**options) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=18, decimal_places=2, **options)


RATE = r"\A(?:0|[1-9]\d{0,11})(?:\.\d{1,8})?\Z"


@extend_schema_field({"type": "string", "format": "decimal", "pattern": f.ecma(RATE)})
class NewCurrencyRate(serializers.DecimalField):
    """Today's value of one unit of a currency that has no exchange rate yet, in the base currency.

    A known rate is never changed this way (the service refuses a different one). Sent as a string.
    """

    def __init__(self, **options):
        super().__init__(max_digits=20, decimal_places=8, min_value=Decimal("0.00000001"), required=False, **options)
        self.validators.append(RegexValidator(RATE, 'Send the rate as a string such as "1.17".'))

    def to_internal_value(self, data):
        if not isinstance(data, str) or self.validators[-1].regex.fullmatch(data) is None:
            self.fail("invalid")
        return super().to_internal_value(data)


class In(serializers.Serializer):
    """Refuses fields it does not know, so a typo is an error rather than silently ignored."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(str(name) for name in data if name not in self.fields or self.fields[name].read_only)
            if unknown:
                raise serializers.ValidationError({name: ["This field is not accepted here."] for name in unknown})
        return super().to_internal_value(data)


# Read side -------------------------------------------------------------------------------


class OrganizationOut(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "slug", "kind", "country", "created_at", "updated_at"]


class CapabilityOut(serializers.ModelSerializer):
    class Meta:
        model = Capability
        fields = ["id", "name", "slug", "created_at", "updated_at"]


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

    currency = f.currency(required=False)
    as_of = f.Day(required=False)


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
    name = f.text(max_length=200)
    slug = f.slug()
    kind = serializers.ChoiceField(OrganizationKind.choices)
    country = f.matching(
        r"\A[A-Z]{2}\Z", "Use an ISO 3166-1 alpha-2 code, e.g. UA.", max_length=2, help_text="ISO 3166-1 alpha-2 code."
    )


class CapabilityIn(In):
    name = f.text(max_length=120)
    slug = f.slug()


class AgreementIn(In):
    reference = f.text(max_length=40)
    title = f.text(max_length=250)
    summary = f.text(required=False, blank=True, max_length=20000)
    kind = serializers.ChoiceField(AgreementKind.choices)
    currency = f.currency()
    budget = f.Money()
    signed_on = f.Day(required=False, allow_null=True)
    starts_on = f.Day(required=False, allow_null=True)
    ends_on = f.Day(required=False, allow_null=True)
    programme_manager = f.username(required=False, allow_null=True)
    capabilities = serializers.ListField(child=f.record_id(), required=False, max_length=1000)
    exchange_rate = NewCurrencyRate()


REASON_IN_QUERY = 300  # characters: even percent-encoded, the URL stays within what the front server reads


class ChangeReasonText(f.Text):
    """Why money changes: required exactly while four-eyes approval is on (FOUR_EYES_MONEY)."""

    @property
    def required(self) -> bool:
        return four_eyes_on()

    @required.setter
    def required(self, value) -> None:
        """Fixed by the setting, whatever the field was declared with."""


def change_reason(*, max_length: int = 5000) -> ChangeReasonText:
    return ChangeReasonText(
        max_length=max_length,
        validators=[RegexValidator(f.NOT_BLANK, "Say why this change is needed.")],
        help_text="Why the money changes: required while four-eyes approval is on (FOUR_EYES_MONEY).",
    )


def figure_source() -> f.Text:
    return f.text(
        max_length=500, required=False, blank=True, help_text="The document reference or URL the figure comes from."
    )


class AgreementUpdateIn(AgreementIn):
    reason = f.text(
        max_length=5000,
        required=False,
        help_text="Why the budget changes: required with a new `budget` while four-eyes approval is on.",
    )


class TransitionIn(In):
    to_status = serializers.ChoiceField(AgreementStatus.choices)
    reason = f.text(max_length=5000)
    effective_on = f.Day(required=False, allow_null=True, help_text="Signing date, default today.")


class PartyIn(In):
    organization = f.record_id()
    role = serializers.ChoiceField(AgreementParty._meta.get_field("role").choices)


class CommitmentIn(In):
    agreement = f.record_id()
    funder = f.record_id()
    amount = f.PositiveMoney()
    currency = f.currency()
    pledged_on = f.Day()
    status = serializers.ChoiceField(
        [CommitmentStatus.PLEDGED, CommitmentStatus.COMMITTED], default=CommitmentStatus.PLEDGED
    )
    reference = f.text(max_length=80, required=False, blank=True)
    exchange_rate = NewCurrencyRate()
    source = figure_source()
    reason = change_reason()


class CommitmentUpdateIn(In):
    amount = f.PositiveMoney(required=False)
    pledged_on = f.Day(required=False)
    reference = f.text(max_length=80, required=False, blank=True)
    status = serializers.ChoiceField(CommitmentStatus.choices, required=False)
    source = figure_source()
    reason = change_reason()


class DisbursementIn(In):
    commitment = f.record_id()
    amount = f.PositiveMoney()
    disbursed_on = f.Day()
    reference = f.text(max_length=80)
    source = figure_source()
    reason = change_reason()


class ChangeReasonQuery(In):
    reason = change_reason(max_length=REASON_IN_QUERY)


class RejectionIn(In):
    reason = f.text(max_length=5000, help_text="Why the change is rejected.")


class ChangeRequestOut(serializers.ModelSerializer):
    before = serializers.DictField(read_only=True, help_text="The changed record's values when it was proposed.")
    proposed = serializers.DictField(read_only=True, help_text="The values it sets; money as decimal strings.")
    author_user = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="The programme manager who proposed it."
    )
    author_organization = representations.OrganizationRef(
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


class MilestoneUpdateIn(In):
    """Partners may send only the progress fields (status, actual_quantity, completed_on)."""

    title = f.text(max_length=250, required=False)
    due_on = f.Day(required=False)
    responsible = f.record_id(required=False)
    owner = f.username(required=False, allow_null=True)
    unit = f.text(max_length=60, required=False, blank=True)
    target_quantity = f.quantity(required=False, allow_null=True)
    status = serializers.ChoiceField(MilestoneStatus.choices, required=False)
    actual_quantity = f.quantity(required=False, allow_null=True)
    completed_on = f.Day(required=False, allow_null=True)


class MilestoneIn(MilestoneUpdateIn):
    agreement = f.record_id()
    title = f.text(max_length=250)
    due_on = f.Day()
    responsible = f.record_id()


class StatusReportIn(In):
    agreement = f.record_id()
    reported_on = f.Day()
    rag = serializers.ChoiceField(Rag.choices)
    summary = f.text(max_length=20000)
    risks = f.text(required=False, blank=True, max_length=20000)
    next_steps = f.text(required=False, blank=True, max_length=20000)


# Webhooks --------------------------------------------------------------------------------

WEBHOOK_URL = r"\Ahttps?://[^\x00-\x20\x7f]{1,492}\Z"


def event_types(**options) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(EventType.choices), min_length=1, max_length=len(EventType), **options
    )


class EndpointOut(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(EventType.choices))
    organization = representations.OrganizationRef(allow_null=True, help_text="The partner organisation it belongs to.")
    manager = serializers.SlugRelatedField(
        source="user",
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="The programme manager it belongs to (it hears of every agreement).",
    )

    class Meta:
        model = Endpoint
        fields = [
            "id",
            "url",
            "events",
            "active",
            "description",
            "organization",
            "manager",
            "failing_since",
            "disabled_at",
            "disabled_reason",
            "created_at",
            "updated_at",
        ]


class EndpointCreatedOut(EndpointOut):
    secret = serializers.CharField(help_text="The signing secret (whsec_…), shown this once.")

    class Meta(EndpointOut.Meta):
        fields = [*EndpointOut.Meta.fields, "secret"]


def webhook_url(**options) -> f.Text:
    return f.matching(WEBHOOK_URL, "Give an http:// or https:// URL.", max_length=500, **options)


class EndpointUpdateIn(In):
    url = webhook_url(required=False)
    events = event_types(required=False)
    description = f.text(max_length=250, required=False, blank=True)
    active = f.Flag(required=False)


class EndpointIn(EndpointUpdateIn):
    url = webhook_url()
    events = event_types()
    active = f.Flag(required=False, default=True)
    organization = f.record_id(required=False, help_text="Programme managers: the organisation it is for.")


class SecretOut(serializers.Serializer):
    secret = serializers.CharField(help_text="The new signing secret (whsec_…), shown this once.")


class AttemptOut(serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = ["attempted_at", "succeeded", "status_code", "latency_ms", "response_body", "error"]


class DeliveryOut(serializers.ModelSerializer):
    webhook_id = serializers.CharField(source="event.message_id", help_text="The `webhook-id` of every attempt.")
    type = serializers.ChoiceField(EventType.choices, source="event.type")
    occurred_at = serializers.DateTimeField(source="event.occurred_at")
    attempts = AttemptOut(many=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "webhook_id",
            "type",
            "occurred_at",
            "status",
            "failures",
            "next_attempt_at",
            "finished_at",
            "attempts",
        ]


class ReplaySinceIn(In):
    since = f.Moment(help_text="Events from this time on are sent again.")


class ReplayedOut(serializers.Serializer):
    queued = serializers.IntegerField(help_text="How many deliveries were queued again.")
