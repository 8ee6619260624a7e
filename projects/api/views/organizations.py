"""Organisations and the capability taxonomy: reference data that programme managers maintain."""

from __future__ import annotations

from django.utils import timezone

from projects import filters, permissions
from projects.api import serializers as s
from projects.api.columns import TIMESTAMPS, timestamps
from projects.api.views.base import ChangeableView, ListView
from projects.services import organizations


class OrganizationList(ListView):
    """Organisations: a partner sees itself and those it shares an agreement with."""

    serializer_class = s.OrganizationOut
    filterset_class = filters.OrganizationFilter
    create_input = s.OrganizationIn
    ordering = ("name", "id")
    columns = ("id", "name", "slug", "kind", "country", *TIMESTAMPS)

    def visible(self, actor):
        return permissions.visible_organizations(actor)

    def represent(self, rows):
        zone = timezone.get_current_timezone()
        return [
            {
                "id": row["id"],
                "name": row["name"],
                "slug": row["slug"],
                "kind": row["kind"],
                "country": row["country"],
                **timestamps(row, zone),
            }
            for row in rows
        ]

    def create(self, actor, data):
        return organizations.create_organization(actor=actor, **data)


class OrganizationDetail(ChangeableView):
    """One organisation (a partner may read itself and those it shares an agreement with)."""

    serializer_class = s.OrganizationOut
    change_input = s.OrganizationIn

    def fetch(self, actor, pk):
        return permissions.access_organization(actor, pk)

    def change(self, actor, organization, expected, changes):
        organizations.update_organization(
            actor=actor, organization_id=organization.pk, expected_updated_at=expected, **changes
        )

    def remove(self, actor, organization, expected):
        organizations.delete_organization(actor=actor, organization_id=organization.pk, expected_updated_at=expected)


class CapabilityList(ListView):
    """The capability taxonomy (strike drones, artillery, EW…), readable by every caller."""

    serializer_class = s.CapabilityOut
    filterset_class = filters.CapabilityFilter
    create_input = s.CapabilityIn
    ordering = ("name", "id")
    columns = ("id", "name", "slug", *TIMESTAMPS)

    def visible(self, actor):
        return permissions.visible_capabilities()

    def represent(self, rows):
        zone = timezone.get_current_timezone()
        return [{"id": row["id"], "name": row["name"], "slug": row["slug"], **timestamps(row, zone)} for row in rows]

    def create(self, actor, data):
        return organizations.create_capability(actor=actor, **data)


class CapabilityDetail(ChangeableView):
    """One capability of the taxonomy."""

    serializer_class = s.CapabilityOut
    change_input = s.CapabilityIn

    def fetch(self, actor, pk):
        return permissions.access_capability(pk)

    def change(self, actor, capability, expected, changes):
        organizations.update_capability(
            actor=actor, capability_id=capability.pk, expected_updated_at=expected, **changes
        )

    def remove(self, actor, capability, expected):
        organizations.delete_capability(actor=actor, capability_id=capability.pk, expected_updated_at=expected)
