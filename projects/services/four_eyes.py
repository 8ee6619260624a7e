"""The four-eyes gate on money writes: with `FOUR_EYES_MONEY` on, they run only to apply an approved request.

The money services call `require_approval` first, so a path that forgot to propose a change request
is refused instead of changing money. The system actor (the demo loader, migrations) is not gated.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.utils.translation import gettext as _

from projects.actors import Actor
from projects.errors import DomainError, ErrorCode

_applying: ContextVar[bool] = ContextVar("applying_change_request", default=False)


def four_eyes_on() -> bool:
    return bool(settings.FOUR_EYES_MONEY)


@contextmanager
def applying_change_request() -> Iterator[None]:
    """Money services called inside run: an approved (or trial-run) change request is being applied."""
    token = _applying.set(True)
    try:
        yield
    finally:
        _applying.reset(token)


def require_approval(actor: Actor) -> None:
    if four_eyes_on() and not _applying.get() and (actor.user is not None or actor.organization is not None):
        raise DomainError(
            ErrorCode.APPROVAL_REQUIRED,
            _("Money changes take effect only when a second programme manager approves them; propose a change."),
        )
