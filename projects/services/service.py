"""The frame every public service runs in: one outermost transaction, acting as the caller."""

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import ParamSpec, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from projects.actors import Actor
from projects.attribution import acting_as
from projects.errors import DomainError, ErrorCode

P = ParamSpec("P")
R = TypeVar("R")
DUPLICATE_CODES = frozenset({"unique", "duplicate", "unique_together"})
_in_batch: ContextVar[bool] = ContextVar("services_in_batch", default=False)


def service(func: Callable[P, R]) -> Callable[P, R]:
    """Run `func` in a durable transaction with history attributed to its `actor` keyword.

    Durable, so the service is the outermost block and its `on_commit` hooks fire when it returns.
    Inside `batch()` it runs in a savepoint of the batch's transaction instead.
    """

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        actor = kwargs.get("actor")
        if not isinstance(actor, Actor):
            raise TypeError(f"{func.__name__} needs actor=Actor(...)")
        with transaction.atomic(durable=not _in_batch.get()), acting_as(actor):
            return func(*args, **kwargs)

    return run


@contextmanager
def batch() -> Iterator[None]:
    """One outer transaction for several service calls (an import, an admin form with its inlines).

    All or nothing: an exception leaving the block undoes every call in it. Each call keeps its own
    actor, history attribution and checks, and runs in a savepoint, so a refusal caught inside the
    block undoes that call alone. `on_commit` hooks fire once, when the whole batch has committed.
    """
    with transaction.atomic(durable=True):
        token = _in_batch.set(True)
        try:
            yield
        finally:
            _in_batch.reset(token)


@contextmanager
def nested() -> Iterator[None]:
    """Services called inside run in savepoints of the service already running (approving a change)."""
    token = _in_batch.set(True)
    try:
        yield
    finally:
        _in_batch.reset(token)


def require_staff(actor: Actor, doing: str) -> None:
    if not actor.is_staff:
        raise DomainError(ErrorCode.PERMISSION_DENIED, _("Only programme managers can %(doing)s.") % {"doing": doing})


def check_unchanged(instance: models.Model, expected_updated_at: datetime | None) -> None:
    """Optimistic concurrency: refuse to write over a change the caller has not seen."""
    if expected_updated_at is not None and instance.updated_at != expected_updated_at:
        raise DomainError(
            ErrorCode.CONFLICT,
            _("This record was changed by someone else meanwhile; reload it and try again."),
        )


def save_validated(instance: models.Model, *, update_fields: list[str] | None = None) -> None:
    """Validate against field rules, `clean()` and constraints, then save; failures become DomainError."""
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise validation_failure(exc) from exc
    try:
        with transaction.atomic():
            if update_fields is not None:
                instance.save(update_fields=[*update_fields, "updated_at"])
            else:
                instance.save()
    except IntegrityError as exc:  # a concurrent writer won a uniqueness race after full_clean
        raise DomainError(ErrorCode.CONFLICT, _("This conflicts with a change saved meanwhile.")) from exc


def validation_failure(exc: ValidationError) -> DomainError:
    """One DomainError carrying every field's messages; duplicates get their own code."""
    codes = {error.code for errors in exc.error_dict.values() for error in errors}
    errors = {field: messages for field, messages in exc.message_dict.items()}
    field, messages = next(iter(errors.items()))
    return DomainError(
        ErrorCode.DUPLICATE if codes & DUPLICATE_CODES else ErrorCode.INVALID,
        " ".join(messages),
        field=None if field == "__all__" else field,
        errors=errors,
    )


def reject_unknown(fields: dict, editable: frozenset[str]) -> None:
    unknown = set(fields) - editable
    if unknown:
        raise DomainError(
            ErrorCode.INVALID,
            _("These fields cannot be set here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
        )


def apply_changes(instance: models.Model, changes: dict, editable: frozenset[str]) -> list[str]:
    """Set the allowed fields that differ; return their names. Unknown fields are refused."""
    reject_unknown(changes, editable)
    changed = []
    for name, value in changes.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


def update_checked(
    model: type[models.Model], pk: int, expected_updated_at: datetime | None, changes: dict, editable: frozenset[str]
) -> models.Model:
    """Apply the allowed changes to the locked row unless it changed meanwhile; save only what differs."""
    instance = model.objects.select_for_update().get(pk=pk)
    check_unchanged(instance, expected_updated_at)
    changed = apply_changes(instance, changes, editable)
    if changed:
        save_validated(instance, update_fields=changed)
    return instance


def delete_checked(model: type[models.Model], pk: int, expected_updated_at: datetime | None) -> None:
    """Delete the locked row unless it changed meanwhile; if records depend on it, say which and keep it."""
    instance = model.objects.select_for_update().get(pk=pk)
    check_unchanged(instance, expected_updated_at)
    try:
        with transaction.atomic():
            instance.delete()
    except models.ProtectedError as exc:
        kinds = sorted({str(obj._meta.verbose_name_plural) for obj in exc.protected_objects})
        raise DomainError(
            ErrorCode.CONFLICT,
            f"This {instance._meta.verbose_name} still has {', '.join(kinds)}; remove them first.",
        ) from exc
