"""The agreements list's filters: the shared API filters as select boxes, plus RAG, overdue and sorting."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from projects import filters as shared
from projects.choices import AgreementKind, AgreementStatus, Rag
from projects.models import Capability, Organization
from projects.selectors import NO_REPORT

YES_NO = [("", _("Any")), ("true", _("Yes")), ("false", _("No"))]
FIELD_ORDER = ["search", "status", "kind", "capability", "party", "country", "rag", "overdue", "sort"]


class NullsLastOrdering(django_filters.OrderingFilter):
    """Sorts with rows lacking a value (money without an exchange rate) last either way, then by reference,
    so that pages of equal values keep a stable order."""

    def filter(self, qs, value):
        if not value:
            return qs
        keys = [self.get_ordering_value(param) for param in value]
        order = [
            F(key[1:]).desc(nulls_last=True) if key.startswith("-") else F(key).asc(nulls_last=True) for key in keys
        ]
        return qs.order_by(*order, "reference")


class AgreementFilter(shared.AgreementFilter):
    """Filters the rows of `projects.selectors.agreement_rows` (annotated with RAG and overdue counts)."""

    search = django_filters.CharFilter(
        method="filter_search", label=_("Search"), help_text=_("Reference, title or summary.")
    )
    status = django_filters.ChoiceFilter(
        choices=AgreementStatus.choices, label=_("Status"), empty_label=_("Any status")
    )
    kind = django_filters.ChoiceFilter(choices=AgreementKind.choices, label=_("Kind"), empty_label=_("Any kind"))
    capability = django_filters.ChoiceFilter(
        method="filter_capability", label=_("Capability"), empty_label=_("Any capability")
    )
    party = django_filters.ChoiceFilter(method="filter_party", label=_("Party"), empty_label=_("Any party"))
    country = django_filters.ChoiceFilter(
        method="filter_country", label=_("Party country"), empty_label=_("Any country")
    )
    rag = django_filters.ChoiceFilter(
        field_name="latest_rag",
        choices=[*Rag.choices, (NO_REPORT, _("No report"))],
        label=_("RAG"),
        empty_label=_("Any RAG"),
    )
    overdue = django_filters.BooleanFilter(
        method="with_overdue", label=_("Overdue milestones"), widget=forms.Select(choices=YES_NO)
    )
    sort = NullsLastOrdering(
        fields=[
            ("reference", "reference"),
            ("title", "title"),
            ("kind", "kind"),
            ("status", "status"),
            ("budget_in_base", "budget"),
            ("gap_in_base", "gap"),
            ("coverage", "coverage"),
            ("latest_rag", "rag"),
            ("overdue_count", "overdue"),
            ("next_due", "next_due"),
        ],
        label=_("Sort by"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters = {name: self.filters[name] for name in FIELD_ORDER}
        self.filters["capability"].extra["choices"] = list(Capability.objects.values_list("slug", "name"))
        self.filters["party"].extra["choices"] = list(Organization.objects.values_list("slug", "name"))
        countries = Organization.objects.order_by("country").values_list("country", flat=True).distinct()
        self.filters["country"].extra["choices"] = [(c, c) for c in countries]

    def with_overdue(self, queryset, name, value):
        return queryset.filter(overdue_count__gt=0) if value else queryset.filter(overdue_count=0)
