"""The lists' filters, stricter than the UI's: a filter sent empty is a mistake, not "no filter".

The web list submits every field of its form, empty ones included, so the shared FilterSets
ignore empty values; an API client that sends `updated_after=` has a bug to hear about.
"""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers


class StrictFilterBackend(DjangoFilterBackend):
    """Refuse a known filter sent without a value (400 naming it) before filtering."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            known = filterset_class.base_filters
            empty = sorted(
                name for name in known if name in request.query_params and "" in request.query_params.getlist(name)
            )
            if empty:
                raise serializers.ValidationError(
                    {name: ["Give a value or leave the parameter out."] for name in empty}
                )
        return super().filter_queryset(request, queryset, view)
