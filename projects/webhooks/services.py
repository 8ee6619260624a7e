"""Managing webhook endpoints: subscribe, change, rotate the secret, disable, delete, replay deliveries.

A partner manages its own organisation's endpoints; programme managers manage every endpoint, and
own the ones they subscribe themselves (those hear of every agreement).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from projects.actors import Actor
from projects.errors import DomainError, ErrorCode
from projects.models import Organization
from projects.services.service import apply_changes, check_unchanged, save_validated, service
from projects.webhooks import addresses, delivery
from projects.webhooks.choices import DeliveryStatus, DisabledWhy, EventType
from projects.webhooks.events import queue_on_commit
from projects.webhooks.models import Delivery, Endpoint, EndpointSecret
from projects.webhooks.signing import new_secret

# After a rotation the previous secret keeps signing for this long, beside the new one.
ROTATION_OVERLAP = timedelta(hours=24)
ENDPOINT_FIELDS = frozenset({"url", "events", "description", "active"})


def check_url(url: str) -> None:
    try:
        addresses.check_subscription(url)
    except addresses.Refused as exc:
        raise DomainError(ErrorCode.INVALID, str(exc), field="url") from None


def check_events(events) -> list[str]:
    """A non-empty list of known event types, kept in the order of the catalogue."""
    if not isinstance(events, list | tuple) or not events:
        raise DomainError(ErrorCode.INVALID, _("Subscribe to at least one event type."), field="events")
    unknown = sorted(set(map(str, events)) - set(EventType.values))
    if unknown:
        raise DomainError(
            ErrorCode.INVALID, _("Unknown event types: %(types)s.") % {"types": ", ".join(unknown)}, field="events"
        )
    return [value for value in EventType.values if value in events]


def owner_of_new(actor: Actor, organization_id: int | None) -> dict:
    """A partner's endpoints are its organisation's; a manager's are for an organisation named, or their own."""
    if actor.is_partner:
        if organization_id not in (None, actor.organization.pk):
            raise DomainError(ErrorCode.PERMISSION_DENIED, _("A partner subscribes for its own organisation only."))
        return {"organization": actor.organization}
    if not actor.is_staff:
        raise DomainError(ErrorCode.PERMISSION_DENIED, _("Only programme managers and partners manage webhooks."))
    if organization_id is not None:
        organization = Organization.objects.filter(pk=organization_id).first()
        if organization is None:
            raise DomainError(ErrorCode.INVALID, _("There is no such organisation."), field="organization")
        return {"organization": organization}
    if actor.user is None:
        raise DomainError(ErrorCode.INVALID, _("Name the organisation the endpoint is for."), field="organization")
    return {"user": actor.user}


def managed(actor: Actor, endpoint_id: int, *, lock: bool = True) -> Endpoint:
    """The endpoint, if the actor manages it (a partner's own, any for managers); "not found" otherwise."""
    endpoints = Endpoint.objects.visible_to(actor)
    endpoint = (endpoints.select_for_update() if lock else endpoints).filter(pk=endpoint_id).first()
    if endpoint is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("There is no such webhook endpoint."))
    return endpoint


@service
def subscribe(
    *,
    actor: Actor,
    url: str,
    events: list[str],
    description: str = "",
    active: bool = True,
    organization_id: int | None = None,
) -> tuple[Endpoint, str]:
    """Create an endpoint; returns it with its signing secret, which is shown this once."""
    owner = owner_of_new(actor, organization_id)
    endpoint = Endpoint(url=url, events=check_events(events), description=description, active=active, **owner)
    check_url(url)
    save_validated(endpoint)
    secret = EndpointSecret.objects.create(endpoint=endpoint, key=new_secret())
    return endpoint, secret.key


@service
def update_endpoint(
    *, actor: Actor, endpoint_id: int, expected_updated_at: datetime | None = None, **changes
) -> Endpoint:
    """Change the URL, subscriptions, description or state; switching it on again forgets past failures."""
    endpoint = managed(actor, endpoint_id)
    check_unchanged(endpoint, expected_updated_at)
    if "events" in changes:
        changes["events"] = check_events(changes["events"])
    if "url" in changes:
        check_url(changes["url"])
    active = changes.pop("active", endpoint.active)
    changed = apply_changes(endpoint, changes, ENDPOINT_FIELDS)
    if changed:
        save_validated(endpoint, update_fields=changed)
    if active and not endpoint.active:
        enable(endpoint)
    elif not active and endpoint.active:
        delivery.disable(endpoint.pk, DisabledWhy.SWITCHED_OFF, str(actor), tell_owner=False)
        endpoint.refresh_from_db()
    return endpoint


def enable(endpoint: Endpoint) -> None:
    """Switch the endpoint on again with a clean slate: its past failures no longer count toward disabling."""
    endpoint.active = True
    endpoint.failing_since = endpoint.disabled_at = endpoint.owner_told_at = None
    endpoint.disabled_code = endpoint.disabled_detail = ""
    cleared = ["failing_since", "disabled_at", "owner_told_at", "disabled_code", "disabled_detail"]
    save_validated(endpoint, update_fields=["active", *cleared])


@service
def disable_endpoint(*, actor: Actor, endpoint_id: int, reason: str = "") -> Endpoint:
    """Stop sending to the endpoint; what it is still owed fails, and can be replayed once it is on again.

    A `reason` given is kept as written (the actor's words); without one the log says who switched it off.
    """
    endpoint = managed(actor, endpoint_id)
    if reason:
        delivery.disable(endpoint.pk, DisabledWhy.STATED, reason, tell_owner=False)
    else:
        delivery.disable(endpoint.pk, DisabledWhy.SWITCHED_OFF, str(actor), tell_owner=False)
    endpoint.refresh_from_db()
    return endpoint


@service
def rotate_secret(*, actor: Actor, endpoint_id: int) -> str:
    """A new signing secret, shown this once; the previous one keeps signing beside it for 24 hours."""
    endpoint = managed(actor, endpoint_id)
    EndpointSecret.objects.filter(endpoint=endpoint, expires_at__isnull=True).update(
        expires_at=timezone.now() + ROTATION_OVERLAP
    )
    return EndpointSecret.objects.create(endpoint=endpoint, key=new_secret()).key


@service
def delete_endpoint(*, actor: Actor, endpoint_id: int, expected_updated_at: datetime | None = None) -> None:
    """Remove the endpoint with its secrets and its delivery log."""
    endpoint = managed(actor, endpoint_id)
    check_unchanged(endpoint, expected_updated_at)
    endpoint.delete()


def requeue(deliveries) -> int:
    """Make the deliveries pending and due now, with a fresh retry schedule; queue them on commit."""
    ids = list(deliveries.order_by("pk").values_list("pk", flat=True))
    Delivery.objects.filter(pk__in=ids).update(
        status=DeliveryStatus.PENDING, failures=0, next_attempt_at=timezone.now(), finished_at=None
    )
    queue_on_commit(ids)
    return len(ids)


def require_active(endpoint: Endpoint) -> None:
    if not endpoint.active:
        raise DomainError(ErrorCode.CONFLICT, _("This endpoint is disabled; enable it before replaying to it."))


@service
def replay_delivery(*, actor: Actor, endpoint_id: int, delivery_id: int) -> Delivery:
    """Send one delivery again, with the same `webhook-id`, whatever became of it."""
    endpoint = managed(actor, endpoint_id)
    require_active(endpoint)
    deliveries = Delivery.objects.filter(endpoint=endpoint, pk=delivery_id)
    if not requeue(deliveries):
        raise DomainError(ErrorCode.NOT_FOUND, _("This endpoint has no such delivery."))
    return deliveries.get()


@service
def replay_since(*, actor: Actor, endpoint_id: int, since: datetime) -> int:
    """Send again every event that happened at or after `since` and was delivered or failed; returns how many."""
    endpoint = managed(actor, endpoint_id)
    require_active(endpoint)
    if since > timezone.now():
        raise DomainError(ErrorCode.INVALID, _("Give a time in the past."), field="since")
    owed = Delivery.objects.filter(endpoint=endpoint, event__occurred_at__gte=since)
    return requeue(owed.exclude(status=DeliveryStatus.PENDING))  # pending ones are on their way already
