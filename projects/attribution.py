"""Stamps every history row with the acting user and organisation of the service call in progress.

Services run inside `acting_as(actor)`; the history library asks `history_user` for the user and
`stamp_organization` fills the organisation, so partners' API writes are attributed to them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from projects.actors import Actor

_current_actor: ContextVar[Actor | None] = ContextVar("current_actor", default=None)
_current_reason: ContextVar[str | None] = ContextVar("current_change_reason", default=None)


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    token = _current_actor.set(actor)
    try:
        yield actor
    finally:
        _current_actor.reset(token)


@contextmanager
def explained(reason: str) -> Iterator[str]:
    """History rows written inside the block carry `reason` (cut to the library's 100 characters)."""
    token = _current_reason.set(reason[:100])
    try:
        yield reason
    finally:
        _current_reason.reset(token)


def current_actor() -> Actor | None:
    return _current_actor.get()


def history_user(request=None, **kwargs):
    """The history library's user lookup: the service's actor first, else the request's user."""
    actor = current_actor()
    if actor is not None:
        return actor.user
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


class ActorStamp(models.Model):
    """Adds the acting organisation beside the history library's user column."""

    history_organization = models.ForeignKey(
        "projects.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )

    class Meta:
        abstract = True


@receiver(pre_create_historical_record)
def stamp_organization(sender, history_instance, **kwargs) -> None:
    reason = _current_reason.get()
    if reason is not None:
        history_instance.history_change_reason = reason
    actor = current_actor()
    if actor is not None and actor.organization is not None:
        history_instance.history_organization_id = actor.organization.pk


def history_attrs(actor: Actor) -> dict:
    """Arguments for the library's bulk helpers, which bypass the per-row signal."""
    return {
        "default_user": actor.user,
        "custom_historical_attrs": {"history_organization_id": actor.organization.pk if actor.organization else None},
    }


def history_records(**options) -> HistoricalRecords:
    """The history manager every domain model declares, stamped with the actor."""
    return HistoricalRecords(bases=[ActorStamp], get_user=history_user, **options)
