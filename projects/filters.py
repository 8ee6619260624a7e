"""FilterSets shared by the UI lists and the API lists (one definition of each filter).

References to other records are plain ids and slugs, never validated against the database: a
"no such choice" error would tell a partner that another partner's record does not exist.
"""

from __future__ import annotations

from datetime import UTC

import django_filters as filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django_filters.fields import IsoDateTimeField

from projects.choices import (
    AgreementKind,
    AgreementStatus,
    CommitmentStatus,
    IndicatorKind,
    MilestoneStatus,
    OrganizationKind,
    PeriodState,
    Rag,
)
from projects.models import (
    Agreement,
    AgreementParty,
    Capability,
    Disbursement,
    FundingCommitment,
    Indicator,
    IndicatorPeriod,
    Milestone,
    Organization,
    StatusReport,
    Tranche,
)


class IdFilter(filters.NumberFilter):
    """A record id: a whole number in the database's range, so nonsense is a 400 and not a failed query."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 time turned into UTC here: the database refuses offsets beyond ±16 hours."""

    def to_python(self, value):
        value = super().to_python(value)
        try:
            return None if value is None else value.astimezone(UTC)
        except (OverflowError, ValueError):
            raise ValidationError("This time is out of range.", code="invalid") from None


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class SyncFilterSet(filters.FilterSet):
    """`updated_after` lets a client fetch only what changed since its last sync."""

    updated_after = UtcDateTimeFilter(
        field_name="updated_at", lookup_expr="gt", label="Changed after this ISO 8601 time (incremental sync)."
    )


class AgreementFilter(SyncFilterSet):
    status = filters.MultipleChoiceFilter(choices=AgreementStatus.choices)
    kind = filters.MultipleChoiceFilter(choices=AgreementKind.choices)
    capability = filters.CharFilter(method="filter_capability", label="Capability slug.")
    party = filters.CharFilter(method="filter_party", label="Slug of an organisation party to the agreement.")
    country = filters.CharFilter(method="filter_country", label="ISO 3166-1 alpha-2 country of a party.")
    search = filters.CharFilter(method="filter_search", label="Words in the reference, title or summary.")

    class Meta:
        model = Agreement
        fields = ["status", "kind"]

    def filter_capability(self, queryset, name, value):
        links = Agreement.capabilities.through.objects.filter(agreement=OuterRef("pk"), capability__slug=value)
        return queryset.filter(Exists(links))

    def filter_party(self, queryset, name, value):
        parties = AgreementParty.objects.filter(agreement=OuterRef("pk"), organization__slug=value)
        return queryset.filter(Exists(parties))

    def filter_country(self, queryset, name, value):
        parties = AgreementParty.objects.filter(agreement=OuterRef("pk"), organization__country=value.upper())
        return queryset.filter(Exists(parties))

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(reference__icontains=value) | Q(title__icontains=value) | Q(summary__icontains=value))


class MilestoneFilter(SyncFilterSet):
    agreement = IdFilter(field_name="agreement_id")
    status = filters.MultipleChoiceFilter(choices=MilestoneStatus.choices)
    responsible = filters.CharFilter(field_name="responsible__slug", label="Slug of the responsible organisation.")
    due_before = filters.DateFilter(field_name="due_on", lookup_expr="lte")
    due_after = filters.DateFilter(field_name="due_on", lookup_expr="gte")
    overdue = filters.BooleanFilter(method="filter_overdue", label="Past due and neither done nor cancelled.")

    class Meta:
        model = Milestone
        fields = ["agreement", "status"]

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.overdue(timezone.localdate())
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


class IndicatorFilter(SyncFilterSet):
    agreement = IdFilter(field_name="agreement_id")
    kind = filters.MultipleChoiceFilter(choices=IndicatorKind.choices)
    capability = filters.CharFilter(field_name="capability__slug", label="Capability slug.")
    responsible = filters.CharFilter(field_name="responsible__slug", label="Slug of the responsible organisation.")

    class Meta:
        model = Indicator
        fields = ["agreement", "kind"]


class IndicatorPeriodFilter(SyncFilterSet):
    agreement = IdFilter(field_name="indicator__agreement_id")
    indicator = IdFilter(field_name="indicator_id")
    state = filters.MultipleChoiceFilter(choices=PeriodState.choices)
    ends_before = filters.DateFilter(field_name="ends_on", lookup_expr="lte")
    starts_after = filters.DateFilter(field_name="starts_on", lookup_expr="gte")

    class Meta:
        model = IndicatorPeriod
        fields = ["indicator", "state"]


class CommitmentFilter(SyncFilterSet):
    agreement = IdFilter(field_name="agreement_id")
    funder = filters.CharFilter(field_name="funder__slug", label="Slug of the funding organisation.")
    status = filters.MultipleChoiceFilter(choices=CommitmentStatus.choices)

    class Meta:
        model = FundingCommitment
        fields = ["agreement", "status"]


class TrancheFilter(SyncFilterSet):
    agreement = IdFilter(field_name="commitment__agreement_id")
    commitment = IdFilter(field_name="commitment_id")
    released = filters.BooleanFilter(field_name="released_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Tranche
        fields = ["commitment"]


class DisbursementFilter(SyncFilterSet):
    agreement = IdFilter(field_name="commitment__agreement_id")
    commitment = IdFilter(field_name="commitment_id")
    disbursed_after = filters.DateFilter(field_name="disbursed_on", lookup_expr="gte")
    disbursed_before = filters.DateFilter(field_name="disbursed_on", lookup_expr="lte")

    class Meta:
        model = Disbursement
        fields = ["commitment"]


class StatusReportFilter(SyncFilterSet):
    agreement = IdFilter(field_name="agreement_id")
    rag = filters.MultipleChoiceFilter(choices=Rag.choices)
    reported_after = filters.DateFilter(field_name="reported_on", lookup_expr="gte")
    reported_before = filters.DateFilter(field_name="reported_on", lookup_expr="lte")

    class Meta:
        model = StatusReport
        fields = ["agreement", "rag"]


class OrganizationFilter(SyncFilterSet):
    kind = filters.MultipleChoiceFilter(choices=OrganizationKind.choices)
    country = filters.CharFilter(method="filter_country", label="ISO 3166-1 alpha-2 code.")
    search = filters.CharFilter(field_name="name", lookup_expr="icontains", label="Words in the name.")

    class Meta:
        model = Organization
        fields = ["kind"]

    def filter_country(self, queryset, name, value):
        return queryset.filter(country=value.upper())


class CapabilityFilter(SyncFilterSet):
    search = filters.CharFilter(field_name="name", lookup_expr="icontains", label="Words in the name.")

    class Meta:
        model = Capability
        fields = []
