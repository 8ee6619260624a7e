"""Keyset pagination: a page starts after the last row of the previous one, so every page costs the same.

Each list is ordered by a unique key (its natural order ending in `id`, or `(updated_at, id)` when
the request syncs with `updated_after`). A cursor holds the key of the row a page starts after
(or before, going back), so rows written while a client pages are neither skipped nor repeated,
and no page counts the list. `page=N` still works for older clients, read by offset; it is never
the default and counts nothing either.

A sync never pages past a row that an unfinished transaction may still commit: its `updated_at` was
taken inside that transaction, so it can be older than rows already committed and sent. On
PostgreSQL the sync order stops at the *horizon*, the start of the oldest transaction of another
client still running (or now), so a client that resumes from the last `updated_at` it received
misses nothing. The app servers' clocks must agree with the database's (NTP), as for any timestamp.
"""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db import connection, models
from django.db.models import F, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
MAX_PAGE_NUMBER = 1_000_000
WHOLE_NUMBER = re.compile(r"[0-9]+")


def refuse(parameter: str, message: str) -> serializers.ValidationError:
    return serializers.ValidationError({parameter: [message]})


def positive_int(request, parameter: str, maximum: int | None = None) -> int | None:
    raw = request.query_params.get(parameter)
    if raw is None:
        return None
    if not WHOLE_NUMBER.fullmatch(raw) or not raw.strip("0"):
        raise refuse(parameter, "Give a whole number of 1 or more.")
    value = int(raw) if len(raw.lstrip("0")) < 20 else MAX_ID  # past any page; int() refuses very long text
    if maximum is not None and value > maximum:
        raise refuse(parameter, f"Give a whole number up to {maximum}.")
    return value


@dataclass(frozen=True)
class Order:
    """A unique ordering: field paths, all ascending or all descending (`-`)."""

    keys: tuple[str, ...]

    @property
    def descending(self) -> bool:
        return self.keys[0].startswith("-")

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(key.lstrip("-") for key in self.keys)

    def after(self, queryset: QuerySet, position: list, *, backwards: bool = False) -> QuerySet:
        """Rows past `position` in this order (or before it, going back), nearest first."""
        lhs = Tuple(*(F(path) for path in self.paths))
        later = TupleLessThan if self.descending != backwards else TupleGreaterThan
        keys = self.keys if not backwards else tuple(flip(key) for key in self.keys)
        return queryset.filter(later(lhs, tuple(position))).order_by(*keys)

    def position(self, row: dict) -> list:
        return [row[path] for path in self.paths]


HORIZON = """(
    SELECT LEAST(clock_timestamp(), min(xact_start)) FROM pg_stat_activity
    WHERE datname = current_database() AND backend_type = 'client backend'
      AND pid <> pg_backend_pid() AND state <> 'idle'
)"""


def settled(queryset: QuerySet) -> QuerySet:
    """The rows no running transaction can still precede (see the module's docstring); one subquery."""
    if connection.vendor != "postgresql":  # SQLite has one writer at a time
        return queryset
    horizon = RawSQL(HORIZON, [], output_field=models.DateTimeField())  # noqa: S611 - constant text, no input
    return queryset.filter(updated_at__lt=horizon)


SYNC = Order(("updated_at", "id"))


def flip(key: str) -> str:
    return key[1:] if key.startswith("-") else f"-{key}"


def resolve_field(model, path: str):
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


MAX_ID = 2**63 - 1
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
LAST_MICROSECOND = (datetime.max.replace(tzinfo=UTC) - EPOCH) // timedelta(microseconds=1)


@dataclass(frozen=True)
class Segment:
    """How one key value is written in a cursor: a regular grammar, so the schema's pattern says
    exactly which cursors the server reads (any value it names is a position, even one no row has)."""

    pattern: str
    write: Callable
    read: Callable


def _text(value: str) -> str:
    return base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")


def _read_text(segment: str) -> str:
    raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    return raw.decode("utf-8", "replace").replace("\x00", "")


def _read_moment(segment: str) -> datetime:
    return EPOCH + timedelta(microseconds=min(int(segment), LAST_MICROSECOND))


def _read_day(segment: str) -> date:
    return date.fromordinal(min(max(int(segment), 1), date.max.toordinal()))


TEXT = Segment(r"(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?", _text, _read_text)
NUMBER = Segment("[0-9]{1,19}", str, lambda segment: min(int(segment), MAX_ID))
MOMENT = Segment("[0-9]{1,18}", lambda value: str((value - EPOCH) // timedelta(microseconds=1)), _read_moment)
DAY = Segment("[0-9]{1,7}", lambda value: str(value.toordinal()), _read_day)


def segment_for(field) -> Segment:
    if isinstance(field, models.DateTimeField):
        return MOMENT
    if isinstance(field, models.DateField):
        return DAY
    if isinstance(field, models.CharField):
        return TEXT
    return NUMBER


@dataclass(frozen=True)
class Cursors:
    """The cursors of one list: `n`/`p` (after or before a row), `o`/`s` (the list's order or the sync
    order), then one dot-separated segment per key of that order."""

    model: type
    orders: dict[str, Order]

    @functools.cached_property
    def segments(self) -> dict[str, list[Segment]]:
        return {
            letter: [segment_for(resolve_field(self.model, path)) for path in order.paths]
            for letter, order in self.orders.items()
        }

    @functools.cached_property
    def pattern(self) -> str:
        alternatives = "|".join(
            letter + "".join(rf"\.{segment.pattern}" for segment in segments)
            for letter, segments in self.segments.items()
        )
        return f"^[np](?:{alternatives})$"

    def encode(self, order: Order, position: list, *, backwards: bool) -> str:
        letter = next(letter for letter, known in self.orders.items() if known == order)
        written = [segment.write(value) for segment, value in zip(self.segments[letter], position, strict=True)]
        return ".".join(["pn"[not backwards] + letter, *written])

    def decode(self, cursor: str) -> tuple[Order, list, bool]:
        """The order, position and direction a cursor names; 400 for text that is not a cursor."""
        if re.fullmatch(self.pattern, cursor) is None:
            raise refuse("cursor", "This is not a cursor: take it from a list's next or previous link.")
        head, *values = cursor.split(".")
        segments = self.segments[head[1]]
        position = [segment.read(value) for segment, value in zip(segments, values, strict=True)]
        return self.orders[head[1]], position, head[0] == "p"


@functools.cache
def cursors_for(model, ordering: tuple[str, ...]) -> Cursors:
    return Cursors(model, {"o": Order(ordering), "s": SYNC})


class KeysetPages(BasePagination):
    """`cursor` (from `next`/`previous`) and `page_size` (1 to 100, default 50); `page=N` for older clients."""

    def page_size(self, request) -> int:
        size = positive_int(request, "page_size")
        return DEFAULT_PAGE_SIZE if size is None else min(size, MAX_PAGE_SIZE)

    def paginate_rows(self, queryset: QuerySet, request, view, columns) -> list[dict]:
        """The rows of the requested page as `values()` dicts, the order's keys among them.

        The order is the sync order when the request filters on `updated_after`; a cursor names
        its own order, so following a link keeps the order the first page had.
        """
        self.request, self.size = request, self.page_size(request)
        self.cursors = cursors_for(queryset.model, view.ordering)
        self.order = self.cursors.orders["s" if "updated_after" in request.query_params else "o"]
        cursor, page = request.query_params.get("cursor"), positive_int(request, "page", MAX_PAGE_NUMBER)
        self.links = {"next": None, "previous": None}
        if cursor is not None:
            self.order, position, backwards = self.cursors.decode(cursor)
        fields = dict.fromkeys((*columns, *self.order.paths))
        if self.order == SYNC:
            queryset = settled(queryset)
        if cursor is None and page is not None:  # a cursor, where both are sent, says more precisely where
            return self.by_page_number(queryset.order_by(*self.order.keys).values(*fields), page)
        if cursor is None:
            return self.forwards(queryset.order_by(*self.order.keys).values(*fields), start=None)
        window = self.order.after(queryset, position, backwards=backwards).values(*fields)
        return self.backwards(window, position) if backwards else self.forwards(window, start=position)

    def forwards(self, window: QuerySet, start: list | None) -> list[dict]:
        rows = list(window[: self.size + 1])
        rows, more = rows[: self.size], len(rows) > self.size
        if more:
            self.links["next"] = self.link(self.order.position(rows[-1]), backwards=False)
        if start is not None:
            self.links["previous"] = self.link(self.order.position(rows[0]) if rows else start, backwards=True)
        return rows

    def backwards(self, window: QuerySet, end: list) -> list[dict]:
        rows = list(window[: self.size + 1])
        rows, more = rows[: self.size][::-1], len(rows) > self.size
        self.links["next"] = self.link(self.order.position(rows[-1]) if rows else end, backwards=False)
        if more:
            self.links["previous"] = self.link(self.order.position(rows[0]), backwards=True)
        return rows

    def by_page_number(self, ordered: QuerySet, page: int) -> list[dict]:
        offset = (page - 1) * self.size
        rows = list(ordered[offset : offset + self.size + 1])
        if page > 1 and not rows:
            raise NotFound("Invalid page.")
        url = self.request.build_absolute_uri()
        if len(rows) > self.size:
            self.links["next"] = replace_query_param(url, "page", page + 1)
        if page > 1:
            self.links["previous"] = replace_query_param(url, "page", page - 1)
        return rows[: self.size]

    def paginate_queryset(self, entries, request, view=None) -> list:
        """A list built in memory (an agreement's history, bounded by the agreement), read by page number."""
        self.request, self.size = request, self.page_size(request)
        self.links = {"next": None, "previous": None}
        return self.by_page_number(entries, positive_int(request, "page", MAX_PAGE_NUMBER) or 1)

    def link(self, position: list, *, backwards: bool) -> str:
        url = remove_query_param(self.request.build_absolute_uri(), "page")
        return replace_query_param(url, "cursor", self.cursors.encode(self.order, position, backwards=backwards))

    def get_paginated_response(self, data) -> Response:
        return Response({**self.links, "results": data})

    def get_paginated_response_schema(self, schema: dict) -> dict:
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {**link, "description": "The following page, or null on the last page."},
                "previous": {**link, "description": "The page before, or null on the first page."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        by_position = []
        if getattr(view, "ordering", None):
            pattern = cursors_for(view.serializer_class.Meta.model, view.ordering).pattern
            by_position = [
                {
                    "name": "cursor",
                    "in": "query",
                    "required": False,
                    "description": "Where the page starts: take it from `next` or `previous`. A page starts "
                    "after (or before) the key it names, so rows written meanwhile are neither skipped nor "
                    "repeated; every page costs the same.",
                    "schema": {"type": "string", "pattern": pattern},
                }
            ]
        return [
            *by_position,
            {
                "name": "page_size",
                "in": "query",
                "required": False,
                "description": f"Rows per page, default {DEFAULT_PAGE_SIZE}; more than {MAX_PAGE_SIZE} gives "
                f"{MAX_PAGE_SIZE}.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": "page",
                "in": "query",
                "required": False,
                "description": "Page number, for older clients (read by offset: deep pages cost more, and "
                "rows written meanwhile can shift between pages). Use `cursor` instead.",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_NUMBER},
                "deprecated": True,
            },
        ]
