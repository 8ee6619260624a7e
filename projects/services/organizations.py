"""Maintaining the organisations and the capability taxonomy (programme managers only)."""

from datetime import datetime

from projects.actors import Actor
from projects.models import Capability, Organization
from projects.services.service import delete_checked, require_staff, save_validated, service, update_checked

ORGANIZATION_FIELDS = frozenset({"name", "name_uk", "slug", "kind", "country"})
CAPABILITY_FIELDS = frozenset({"name", "slug"})


@service
def create_organization(
    *, actor: Actor, name: str, slug: str, kind: str, country: str, name_uk: str = ""
) -> Organization:
    require_staff(actor, "add organisations")
    organization = Organization(name=name, name_uk=name_uk, slug=slug, kind=kind, country=country)
    save_validated(organization)
    return organization


@service
def update_organization(
    *, actor: Actor, organization_id: int, expected_updated_at: datetime | None = None, **changes
) -> Organization:
    require_staff(actor, "edit organisations")
    return update_checked(Organization, organization_id, expected_updated_at, changes, ORGANIZATION_FIELDS)


@service
def delete_organization(*, actor: Actor, organization_id: int, expected_updated_at: datetime | None = None) -> None:
    """An organisation that is party to an agreement, funds or is responsible for anything stays."""
    require_staff(actor, "delete organisations")
    delete_checked(Organization, organization_id, expected_updated_at)


@service
def create_capability(*, actor: Actor, name: str, slug: str) -> Capability:
    require_staff(actor, "edit the capability taxonomy")
    capability = Capability(name=name, slug=slug)
    save_validated(capability)
    return capability


@service
def update_capability(
    *, actor: Actor, capability_id: int, expected_updated_at: datetime | None = None, **changes
) -> Capability:
    require_staff(actor, "edit the capability taxonomy")
    return update_checked(Capability, capability_id, expected_updated_at, changes, CAPABILITY_FIELDS)


@service
def delete_capability(*, actor: Actor, capability_id: int, expected_updated_at: datetime | None = None) -> None:
    """Removing a capability untags its agreements; the agreements themselves stay."""
    require_staff(actor, "edit the capability taxonomy")
    delete_checked(Capability, capability_id, expected_updated_at)
