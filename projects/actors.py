"""Who performs a write: a staff user, a partner organisation (through its API token), or the system."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from projects.models import Organization


@dataclass(frozen=True)
class Actor:
    """The author recorded in history; partners act as their organisation, people as themselves."""

    user: AbstractBaseUser | None = None
    organization: Organization | None = None

    @classmethod
    def system(cls) -> Actor:
        return cls()

    @property
    def is_internal(self) -> bool:
        """People signed in to an account work for the programme office and may read the whole portfolio.

        A request's anonymous user is no one: it reads nothing, whichever view builds its actor.
        """
        return self.user is not None and self.user.is_authenticated and self.user.is_active

    @property
    def is_staff(self) -> bool:
        """Programme managers (staff users) and the system may change anything."""
        if self.user is not None:
            return bool(self.user.is_staff)
        return self.organization is None

    @property
    def is_partner(self) -> bool:
        return self.user is None and self.organization is not None

    def __str__(self) -> str:
        if self.user is not None:
            return self.user.get_username()
        if self.organization is not None:
            return self.organization.name
        return "system"


def actor_of(request) -> Actor:
    """Who a request acts as, for the admin, the API and the pages alike.

    An API token acts as its organisation or its user; anything else (a session) as the signed-in user.
    Read duck-typed, so the domain stays free of HTTP: `request.auth` is the API's token, if any.
    """
    token = getattr(request, "auth", None)
    if token is not None:
        return Actor(organization=token.organization) if token.organization_id else Actor(user=token.user)
    return Actor(user=request.user)
