"""Per-token request limits (API_THROTTLE_RATE, default 600/minute); over it: 429 with Retry-After."""

from django.conf import settings
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from projects.api.models import ApiToken
from projects.client_address import client_address


class TokenRateThrottle(SimpleRateThrottle):
    """One budget per token (per user for sessions, per address without credentials)."""

    scope = "api"

    def get_rate(self):
        # Read at request time, not import time, so a changed setting applies at once.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"addr-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def get_ident(self, request):
        """X-Forwarded-For only from TRUSTED_PROXIES: anyone else could name a fresh address each time."""
        return client_address(request)


class InvalidTokenThrottle(SimpleRateThrottle):
    """Invalid bearer tokens per client address (API_INVALID_TOKEN_RATE); a valid token is never refused."""

    scope = "invalid-token"

    def get_rate(self):
        return settings.API_INVALID_TOKEN_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}
