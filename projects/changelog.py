"""The history of an agreement and of everything hanging off it, as entries with their changed fields.

Built from the history library's rows (deleted records included) in one query per kind of record,
whatever the length of the history: each row is compared with the previous row of the same
record in memory, not with a query per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from simple_history.utils import get_m2m_reverse_field_name

from projects.models import Agreement, AgreementParty, Disbursement, FundingCommitment, Milestone, StatusReport

ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
UNTRACKED = frozenset({"id", "created_at", "updated_at"})


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class HistoryEntry:
    record: str
    object_id: int
    action: str
    at: datetime
    user: str | None
    organization: str | None
    reason: str | None
    changes: list[FieldChange]


def agreement_sources(agreement: Agreement) -> list[tuple[str, type, QuerySet]]:
    """The history rows of an agreement and of what hangs off it (deleted records included), per kind."""
    commitment_ids = FundingCommitment.history.filter(agreement_id=agreement.pk).values("id")
    return [
        ("agreement", Agreement, Agreement.history.filter(id=agreement.pk)),
        ("party", AgreementParty, AgreementParty.history.filter(agreement_id=agreement.pk)),
        ("commitment", FundingCommitment, FundingCommitment.history.filter(agreement_id=agreement.pk)),
        ("disbursement", Disbursement, Disbursement.history.filter(commitment_id__in=commitment_ids)),
        ("milestone", Milestone, Milestone.history.filter(agreement_id=agreement.pk)),
        ("status report", StatusReport, StatusReport.history.filter(agreement_id=agreement.pk)),
    ]


def with_previous(rows: Iterable) -> Iterator[tuple[object, object | None]]:
    """Each history row in time order with the previous version of the same record, if it was loaded."""
    previous = {}
    for row in sorted(rows, key=lambda r: (r.history_date, r.history_id)):
        key = (row.instance_type, row.id)
        yield row, previous.get(key)
        previous[key] = row


def _text(value) -> str | None:
    return None if value is None else str(value)


def _m2m_history(history_model) -> list[tuple[str, str, str]]:
    """(field, accessor of its history rows, id attribute of the target) per tracked many-to-many field."""
    tracked = []
    for field in getattr(history_model, "_history_m2m_fields", []):
        target = get_m2m_reverse_field_name(field)
        for rel in history_model._meta.related_objects:
            if rel.field.name == "history" and any(f.name == target for f in rel.related_model._meta.fields):
                tracked.append((field.name, rel.get_accessor_name(), f"{target}_id"))
    return tracked


def _related_ids(row, m2m: list[tuple[str, str, str]]) -> dict[str, str]:
    """The ids a history row's many-to-many fields pointed to, from the prefetched history rows."""
    return {
        name: ",".join(str(i) for i in sorted(getattr(link, target) for link in getattr(row, accessor).all()))
        for name, accessor, target in m2m
    }


def _entries(record: str, model, rows) -> list[HistoryEntry]:
    fields = [field.name for field in model._meta.concrete_fields if field.name not in UNTRACKED]
    initial = [(name, model._meta.get_field(name).attname) for name in fields]
    # The library's own m2m diff runs two queries per row; the prefetched rows are compared instead.
    m2m = _m2m_history(rows.model)
    rows = rows.prefetch_related(*(accessor for _, accessor, _ in m2m))
    entries = []
    for row, before in with_previous(rows):
        if row.history_type == "~" and before is not None:
            delta = row.diff_against(before, included_fields=fields)
            changes = [FieldChange(c.field, _text(c.old), _text(c.new)) for c in delta.changes]
            old_links, new_links = _related_ids(before, m2m), _related_ids(row, m2m)
            changes += [
                FieldChange(name, old_links[name] or None, new_links[name] or None)
                for name, _, _ in m2m
                if old_links[name] != new_links[name]
            ]
        elif row.history_type == "+":
            changes = [FieldChange(name, None, _text(getattr(row, attname))) for name, attname in initial]
        else:
            changes = []
        entries.append(
            HistoryEntry(
                record=record,
                object_id=row.id,
                action=ACTIONS[row.history_type],
                at=row.history_date,
                user=row.history_user.get_username() if row.history_user else None,
                organization=row.history_organization.name if row.history_organization else None,
                reason=row.history_change_reason,
                changes=changes,
            )
        )
    return entries


def agreement_history(agreement: Agreement) -> list[HistoryEntry]:
    """Newest first: the agreement, its parties, commitments, disbursements, milestones and reports."""
    entries = []
    for record, model, rows in agreement_sources(agreement):
        entries += _entries(record, model, rows.select_related("history_user", "history_organization"))
    return sorted(entries, key=lambda entry: (entry.at, entry.record, entry.object_id), reverse=True)
