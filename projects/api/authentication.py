"""`Authorization: Bearer <token>`, and who the request acts as (the actor the services record)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import NoReturn

from django.utils import timezone
from rest_framework import authentication, exceptions

from projects.api.models import ApiToken, TokenScope
from projects.api.throttling import InvalidTokenThrottle
from projects.api.tokens import hash_token

# last_used_at is refreshed at most this often, so reads do not write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class PartnerPrincipal:
    """`request.user` for a partner organisation's token: authenticated, but not a person."""

    organization: object
    is_authenticated: bool = True
    is_anonymous: bool = False
    is_staff: bool = False
    is_active: bool = True
    pk: None = None

    def get_username(self) -> str:
        return str(self.organization)

    def __str__(self) -> str:
        return self.get_username()


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """Unknown, expired and revoked tokens all get 401, each with its own clear reason."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the header as `Authorization: Bearer <token>`.")
        try:
            raw = header[1].decode()
        except UnicodeDecodeError:
            refuse(request, "The token is not valid.")
        token = ApiToken.objects.select_related("organization", "user").filter(key_hash=hash_token(raw)).first()
        if token is None:
            refuse(request, "The token is not valid.")
        now = timezone.now()
        if token.revoked_at is not None:
            refuse(request, "This token has been revoked.")
        if token.expires_at is not None and token.expires_at <= now:
            refuse(request, "This token has expired.")
        if token.user is not None and not token.user.is_active:
            refuse(request, "The account of this token is disabled.")
        if token.last_used_at is None or token.last_used_at < now - LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return (token.user or PartnerPrincipal(token.organization)), token

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


def refuse(request, reason: str) -> NoReturn:
    """401 with the reason, or 429 once this client address has sent too many invalid tokens."""
    throttle = InvalidTokenThrottle()
    if not throttle.allow_request(request, None):
        raise exceptions.Throttled(wait=throttle.wait())
    raise exceptions.AuthenticationFailed(reason)


def may_write(request) -> bool:
    """A session user's writes are limited by the services; a token's also by its scope."""
    token = request.auth
    return not isinstance(token, ApiToken) or token.scope == TokenScope.WRITE
