"""List rows rendered from the columns a query returns, exactly as the `<Thing>Out` serializers render objects.

A list page reads only the columns it shows (`values()`), not whole model instances, and turns
them into the same JSON as the serializer of one object (the tests compare the two). Values are
written in the serializer fields' formats, so times, dates and money read the same in both.
"""

from __future__ import annotations

from decimal import Decimal

CENT = Decimal("0.01")


def moment(value, zone) -> str:
    """A time as DRF's DateTimeField writes it: ISO 8601 in the current time `zone`, `Z` for UTC."""
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def day(value):
    return None if value is None else value.isoformat()


def money(value):
    """Money as the serializers' DecimalField(decimal_places=2) writes it: a fixed-point string."""
    return None if value is None else f"{value.quantize(CENT):f}"


def organization_columns(relation: str) -> tuple[str, ...]:
    return tuple(f"{relation}__{name}" for name in ("id", "slug", "name", "country"))


def organization_ref(row: dict, relation: str) -> dict | None:
    """The `OrganizationRef` shape of a related organisation, or None when there is none."""
    if row[f"{relation}__id"] is None:
        return None
    return {
        "id": row[f"{relation}__id"],
        "slug": row[f"{relation}__slug"],
        "name": row[f"{relation}__name"],
        "country": row[f"{relation}__country"],
    }


TIMESTAMPS = ("created_at", "updated_at")

# Money paid or planned against a commitment (a disbursement, a tranche): its agreement, commitment, amount, currency.
COMMITMENT_MONEY = ("commitment__agreement_id", "commitment_id", "amount", "commitment__currency")


def commitment_money(row: dict) -> dict:
    return {
        "agreement": row["commitment__agreement_id"],
        "commitment": row["commitment_id"],
        "amount": money(row["amount"]),
        "currency": row["commitment__currency"],
    }


def timestamps(row: dict, zone) -> dict:
    """`created_at` and `updated_at` in `zone`, the current time zone read once per page (reading it is slow)."""
    return {"created_at": moment(row["created_at"], zone), "updated_at": moment(row["updated_at"], zone)}


PROVENANCE = (
    "source",
    "reported_by_user__username",
    *organization_columns("reported_by_organization"),
    "verified_by__username",
    "verified_at",
)


def provenance(row: dict, zone) -> dict:
    """Where a figure comes from, who reported it and who verified it, as `ProvenanceOut` writes them."""
    return {
        "source": row["source"],
        "reported_by": row["reported_by_user__username"],
        "reported_by_organization": organization_ref(row, "reported_by_organization"),
        "verified_by": row["verified_by__username"],
        "verified_at": None if row["verified_at"] is None else moment(row["verified_at"], zone),
    }
