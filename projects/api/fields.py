"""Input fields that accept exactly what the OpenAPI schema says, no more and no less.

DRF's own fields are forgiving (numbers as strings, `12.0` as an integer, trimmed whitespace,
`date.fromisoformat`'s other spellings); a client generated from the schema, or a tool checking
it, must find the server refusing exactly what the schema forbids. Patterns are written with
`\\A…\\Z` so Python matches the whole value, and drf-spectacular prints them as ECMA `^…$`.
"""

from __future__ import annotations

import re

from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

MAX_ID = 2**63 - 1
# Python's str.strip() whitespace, spelled out so that Python and ECMA patterns agree on it.
WHITESPACE = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK = rf"\A[^\x00]*[^\x00{WHITESPACE}][^\x00]*\Z"
ANY_TEXT = r"\A[^\x00]*\Z"
MONEY = r"\A[0-9]{1,16}(\.[0-9]{1,2})?\Z"
POSITIVE_MONEY = r"\A(?!0+(\.0+)?\Z)[0-9]{1,16}(\.[0-9]{1,2})?\Z"
DATE = r"^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}$"
WHOLE_DATE = re.compile(DATE)
USERNAME = r"\A[A-Za-z0-9_.@+-]{1,150}\Z"


class Text(serializers.CharField):
    """A JSON string, taken as sent: never a number turned into text, never trimmed (the schema's
    lengths count what the client sent)."""

    def __init__(self, **options):
        super().__init__(trim_whitespace=False, **options)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def text(*, max_length: int, blank: bool = False, **options) -> Text:
    """Free text without null characters; unless `blank`, not empty and not only spaces."""
    pattern = ANY_TEXT if blank else NOT_BLANK
    message = "Enter text without null characters." if blank else "Enter some text, not only spaces."
    return Text(
        max_length=max_length,
        allow_blank=blank,
        validators=[RegexValidator(pattern, message)],
        **options,
    )


def matching(pattern: str, message: str, *, max_length: int, **options) -> Text:
    return Text(max_length=max_length, validators=[RegexValidator(pattern, message)], **options)


def slug(**options) -> Text:
    return matching(r"\A[-a-zA-Z0-9_]+\Z", "Use letters, digits, hyphens and underscores.", max_length=80, **options)


def currency(**options) -> Text:
    return matching(
        r"\A[A-Z]{3}\Z",
        "Use an ISO 4217 code, e.g. EUR.",
        max_length=3,
        help_text="ISO 4217 code, e.g. EUR.",
        **options,
    )


def username(**options) -> Text:
    """A programme manager's username; one that names no programme manager is 404, as other references."""
    return matching(USERNAME, "Give a username.", max_length=150, **options)


class WholeNumber(serializers.IntegerField):
    """A JSON integer: not a string of digits, not a boolean."""

    def to_internal_value(self, data):
        if (
            isinstance(data, bool)
            or not isinstance(data, int | float)
            or (isinstance(data, float) and not data.is_integer())
        ):
            self.fail("invalid")
        return super().to_internal_value(int(data))


def record_id(**options) -> WholeNumber:
    return WholeNumber(min_value=1, max_value=MAX_ID, **options)


def quantity(**options) -> WholeNumber:
    return WholeNumber(min_value=0, max_value=MAX_ID, **options)


class _Money(serializers.DecimalField):
    """Money as a decimal string with up to two places; a JSON number (a float) is refused."""

    pattern = MONEY

    def __init__(self, **options):
        super().__init__(max_digits=18, decimal_places=2, **options)
        self.validators.append(RegexValidator(self.pattern, 'Send money as a string such as "1250.00".'))

    def to_internal_value(self, data):
        if not isinstance(data, str) or self.validators[-1].regex.fullmatch(data) is None:
            self.fail("invalid")
        return super().to_internal_value(data)


def ecma(pattern: str) -> str:
    return pattern.replace(r"\A", "^").replace(r"\Z", "$")


@extend_schema_field({"type": "string", "format": "decimal", "pattern": ecma(MONEY)})
class Money(_Money):
    pass


@extend_schema_field({"type": "string", "format": "decimal", "pattern": ecma(POSITIVE_MONEY)})
class PositiveMoney(_Money):
    pattern = POSITIVE_MONEY


@extend_schema_field({"type": "string", "format": "date", "pattern": DATE})
class Day(serializers.DateField):
    """A calendar date written YYYY-MM-DD, and nothing else `date.fromisoformat` would read."""

    def to_internal_value(self, value):
        if not isinstance(value, str) or WHOLE_DATE.fullmatch(value) is None:
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)
