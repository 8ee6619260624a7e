"""The agreements list's search, filters and sort orders (django-filter)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet

from projects.choices import AgreementKind, AgreementStatus, Rag
from projects.models import AgreementParty, Capability, Organization
from projects.web.portfolio import NO_REPORT

YES_NO = [("", "Any"), ("true", "Yes"), ("false", "No")]


class AgreementFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search", help_text="Reference, title or summary.")
    status = django_filters.ChoiceFilter(choices=AgreementStatus.choices, empty_label="Any status")
    kind = django_filters.ChoiceFilter(choices=AgreementKind.choices, empty_label="Any kind")
    capability = django_filters.ModelChoiceFilter(
        queryset=Capability.objects.all(),
        to_field_name="slug",
        method="with_capability",
        label="Capability",
        empty_label="Any capability",
    )
    party = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(),
        to_field_name="slug",
        method="with_party",
        label="Party",
        empty_label="Any party",
    )
    country = django_filters.ChoiceFilter(method="with_country", label="Party country", empty_label="Any country")
    rag = django_filters.ChoiceFilter(
        field_name="latest_rag", choices=[*Rag.choices, (NO_REPORT, "No report")], label="RAG", empty_label="Any RAG"
    )
    overdue = django_filters.BooleanFilter(
        method="with_overdue",
        label="Overdue milestones",
        widget=forms.Select(choices=YES_NO),
    )
    sort = django_filters.OrderingFilter(
        fields=[
            ("reference", "reference"),
            ("title", "title"),
            ("kind", "kind"),
            ("status", "status"),
            ("budget", "budget"),
            ("latest_rag", "rag"),
            ("overdue_count", "overdue"),
            ("next_due", "next_due"),
        ],
        label="Sort by",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        countries = Organization.objects.order_by("country").values_list("country", flat=True).distinct()
        self.filters["country"].extra["choices"] = [(c, c) for c in countries]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(reference__icontains=value) | Q(title__icontains=value) | Q(summary__icontains=value))

    def with_capability(self, queryset, name, value):
        through = queryset.model.capabilities.through
        return queryset.filter(Exists(through.objects.filter(agreement=OuterRef("pk"), capability=value)))

    def with_party(self, queryset, name, value):
        return queryset.filter(Exists(AgreementParty.objects.filter(agreement=OuterRef("pk"), organization=value)))

    def with_country(self, queryset, name, value):
        parties = AgreementParty.objects.filter(agreement=OuterRef("pk"), organization__country=value)
        return queryset.filter(Exists(parties))

    def with_overdue(self, queryset, name, value):
        return queryset.filter(overdue_count__gt=0) if value else queryset.filter(overdue_count=0)
