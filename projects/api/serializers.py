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
from projects.choices import (
    AgreementKind,
    AgreementStatus,
    CommitmentStatus,
    IndicatorKind,
    MilestoneStatus,
    OrganizationKind,
    Rag,
)
from projects.models import AgreementParty, Capability, Organization
from projects.selectors.breakdowns import GROUPINGS
from projects.services.four_eyes import four_eyes_on
from projects.webhooks.choices import AttemptError, DisabledWhy, EventType
from projects.webhooks.models import Delivery, DeliveryAttempt, Endpoint

# The shapes partners read live beside the domain, so that webhook events carry exactly the same.
PartyOut = representations.PartyOut
AgreementOut = representations.AgreementOut
CommitmentOut = representations.CommitmentOut
DisbursementOut = representations.DisbursementOut
TrancheOut = representations.TrancheOut
MilestoneOut = representations.MilestoneOut
IndicatorOut = representations.IndicatorOut
IndicatorPeriodOut = representations.IndicatorPeriodOut
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
    released_not_disbursed = money(help_text="Released in tranches and not yet disbursed from them.")
    gap = money(help_text="Budget minus committed.")
    gap_if_pledges_honoured = money(help_text="Budget minus committed minus open pledges.")
    unfunded_share = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)


class FundingSummaryQuery(serializers.Serializer):
    """Query parameters; others (`format`, cache busters) are ignored as query strings usually are."""

    currency = f.currency(required=False)
    as_of = f.Day(required=False)


def portfolio_money(**options) -> serializers.DecimalField:
    """Base-currency sums over a portfolio: to the cent, without the 16-digit ceiling of one record's amount."""
    return serializers.DecimalField(max_digits=None, decimal_places=2, **options)


class PortfolioFiguresOut(serializers.Serializer):
    """Money in the base currency; budget and gap are null where the grouping does not split budgets."""

    budget = portfolio_money(allow_null=True)
    pledged = portfolio_money()
    committed = portfolio_money()
    disbursed = portfolio_money()
    gap = portfolio_money(allow_null=True, help_text="Budget minus committed: pledges are promises, not money.")
    gap_if_pledges_honoured = portfolio_money(allow_null=True, help_text="Budget minus committed minus open pledges.")
    unfunded_share = serializers.DecimalField(
        max_digits=None, decimal_places=4, allow_null=True, help_text="The gap as a share of the budget."
    )


class FundingGroupOut(PortfolioFiguresOut):
    key = serializers.CharField(
        help_text="Capability name, funder name, ISO 3166 country code, or month (YYYY-MM). By country an "
        "international body is a group of its own, keyed by its slug, never counted under the country of its seat."
    )
    name = serializers.CharField(
        help_text="What a reader calls the group: the country's name, `European Defence Fund (international body)`, "
        "`Mar 2026`, …"
    )


class FundingNoteOut(serializers.Serializer):
    code = serializers.ChoiceField(
        ["several_capabilities", "no_capability", "budget_not_split", "left_out_unconvertible"]
    )
    detail = serializers.CharField()
    agreements = serializers.IntegerField(help_text="How many agreements the note is about.")


class LeftOutOut(serializers.Serializer):
    agreement = serializers.IntegerField(source="agreement_id")
    reference = serializers.CharField()
    currencies = serializers.ListField(child=serializers.CharField(), help_text="Currencies without a rate.")


class PortfolioFundingOut(serializers.Serializer):
    """The portfolio's funding split one way; `adds_up` tells whether the groups add up to the total."""

    currency = serializers.CharField(help_text="The base currency.")
    as_of = serializers.DateField(help_text="Money is valued at the latest rates on or before this day.")
    group_by = serializers.ChoiceField(list(GROUPINGS))
    agreement_count = serializers.IntegerField()
    total = PortfolioFiguresOut()
    groups = FundingGroupOut(many=True)
    adds_up = serializers.BooleanField(
        help_text="Every figure given for the groups adds up to the total's to the cent; when false, `notes` says why."
    )
    notes = FundingNoteOut(many=True)
    left_out = LeftOutOut(many=True)


class PortfolioFundingQuery(serializers.Serializer):
    """Query parameters; others (`format`, cache busters) are ignored as query strings usually are."""

    group_by = serializers.ChoiceField(list(GROUPINGS))
    as_of = f.Day(required=False, help_text="Value the money at the rates of this day (today by default).")


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


def base_money(**options) -> serializers.DecimalField:
    """A figure in the base currency, to the cent; room for whole economies."""
    return serializers.DecimalField(max_digits=30, decimal_places=2, **options)


def gdp_percent(**options) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True, **options)


class DonorOut(serializers.Serializer):
    kind = serializers.ChoiceField(
        ["country", "international_body"],
        help_text="A country (every funder based there) or an international body, a donor of its own.",
    )
    code = serializers.CharField(help_text="The country's ISO 3166-1 code, or the international body's slug.")
    name = serializers.CharField()
    country = serializers.CharField(help_text="The country itself, or the international body's seat.")


class GdpOut(serializers.Serializer):
    status = serializers.ChoiceField(
        ["known", "missing", "no_rate", "not_a_country"],
        help_text="missing: no GDP recorded for the year or an earlier one; no_rate: its currency has no rate; "
        "not_a_country: an international body has no GDP.",
    )
    year = serializers.IntegerField(
        allow_null=True, help_text="The year of the GDP used: this year's, else the latest before."
    )
    amount = money(allow_null=True, help_text="In the currency of its source.")
    currency = serializers.CharField(allow_null=True)
    in_base_currency = base_money(allow_null=True, help_text="At the rates of `as_of`.")
    source = serializers.CharField(allow_null=True)
    illustrative = serializers.BooleanField(allow_null=True)


class DonorYearOut(serializers.Serializer):
    donor = DonorOut()
    pledged = base_money(help_text="Open pledges dated in the year (by pledge date).")
    committed = base_money(help_text="Firm commitments dated in the year (by pledge date).")
    disbursed = base_money(help_text="Payments made in the year.")
    gdp = GdpOut()
    pledged_percent_of_gdp = gdp_percent()
    committed_percent_of_gdp = gdp_percent()
    disbursed_percent_of_gdp = gdp_percent()
    target_amount = base_money(allow_null=True, help_text="The target share of the GDP, in the base currency.")
    missing_to_target = base_money(
        allow_null=True, help_text="Target amount minus committed, never below zero; pledges do not count."
    )


class DonorTotalsOut(serializers.Serializer):
    pledged = base_money()
    committed = base_money()
    disbursed = base_money()
    target_amount = base_money(help_text="Over the donors whose GDP is known.")
    missing_to_target = base_money(help_text="Over the donors whose GDP is known.")


class UnvaluedOut(serializers.Serializer):
    agreement = serializers.IntegerField(source="agreement_id")
    reference = serializers.CharField()
    currencies = serializers.ListField(child=serializers.CharField())


class BurdenSharingOut(serializers.Serializer):
    """Each donor's money in one year against its GDP and the target share of GDP."""

    year = serializers.IntegerField()
    as_of = serializers.DateField(help_text="The day whose exchange rates value money and GDP.")
    currency = serializers.CharField(help_text="The base currency.")
    target_percent = serializers.DecimalField(max_digits=8, decimal_places=4, help_text="Percent of GDP.")
    years = serializers.ListField(child=serializers.IntegerField(), help_text="Every year with money, newest first.")
    donors = DonorYearOut(many=True)
    total = DonorTotalsOut()
    unvalued = UnvaluedOut(many=True, help_text="Agreements left out: money in a currency without a rate.")


class BurdenSharingQuery(serializers.Serializer):
    """Query parameters; others (`format`, cache busters) are ignored as query strings usually are."""

    year = serializers.IntegerField(
        min_value=1990, max_value=2100, required=False, help_text="Default: the year of `as_of` (today's year)."
    )
    as_of = f.Day(required=False, help_text="The day whose exchange rates are used. Default: today.")


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
    tranche = f.record_id(
        required=False, help_text="The released tranche paid from, for a commitment paid in tranches."
    )
    source = figure_source()
    reason = change_reason()


class ChangeReasonQuery(In):
    reason = change_reason(max_length=REASON_IN_QUERY)


class RejectionIn(In):
    reason = f.text(max_length=5000, help_text="Why the change is rejected.")


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


class IndicatorUpdateIn(In):
    title = f.text(max_length=250, required=False)
    kind = serializers.ChoiceField(IndicatorKind.choices, required=False)
    unit = f.text(max_length=60, required=False)
    capability = f.record_id(required=False)
    responsible = f.record_id(required=False, help_text="A party to the agreement that reports the actuals.")
    baseline = f.quantity(required=False)
    target = f.quantity(required=False)


class IndicatorIn(IndicatorUpdateIn):
    agreement = f.record_id()
    title = f.text(max_length=250)
    kind = serializers.ChoiceField(IndicatorKind.choices)
    unit = f.text(max_length=60)
    capability = f.record_id(help_text="One of the agreement's capabilities.")
    responsible = f.record_id(help_text="A party to the agreement that reports the actuals.")
    target = f.quantity()


class PeriodUpdateIn(In):
    starts_on = f.Day(required=False)
    ends_on = f.Day(required=False)
    target = f.quantity(required=False, allow_null=True)


class PeriodIn(PeriodUpdateIn):
    indicator = f.record_id()
    starts_on = f.Day()
    ends_on = f.Day()


class ReportIn(In):
    actual = f.quantity()
    source = f.text(max_length=500, required=False, blank=True, help_text="The document or URL the figure comes from.")


class PeriodStepIn(In):
    """No fields: the request itself is the step."""


class UnlockIn(In):
    reason = f.text(max_length=5000, help_text="Why the locked figure must change; kept in the period's history.")


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
    disabled_code = serializers.ChoiceField(
        DisabledWhy.choices,
        allow_blank=True,
        read_only=True,
        help_text="Why it was switched off, for programs to match on: `failing` (every delivery failed for days), "
        "`switched_off` (by its owner or a programme manager), `stated` (with a reason); blank while active.",
    )
    disabled_reason = serializers.CharField(
        read_only=True, help_text="Why it was switched off, in words in the language of `Accept-Language`."
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
            "disabled_code",
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
    error_code = serializers.ChoiceField(
        AttemptError.choices,
        allow_blank=True,
        read_only=True,
        help_text="Why no answer came, for programs to match on: `refused` (the address may not be sent to) or "
        "`no_answer` (a network failure or a timeout); blank when an answer came.",
    )
    error = serializers.CharField(
        read_only=True,
        help_text="Why no answer came, in words in the language of `Accept-Language`; a network failure's own "
        "text (the exception and host) is quoted as it came.",
    )

    class Meta:
        model = DeliveryAttempt
        fields = ["attempted_at", "succeeded", "status_code", "latency_ms", "response_body", "error_code", "error"]


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
