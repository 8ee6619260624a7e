"""History as people read it: who changed what on which record, when, and why.

Built from the history library's rows: one query per tracked model, consecutive versions of a
record compared in memory (`diff_against`), so a page's query count does not grow with its history.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.db.models import Model, QuerySet

from projects.changelog import ACTIONS, agreement_sources, with_previous
from projects.models import (
    Agreement,
    AgreementParty,
    Disbursement,
    FundingCommitment,
    Milestone,
    StatusReport,
)

# Related rows each history row needs for its label and its changed foreign keys.
RELATED = {
    Agreement: ["programme_manager"],
    AgreementParty: ["organization"],
    FundingCommitment: ["funder"],
    Disbursement: ["commitment"],
    Milestone: ["responsible", "owner"],
    StatusReport: ["author", "author_organization"],
}
NOT_SHOWN = {"created_at", "updated_at", "capabilities"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: object
    new: object


@dataclass(frozen=True)
class Change:
    when: datetime
    who: str
    action: str
    subject: str
    agreement_id: int | None
    reason: str = ""
    fields: list[FieldChange] = field(default_factory=list)


def _subject(record) -> str:
    model = record.instance_type
    if model is Agreement:
        return f"Agreement {record.reference}"
    if model is AgreementParty:
        return f"Party {record.organization.name} ({record.get_role_display()})"
    if model is FundingCommitment:
        label = f" {record.reference}" if record.reference else ""
        return f"Commitment{label} from {record.funder.name}"
    if model is Disbursement:
        return f"Disbursement {record.reference}"
    if model is Milestone:
        return f"Milestone “{record.title}”"
    return f"Status report of {record.reported_on:%d %b %Y} ({record.get_rag_display()})"


def _who(record) -> str:
    if record.history_user is not None:
        return record.history_user.get_username()
    if record.history_organization is not None:
        return record.history_organization.name
    return "system"


def _display(record, name: str, value) -> object:
    model_field = record._meta.get_field(name)
    if model_field.choices and value is not None:
        return dict(model_field.flatchoices).get(value, value)
    return "—" if value in (None, "") else value


def _history(model: type[Model]) -> QuerySet:
    return model.history.select_related("history_user", "history_organization", *RELATED[model])


def _agreement_of(record) -> int | None:
    if record.instance_type is Agreement:
        return record.id
    if record.instance_type is Disbursement:
        return record.commitment.agreement_id if record.commitment else None
    return record.agreement_id


def _capabilities(records: list) -> dict[int, str]:
    """Each agreement version's capabilities, in one query (the library's m2m diff queries per version)."""
    through = apps.get_model("projects", "HistoricalAgreement_capabilities")
    names = defaultdict(list)
    versions = [r.history_id for r in records if r.instance_type is Agreement]
    rows = through.objects.filter(history_id__in=versions).order_by("capability__name")
    for history_id, name in rows.values_list("history_id", "capability__name"):
        names[history_id].append(name)
    return {version: ", ".join(names[version]) or "—" for version in versions}


def _changes(records: list) -> list[Change]:
    """Readable changes from history rows, each compared with the previous version of its record."""
    capabilities = _capabilities(records)
    changes = []
    for record, before in with_previous(records):
        fields = []
        if record.history_type == "~" and before is not None:
            delta = record.diff_against(before, excluded_fields=NOT_SHOWN, foreign_keys_are_objs=True)
            fields = [
                FieldChange(
                    str(record._meta.get_field(c.field).verbose_name),
                    _display(before, c.field, c.old),
                    _display(record, c.field, c.new),
                )
                for c in delta.changes
            ]
            if record.instance_type is Agreement and capabilities[record.history_id] != capabilities[before.history_id]:
                old, new = capabilities[before.history_id], capabilities[record.history_id]
                fields.append(FieldChange("capabilities", old, new))
            if not fields and not record.history_change_reason:
                continue  # a save that changed nothing shown (e.g. the timestamp after a capability change)
        changes.append(
            Change(
                when=record.history_date,
                who=_who(record),
                action=ACTIONS[record.history_type],
                subject=_subject(record),
                agreement_id=_agreement_of(record),
                reason=record.history_change_reason or "",
                fields=fields,
            )
        )
    changes.reverse()
    return changes


def agreement_changes(agreement: Agreement) -> list[Change]:
    """Everything that happened to an agreement and what hangs off it, newest first (seven queries)."""
    records = [
        record
        for _, model, rows in agreement_sources(agreement)
        for record in rows.select_related("history_user", "history_organization", *RELATED[model])
    ]
    return _changes(records)


def recent_changes(limit: int = 12) -> list[Change]:
    """The latest changes across the portfolio, one query per tracked model and one for capabilities.

    Each query loads every version of the records changed most recently, so that even the oldest
    change shown is compared with the version before it.
    """
    records = []
    for model in RELATED:
        latest = model.history.order_by("-history_date").values("id")[:limit]
        records += _history(model).filter(id__in=latest)
    return _changes(records)[:limit]
