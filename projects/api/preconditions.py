"""Optimistic concurrency over HTTP: `ETag` is a record's version, `If-Match` the version a write expects.

A stale tag is refused before the write (412); two clients racing with the same fresh tag are
settled by the service, which compares the version under a row lock: one wins, the other gets 412.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from django.db import models
from rest_framework import serializers

from projects.api.problems import PreconditionFailed
from projects.errors import DomainError, ErrorCode

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# `*` or entity tags separated by commas, in printable ASCII (RFC 9110); a tag other than the record's
# current ETag (a stale, weak or unquoted one) is a failed precondition (412), an empty header a bad request.
IF_MATCH_PATTERN = r"^[!-~]([ -~]*[!-~])?$"

MICROSECOND = timedelta(microseconds=1)


def etag_for(instance: models.Model) -> str:
    """A strong tag from `updated_at`, exact to the microsecond so it can be turned back into it."""
    return f'"{(instance.updated_at - EPOCH) // MICROSECOND}"'


def with_etag(response, instance: models.Model):
    response["ETag"] = etag_for(instance)
    return response


def expected_version(request, instance: models.Model) -> datetime | None:
    """The `updated_at` the client's If-Match names, or None when it sent none (or `*`)."""
    header = request.headers.get("If-Match")
    if header is None:
        return None
    if re.fullmatch(IF_MATCH_PATTERN, header) is None:
        raise serializers.ValidationError({"If-Match": ['Send the ETag you read, e.g. "1795622154394616", or *.']})
    if header == "*":
        return None
    tags = {tag.strip() for tag in header.split(",")}
    if etag_for(instance) not in tags:
        raise PreconditionFailed()
    return instance.updated_at


@contextmanager
def precondition(request, instance: models.Model) -> Iterator[datetime | None]:
    """Yield the expected version for the service; its stale-version conflict becomes 412."""
    expected = expected_version(request, instance)
    try:
        yield expected
    except DomainError as error:
        if expected is not None and error.code == ErrorCode.CONFLICT:
            unchanged = type(instance).objects.filter(pk=instance.pk, updated_at=expected).exists()
            if not unchanged:
                raise PreconditionFailed() from error
        raise
