"""`Idempotency-Key` on POST: a retry gets the first response back instead of a second write.

The key is claimed (a row under a unique constraint) before the write runs, so concurrent retries
cannot both write; the response is stored when the write succeeded. A failed request releases
its key, so the client can retry it with the same key once the cause is fixed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import serializers, status
from rest_framework.response import Response

from projects.api.models import IDEMPOTENCY_WINDOW, ApiToken, IdempotencyKey
from projects.api.problems import IdempotencyKeyInFlight, IdempotencyKeyReused

REPLAYED_HEADERS = ("ETag",)
# Printable ASCII without surrounding spaces (HTTP would trim them), 1 to 255 characters.
KEY_PATTERN = r"^[!-~]([ -~]{0,253}[!-~])?$"


def fingerprint(request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def claim(token: ApiToken, key: str, request_fingerprint: str) -> IdempotencyKey | None:
    """Claim the key for this request; return the stored first response if it has one."""
    # Expired keys of this token go now: the table holds at most a day of each token's keys.
    IdempotencyKey.objects.filter(token=token, created_at__lte=timezone.now() - IDEMPOTENCY_WINDOW).delete()
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(token=token, key=key, fingerprint=request_fingerprint)
            return None
    except IntegrityError:
        previous = IdempotencyKey.objects.filter(token=token, key=key).first()
    if previous is None:  # released by a failed first attempt a moment ago
        raise IdempotencyKeyInFlight()
    if previous.fingerprint != request_fingerprint:
        raise IdempotencyKeyReused()
    if previous.response_status is None:
        raise IdempotencyKeyInFlight()
    return previous


def purge_expired() -> int:
    """Forget every token's keys past their window, idle tokens' included; return how many went."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lte=timezone.now() - IDEMPOTENCY_WINDOW).delete()
    return deleted


def idempotent(post):
    """Wrap an API view's `post` so an `Idempotency-Key` (per token) makes retries safe."""

    @functools.wraps(post)
    def handle(view, request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        token = request.auth
        if key is None or not isinstance(token, ApiToken):
            return post(view, request, *args, **kwargs)
        if re.fullmatch(KEY_PATTERN, key) is None:
            raise serializers.ValidationError(
                {
                    "Idempotency-Key": [
                        "Use a key of 1 to 255 printable ASCII characters, not starting or ending with a space."
                    ]
                }
            )
        stored = claim(token, key, fingerprint(request))
        if stored is not None:
            response = Response(stored.response_body, status=stored.response_status, headers=stored.response_headers)
            response["Idempotent-Replayed"] = "true"
            return response
        claimed = IdempotencyKey.objects.filter(token=token, key=key)
        response = None
        try:
            response = post(view, request, *args, **kwargs)
            return response
        finally:
            # Only a success is stored for replay; anything else (a refusal, an error) releases the key.
            if response is not None and status.is_success(response.status_code):
                claimed.update(
                    response_status=response.status_code,
                    response_body=response.data,
                    response_headers={name: response[name] for name in REPLAYED_HEADERS if response.has_header(name)},
                )
            else:
                claimed.delete()

    return handle
