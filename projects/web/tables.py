"""Tables that a page shows and offers as CSV from the same rows: one definition of columns for both."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse

from projects.selectors.money import CENT, EXACT
from projects.web.sheet_files import sheet_response

TEXT, MONEY, PERCENT, NUMBER, DAY = "text", "money", "percent", "number", "day"


@dataclass(frozen=True)
class Column:
    """A column: `key` names it in the CSV and in `?sort=`; `shown=False` columns are in the CSV only."""

    key: str
    label: str
    kind: str = TEXT
    shown: bool = True

    @property
    def numeric(self) -> bool:
        return self.kind in (MONEY, PERCENT, NUMBER)


@dataclass
class Table:
    """Rows of raw values by column key; a row's `_href` links its first cell. `total`: the footer row."""

    caption: str
    columns: Sequence[Column]
    rows: list[dict]
    total: dict | None = None
    csv_url: str = ""
    sort: str = ""
    sort_query: str = ""
    sortable: bool = False
    empty: str = ""
    name: str = field(default="table")

    @property
    def shown(self) -> list[Column]:
        return [column for column in self.columns if column.shown]

    def sorted_by(self, sort: str) -> Table:
        """Rows in the order of `sort` (a column key, `-` first for descending); empty values go last."""
        key = sort.removeprefix("-")
        if not self.sortable or key not in {column.key for column in self.shown}:
            return self
        present = [row for row in self.rows if row.get(key) is not None]
        absent = [row for row in self.rows if row.get(key) is None]
        present.sort(key=lambda row: _sortable(row[key]), reverse=sort.startswith("-"))
        self.rows, self.sort = present + absent, sort
        return self

    def csv(self, filename: str) -> HttpResponse:
        rows = [*self.rows, *([self.total] if self.total else [])]
        return sheet_response(
            filename,
            "csv",
            [column.key for column in self.columns],
            [[_csv(row.get(column.key), column.kind) for column in self.columns] for row in rows],
        )


def _sortable(value):
    return value.casefold() if isinstance(value, str) else value


def _csv(value, kind: str):
    """Money to the cent; shares and everything else as they are."""
    if kind == MONEY and isinstance(value, Decimal):
        return value.quantize(CENT, context=EXACT)
    return value
