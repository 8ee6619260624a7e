"""The one reader of history: who changed what, when and why, on an agreement or across the portfolio.

Built from the history library's rows (deleted records included) in one query per kind of record
and one per many-to-many field, whatever the length of the history: each row is compared with the
previous version of the same record in memory (the library's own many-to-many diff queries twice
per row). Every changed field carries its stored value, which the API returns, and its display
value, which the pages show.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.db.models import Model, QuerySet, Value
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from simple_history.models import DeletedObject, HistoricalRecords
from simple_history.utils import get_m2m_reverse_field_name

from projects.labels import FIELD_LABELS
from projects.models import (
    Agreement,
    AgreementParty,
    Disbursement,
    FundingCommitment,
    Indicator,
    IndicatorPeriod,
    Milestone,
    StatusReport,
)

ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
# The verb between who and what on the pages (the codes above are what the API returns).
ACTION_LABELS = {
    "created": pgettext_lazy("history", "created"),
    "changed": pgettext_lazy("history", "changed"),
    "deleted": pgettext_lazy("history", "deleted"),
}
UNTRACKED = frozenset({"id", "created_at", "updated_at"})
EMPTY = "—"
RECORDS = {
    Agreement: "agreement",
    AgreementParty: "party",
    FundingCommitment: "commitment",
    Disbursement: "disbursement",
    Milestone: "milestone",
    StatusReport: "status report",
    Indicator: "indicator",
    IndicatorPeriod: "indicator period",
}


@dataclass(frozen=True)
class FieldChange:
    """One field's move: `old`/`new` as people read them, `old_value`/`new_value` as stored (text)."""

    field: str
    label: str
    old: object
    new: object
    old_value: str | None
    new_value: str | None


@dataclass(frozen=True)
class Change:
    """One create, change or delete of a record, by a person, a partner organisation or the system."""

    record: str
    object_id: int
    action: str
    at: datetime
    user: str | None
    organization: str | None
    reason: str | None
    subject: str
    agreement_id: int | None
    fields: list[FieldChange]

    @property
    def who(self) -> str:
        return self.user or self.organization or _("system")

    @property
    def action_label(self) -> str:
        return ACTION_LABELS[self.action]


@cache
def historical_model(model: type[Model]) -> type[Model]:
    """The history library's model of `model`'s versions (its `history` manager is rebuilt on every access)."""
    return model.history.model


def versions(model: type[Model]) -> QuerySet:
    """Every stored version of every record of `model`."""
    return historical_model(model)._default_manager.all()


def agreement_changes(agreement: Agreement) -> list[Change]:
    """Newest first: the agreement, its parties, commitments, disbursements, milestones and reports."""
    commitment_ids = versions(FundingCommitment).filter(agreement_id=agreement.pk).values("id")
    indicator_ids = versions(Indicator).filter(agreement_id=agreement.pk).values("id")
    rows = {
        Agreement: versions(Agreement).filter(id=agreement.pk),
        AgreementParty: versions(AgreementParty).filter(agreement_id=agreement.pk),
        FundingCommitment: versions(FundingCommitment).filter(agreement_id=agreement.pk),
        Disbursement: versions(Disbursement).filter(commitment_id__in=commitment_ids),
        Milestone: versions(Milestone).filter(agreement_id=agreement.pk),
        StatusReport: versions(StatusReport).filter(agreement_id=agreement.pk),
        Indicator: versions(Indicator).filter(agreement_id=agreement.pk),
        IndicatorPeriod: versions(IndicatorPeriod).filter(indicator_id__in=indicator_ids),
    }
    return _changes(rows)


def recent_changes(limit: int = 12) -> list[Change]:
    """The latest changes across the portfolio, newest first.

    The latest versions of every kind of record are read in one query, then every version of the records
    they belong to, so that even the oldest change shown is compared with the version before it: only the
    kinds of record changed lately are loaded.
    """
    latest = [
        versions(model)
        .filter(pk__in=versions(model).order_by("-history_date").values("pk")[:limit])
        .values("id", "history_date", record=Value(record))
        .order_by()
        for model, record in RECORDS.items()
    ]
    changed = defaultdict(set)
    for version in latest[0].union(*latest[1:], all=True).order_by("-history_date")[:limit]:
        changed[version["record"]].add(version["id"])
    rows = {model: versions(model).filter(id__in=changed[record]) for model, record in RECORDS.items()}
    return _changes(rows, limit=limit)


def changes_between(start: datetime, end: datetime) -> list[Change]:
    """Every change made from `start` up to (not including) `end`, newest first.

    The records changed then are loaded with their versions before `end`, so that the first change in
    the window is still compared with the version before it (one query per kind of record).
    """
    rows = {}
    for model in RECORDS:
        changed = versions(model).filter(history_date__gte=start, history_date__lt=end).values("id")
        rows[model] = versions(model).filter(id__among=changed, history_date__lt=end)
    return _changes(rows, since=start)


def _changes(
    rows: dict[type[Model], QuerySet], *, limit: int | None = None, since: datetime | None = None
) -> list[Change]:
    """The changes in `rows`, newest first: the first `limit`, made at `since` or later.

    Versions are compared first and only the changes kept are described (labels, display values,
    subjects): the dashboard loads a few hundred versions to show twelve changes.
    """
    moves = []
    for model, queryset in rows.items():
        moves += _record_moves(model, list(_with_related(model, queryset)))
    if since is not None:
        moves = [move for move in moves if move.row.history_date >= since]
    moves.sort(key=lambda m: (m.row.history_date, RECORDS[m.model], m.row.id), reverse=True)
    return [move.described() for move in moves[:limit]]


def _with_related(model: type[Model], rows: QuerySet) -> QuerySet:
    """The rows with what their labels and foreign keys show, joined in the same query."""
    related = [field.name for field in model._meta.concrete_fields if field.is_relation]
    return rows.select_related("history_user", "history_organization", *related)


@dataclass(frozen=True)
class Move:
    """One version of a record beside the one before it (none for a creation), and the fields and links that
    differ between them (every field for a creation): a change not yet described."""

    model: type[Model]
    row: object
    before: object | None
    fields: list
    links: list[Links]

    def described(self) -> Change:
        changed = [_field_change(field, self.before, self.row) for field in self.fields]
        if self.before is not None:
            changed.sort(key=lambda change: change.field)
            changed += _link_changes(self.links, self.before, self.row)
        return _change(self.model, self.row, changed)


def _record_moves(model: type[Model], rows: list) -> list[Move]:
    fields = [field for field in model._meta.concrete_fields if field.name not in UNTRACKED]
    links = _many_to_many_links(model, rows)
    moves = []
    for row, before in _with_previous(rows):
        if row.history_type == "+":
            moves.append(Move(model, row, None, fields, []))
        elif row.history_type == "~" and before is not None:
            changed = [field for field in fields if _value(before, field) != _value(row, field)]
            moved = [link for link in links if link.of(before)[0] != link.of(row)[0]]
            if changed or moved or row.history_change_reason:
                moves.append(Move(model, row, before, changed, moved))
            # else a save that changed nothing tracked (e.g. the timestamp after a capability change)
        else:
            moves.append(Move(model, row, before, [], []))
    return moves


def _with_previous(rows: Iterable) -> Iterator[tuple[object, object | None]]:
    """Each history row in time order with the previous version of the same record, if it was loaded."""
    previous = {}
    for row in sorted(rows, key=lambda r: (r.history_date, r.history_id)):
        yield row, previous.get(row.id)
        previous[row.id] = row


def _change(model: type[Model], row, fields: list[FieldChange]) -> Change:
    return Change(
        record=RECORDS[model],
        object_id=row.id,
        action=ACTIONS[row.history_type],
        at=row.history_date,
        user=row.history_user.get_username() if row.history_user else None,
        organization=row.history_organization.name if row.history_organization else None,
        reason=row.history_change_reason,
        subject=_subject(row),
        agreement_id=_agreement_of(row),
        fields=fields,
    )


def _value(row, field) -> object:
    return getattr(row, field.attname)


def _field_change(field, before, row) -> FieldChange:
    old = None if before is None else _value(before, field)
    new = _value(row, field)
    return FieldChange(
        field=field.name,
        label=str(FIELD_LABELS.get(field.name, field.verbose_name)).lower(),
        old=EMPTY if before is None else _display(before, field, old),
        new=_display(row, field, new),
        old_value=_text(old),
        new_value=_text(new),
    )


def _text(value) -> str | None:
    return None if value is None else str(value)


def _display(row, field, value) -> object:
    """Choice labels, related records (still there or not), and a dash for nothing."""
    if value in (None, ""):
        return EMPTY
    if field.is_relation:
        return getattr(row, field.name) or DeletedObject(field.related_model, value)
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    return value


# Many-to-many fields -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Links:
    """What each loaded version of a record pointed to through one many-to-many field."""

    field: str
    label: str
    targets: dict[int, list[tuple[int, str]]]

    def of(self, row) -> tuple[str | None, str]:
        """(the ids, the names) a version pointed to."""
        targets = self.targets.get(row.history_id, [])
        ids = ",".join(str(pk) for pk in sorted(pk for pk, _ in targets))
        return ids or None, ", ".join(sorted(name for _, name in targets)) or EMPTY


def _many_to_many_links(model: type[Model], rows: list) -> list[Links]:
    """Each tracked many-to-many field's targets for the loaded versions, in one query per field."""
    versions = [row.history_id for row in rows]
    links = []
    for field in historical_model(model)._history_m2m_fields:
        target = get_m2m_reverse_field_name(field)
        through = HistoricalRecords.m2m_models[field]
        targets: dict[int, list[tuple[int, str]]] = {}
        for link in through.objects.filter(history_id__in=versions).select_related(target):
            pk = getattr(link, f"{target}_id")
            name = getattr(link, target) or DeletedObject(field.related_model, pk)
            targets.setdefault(link.history_id, []).append((pk, str(name)))
        links.append(Links(field.name, str(FIELD_LABELS.get(field.name, field.verbose_name)).lower(), targets))
    return links


def _link_changes(links: list[Links], before, row) -> list[FieldChange]:
    changes = []
    for link in links:
        (old_value, old), (new_value, new) = link.of(before), link.of(row)
        if old_value != new_value:
            changes.append(FieldChange(link.field, link.label, old, new, old_value, new_value))
    return changes


# Labels --------------------------------------------------------------------------------------------


def _subject(row) -> str:
    """What changed, in the page's language (the object of the verb: Ukrainian puts it in the accusative)."""
    model = row.instance_type
    if model is Agreement:
        return _("Agreement %(reference)s") % {"reference": row.reference}
    if model is AgreementParty:
        return _("Party %(organization)s (%(role)s)") % {
            "organization": row.organization.name,
            "role": row.get_role_display(),
        }
    if model is FundingCommitment:
        if row.reference:
            return _("Commitment %(reference)s from %(funder)s") % {
                "reference": row.reference,
                "funder": row.funder.name,
            }
        return _("Commitment from %(funder)s") % {"funder": row.funder.name}
    if model is Disbursement:
        return _("Disbursement %(reference)s") % {"reference": row.reference}
    if model is Milestone:
        return _("Milestone “%(title)s”") % {"title": row.title}
    if model is Indicator:
        return _("Indicator “%(title)s”") % {"title": row.title}
    if model is IndicatorPeriod:
        indicator = row.indicator.title if row.indicator else row.indicator_id
        return _("Period %(starts)s – %(ends)s of “%(indicator)s”") % {
            "starts": date_format(row.starts_on, "DATE_FORMAT"),
            "ends": date_format(row.ends_on, "DATE_FORMAT"),
            "indicator": indicator,
        }
    return _("Status report of %(date)s (%(rag)s)") % {
        "date": date_format(row.reported_on, "DATE_FORMAT"),
        "rag": row.get_rag_display(),
    }


def _agreement_of(row) -> int | None:
    if row.instance_type is Agreement:
        return row.id
    if row.instance_type is Disbursement:
        return row.commitment.agreement_id if row.commitment else None
    if row.instance_type is IndicatorPeriod:
        return row.indicator.agreement_id if row.indicator else None
    return row.agreement_id
