"""Issuing, recognising and revoking API tokens.

Tokens are 256 random bits, so one SHA-256 pass is enough to make the stored hash useless to a thief
(slow password hashes are for guessable secrets); the hash is also the lookup key.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from projects.actors import Actor
from projects.api.models import ApiToken, TokenScope
from projects.errors import DomainError, ErrorCode
from projects.services.service import require_staff, save_validated, service

TOKEN_PREFIX = "cpt_"  # noqa: S105 (a marker that makes leaked tokens easy to scan for, not a secret)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@service
def issue_token(
    *,
    actor: Actor,
    scope: str,
    organization=None,
    user=None,
    expires_at: datetime | None = None,
    name: str = "",
) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is shown this once and never stored."""
    require_staff(actor, "issue API tokens")
    if user is not None and not user.is_staff:
        raise DomainError(
            ErrorCode.INVALID, _("Personal tokens are for programme managers (staff users)."), field="user"
        )
    if scope not in TokenScope.values:
        raise DomainError(
            ErrorCode.INVALID, _("Unknown scope %(scope)r; use read or write.") % {"scope": scope}, field="scope"
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError(ErrorCode.INVALID, _("The expiry must be in the future."), field="expires_at")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name,
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        key_hash=hash_token(raw),
        organization=organization,
        user=user,
        scope=scope,
        expires_at=expires_at,
    )
    save_validated(token)
    return token, raw


@service
def revoke_token(*, actor: Actor, token_id: int) -> ApiToken:
    require_staff(actor, "revoke API tokens")
    token = ApiToken.objects.select_for_update().get(pk=token_id)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
