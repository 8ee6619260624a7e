"""The lists' filters, stricter than the UI's: a filter sent empty is a mistake, not "no filter".

The web list submits every field of its form, empty ones included, so the shared FilterSets
ignore empty values (and read a yes/no filter's unknown values as "either"); an API client that
sends `updated_after=` or `overdue=maybe` has a bug to hear about.
"""

from __future__ import annotations

from django_filters import BooleanFilter
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers


class StrictFilterBackend(DjangoFilterBackend):
    """Refuse a known filter sent without a value, or a yes/no filter sent anything but true or
    false (400 naming it), before filtering."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            errors = {}
            for name, declared in filterset_class.base_filters.items():
                values = request.query_params.getlist(name)
                if "" in values:
                    errors[name] = ["Give a value or leave the parameter out."]
                elif isinstance(declared, BooleanFilter) and set(values) - {"true", "false"}:
                    errors[name] = ["Give true or false."]
            if errors:
                raise serializers.ValidationError(errors)
        return super().filter_queryset(request, queryset, view)
