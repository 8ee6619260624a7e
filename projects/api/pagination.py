"""Keyset pagination: a page starts after the last row of the previous one, so every page costs the same.

Each list is ordered by a unique key (its natural order ending in `id`, or `(updated_at, id)` when
the request syncs with `updated_after`). A cursor holds the key of the row a page starts after
(or before, going back), so rows written while a client pages are neither skipped nor repeated,
and no page counts the list. `page=N` still works for older clients, read by offset; it is never
the default and counts nothing either.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import F, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.utils import timezone
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

SYNC_ORDER = ("updated_at", "id")
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
MAX_PAGE_NUMBER = 1_000_000
WHOLE_NUMBER = re.compile(r"[0-9]{1,30}")


def refuse(parameter: str, message: str) -> serializers.ValidationError:
    return serializers.ValidationError({parameter: [message]})


def positive_int(request, parameter: str, maximum: int | None = None) -> int | None:
    raw = request.query_params.get(parameter)
    if raw is None:
        return None
    if not WHOLE_NUMBER.fullmatch(raw) or int(raw) < 1:
        raise refuse(parameter, "Give a whole number of 1 or more.")
    if maximum is not None and int(raw) > maximum:
        raise refuse(parameter, f"Give a whole number up to {maximum}.")
    return int(raw)


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

    @property
    def name(self) -> str:
        return ",".join(self.keys)

    def after(self, queryset: QuerySet, position: list, *, backwards: bool = False) -> QuerySet:
        """Rows past `position` in this order (or before it, going back), nearest first."""
        lhs = Tuple(*(F(path) for path in self.paths))
        later = TupleLessThan if self.descending != backwards else TupleGreaterThan
        keys = self.keys if not backwards else tuple(flip(key) for key in self.keys)
        return queryset.filter(later(lhs, tuple(position))).order_by(*keys)

    def position(self, row: dict) -> list:
        return [row[path] for path in self.paths]

    def parse(self, model, values) -> list:
        """Turn a cursor's JSON values back into the key's types; anything else is a malformed cursor."""
        if not isinstance(values, list) or len(values) != len(self.paths):
            raise ValueError("wrong length")
        parsed = []
        for path, value in zip(self.paths, values, strict=True):
            field = resolve_field(model, path)
            if isinstance(value, bool) or not isinstance(value, str | int):
                raise ValueError("not a key value")
            typed = field.to_python(value)
            if isinstance(typed, datetime) and timezone.is_naive(typed):
                raise ValueError("a time without its offset")
            parsed.append(typed)
        return parsed


def flip(key: str) -> str:
    return key[1:] if key.startswith("-") else f"-{key}"


def resolve_field(model, path: str):
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


def encode(order: Order, position: list, *, backwards: bool) -> str:
    values = [value.isoformat() if isinstance(value, date | datetime) else value for value in position]
    document = {"o": order.name, "k": values, "b": backwards}
    return base64.urlsafe_b64encode(json.dumps(document, separators=(",", ":")).encode()).decode().rstrip("=")


def decode(order: Order, model, cursor: str) -> tuple[list, bool]:
    """The position and direction a cursor names; 400 for one this list did not issue."""
    try:
        document = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(document, dict) or document.get("o") != order.name:
            raise ValueError("another order")
        backwards = document.get("b")
        if not isinstance(backwards, bool):
            raise ValueError("no direction")
        return order.parse(model, document.get("k")), backwards
    except (ValueError, TypeError, UnicodeDecodeError, binascii.Error, ValidationError, FieldDoesNotExist):
        raise refuse(
            "cursor", "This cursor is not one this list gave out (or it was for other filters); start again."
        ) from None


class KeysetPages(BasePagination):
    """`cursor` (from `next`/`previous`) and `page_size` (1 to 100, default 50); `page=N` for older clients."""

    def page_size(self, request) -> int:
        size = positive_int(request, "page_size")
        return DEFAULT_PAGE_SIZE if size is None else min(size, MAX_PAGE_SIZE)

    def order_for(self, request, view) -> Order:
        return Order(SYNC_ORDER if "updated_after" in request.query_params else view.ordering)

    def paginate_rows(self, queryset: QuerySet, request, view, columns) -> list[dict]:
        """The rows of the requested page as `values()` dicts, the order's keys among them."""
        self.request, self.order, self.size = request, self.order_for(request, view), self.page_size(request)
        cursor, page = request.query_params.get("cursor"), positive_int(request, "page", MAX_PAGE_NUMBER)
        if cursor is not None and page is not None:
            raise refuse("cursor", "Send either cursor or page, not both.")
        self.links = {"next": None, "previous": None}
        fields = dict.fromkeys((*columns, *self.order.paths))
        if page is not None:
            return self.by_page_number(queryset.order_by(*self.order.keys).values(*fields), page)
        if cursor is None:
            return self.forwards(queryset.order_by(*self.order.keys).values(*fields), start=None)
        position, backwards = decode(self.order, queryset.model, cursor)
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
        return replace_query_param(url, "cursor", encode(self.order, position, backwards=backwards))

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
        return [
            {
                "name": "cursor",
                "in": "query",
                "required": False,
                "description": "Where the page starts: take it from `next` or `previous`, never build it.",
                "schema": {"type": "string", "pattern": r"^[A-Za-z0-9_-]+$"},
            },
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
