"""Running a file's rows through an import resource, and what the page shows of the result.

The preview runs every row through the services in a transaction that is rolled back, so it lists exactly
the errors the import would meet; the import runs them again, all or nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext as _
from import_export.results import RowResult

from projects.actors import Actor
from projects.services.service import batch
from projects.web.resources import IMPORTS
from projects.web.spreadsheets import Sheet, UnreadableFile

# A preview of a large file shows every row with an error first, up to this many rows.
PREVIEW_ROWS = 200
OUTCOMES = {
    RowResult.IMPORT_TYPE_NEW: "new",
    RowResult.IMPORT_TYPE_UPDATE: "update",
    RowResult.IMPORT_TYPE_SKIP: "unchanged",
}


@dataclass
class PreviewRow:
    number: int
    values: list
    outcome: str
    errors: list[str] = field(default_factory=list)
    error_columns: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    """What a preview or an import found: counts of every row, and the rows worth showing."""

    headers: list[str]
    rows: list[PreviewRow]
    total: int
    counts: dict[str, int]
    base_errors: list[str]
    failed: bool

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Outcome:
        return cls(**{**data, "rows": [PreviewRow(**row) for row in data["rows"]]})

    def table(self) -> list[tuple[PreviewRow, list[tuple[str, bool]]]]:
        """Each shown row with its cells, each cell marked if its column has an error."""
        return [
            (
                row,
                [(value, column in row.error_columns) for column, value in zip(self.headers, row.values, strict=True)],
            )
            for row in self.rows
        ]


def check_columns(kind: str, sheet: Sheet) -> None:
    """The columns every row needs must be there; a file with none of the import's columns is another file."""
    resource = IMPORTS[kind]
    columns = resource.columns()
    missing = [column for column in resource.required_columns if column not in sheet.headers]
    if missing or not set(columns) & set(sheet.headers):
        absent = missing or columns
        raise UnreadableFile(
            _(
                "The first row must name the columns, and this file has no column “%(column)s”. The columns this "
                "import reads are: %(columns)s (download the template below)."
            )
            % {"column": absent[0], "columns": ", ".join(columns)}
        )


def run_import(
    kind: str,
    sheet: Sheet,
    actor: Actor,
    *,
    dry_run: bool,
    progress: Callable[[int], None] | None = None,
    then: Callable[[Outcome], object] | None = None,
) -> Outcome:
    """Every row through its service, all in one batch: a file goes in whole or not at all.

    `then` is given the outcome of a real run in which no row failed, inside the batch's transaction, so what
    it writes commits with the rows or not at all.
    """
    resource = IMPORTS[kind](actor=actor, progress=progress)
    with batch():
        result = resource.import_data(
            sheet.dataset(),
            dry_run=dry_run,
            use_transactions=True,
            rollback_on_validation_errors=True,
            decimal_comma=sheet.decimal_comma,
        )
        outcome = outcome_of(sheet, result)
        if then is not None and not dry_run and not outcome.failed:
            then(outcome)
    return outcome


def outcome_of(sheet: Sheet, result) -> Outcome:
    rows = [
        preview_row(number, values, row_result)
        for number, values, row_result in zip(sheet.numbers, sheet.rows, result.rows, strict=False)
    ]
    base_errors = [str(error.error) for error in result.base_errors]
    return Outcome(
        headers=sheet.headers,
        rows=shown(rows),
        total=len(rows),
        counts=dict(Counter(row.outcome for row in rows)),
        base_errors=base_errors,
        failed=bool(base_errors) or any(row.errors for row in rows),
    )


def preview_row(number: int, values: list, row_result) -> PreviewRow:
    errors, columns = [], []
    if row_result.validation_error is not None:
        for name, messages in row_result.validation_error.message_dict.items():
            if name != NON_FIELD_ERRORS:
                columns.append(name)
            errors += [message if name == NON_FIELD_ERRORS else f"{name}: {message}" for message in messages]
    errors += [str(error.error) for error in row_result.errors]
    outcome = "error" if errors else OUTCOMES.get(row_result.import_type, "error")
    return PreviewRow(number, [display(value) for value in values], outcome, errors, columns)


def display(value) -> str:
    return "" if value is None else str(value)


def shown(rows: list[PreviewRow]) -> list[PreviewRow]:
    """All rows of a small file; of a large one, the rows with errors first, then the first rows, in file order."""
    if len(rows) <= PREVIEW_ROWS:
        return rows
    chosen = [row for row in rows if row.errors][:PREVIEW_ROWS]
    chosen += [row for row in rows if not row.errors][: PREVIEW_ROWS - len(chosen)]
    return sorted(chosen, key=lambda row: row.number)
