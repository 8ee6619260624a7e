"""Events written in the transaction of the change that causes them (a transactional outbox).

A service calls `emit(type, pk)` after its write. If any active endpoint may hear of it (a partner's
when its organisation is party to the agreement, a programme manager's always) and subscribed to the
type, the event's body is built now, from the record as the API shows it, and one delivery per endpoint
is written beside the change; the deliveries are queued when the transaction commits. A rolled-back
change takes its event with it, and with no listener an emit costs one query.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from rest_framework import serializers

from projects import representations as r
from projects.models import (
    Agreement,
    AgreementParty,
    ChangeRequest,
    Disbursement,
    FundingCommitment,
    IndicatorPeriod,
    Milestone,
    StatusChange,
    StatusReport,
)
from projects.models.provenance import REPORTERS
from projects.webhooks.choices import DeliveryStatus, EventType
from projects.webhooks.models import Delivery, Endpoint, Event
from projects.webhooks.tasks import queue_deliveries


def agreements() -> QuerySet:
    return Agreement.objects.select_related("programme_manager").prefetch_related(
        "capabilities", Prefetch("parties", queryset=AgreementParty.objects.select_related("organization"))
    )


@dataclass(frozen=True)
class Subject:
    """What an event type is about: how to load it, how it reads, and the path to its agreement."""

    records: Callable[[], QuerySet]
    representation: type[serializers.Serializer]
    agreement_path: str


MILESTONE = Subject(lambda: Milestone.objects.select_related("responsible", "owner"), r.MilestoneOut, "agreement_id")
COMMITMENT = Subject(
    lambda: FundingCommitment.objects.select_related("funder", *REPORTERS),
    r.CommitmentOut,
    "agreement_id",
)
CHANGE_REQUEST = Subject(
    lambda: ChangeRequest.objects.select_related("author_user", "author_organization", "decided_by"),
    r.ChangeRequestOut,
    "agreement_id",
)
SUBJECTS: dict[str, Subject] = {
    EventType.AGREEMENT_UPDATED: Subject(agreements, r.AgreementOut, "pk"),
    EventType.AGREEMENT_STATUS_CHANGED: Subject(
        lambda: StatusChange.objects.prefetch_related(Prefetch("agreement", queryset=agreements())),
        r.StatusChangeOut,
        "agreement_id",
    ),
    EventType.MILESTONE_UPDATED: MILESTONE,
    EventType.MILESTONE_OVERDUE: MILESTONE,
    EventType.COMMITMENT_CREATED: COMMITMENT,
    EventType.COMMITMENT_UPDATED: COMMITMENT,
    EventType.DISBURSEMENT_CREATED: Subject(
        lambda: Disbursement.objects.select_related("commitment", *REPORTERS),
        r.DisbursementOut,
        "commitment__agreement_id",
    ),
    EventType.STATUS_REPORT_CREATED: Subject(
        lambda: StatusReport.objects.select_related("author", "author_organization"),
        r.StatusReportOut,
        "agreement_id",
    ),
    EventType.INDICATOR_PERIOD_UPDATED: Subject(
        lambda: IndicatorPeriod.objects.select_related("indicator", *REPORTERS),
        r.IndicatorPeriodOut,
        "indicator__agreement_id",
    ),
    EventType.CHANGE_REQUEST_CREATED: CHANGE_REQUEST,
    EventType.CHANGE_REQUEST_DECIDED: CHANGE_REQUEST,
}


def listeners(event_type: str, agreement_id: Subquery | int) -> list[Endpoint]:
    """Active endpoints subscribed to the type that may see the agreement: a party's, or a manager's."""
    parties = AgreementParty.objects.filter(agreement_id=agreement_id).values("organization_id")
    may_see = Q(user__is_staff=True, user__is_active=True) | Q(organization_id__in=parties)
    # Subscriptions are a JSON list, filtered here: SQLite (make run) has no JSON containment lookup.
    return [e for e in Endpoint.objects.filter(may_see, active=True) if event_type in e.events]


def emit(event_type: str, pk: int, *, changed=True, key: str | None = None) -> Event | None:
    """Record the event about record `pk` for every endpoint that may hear of it; None if none listens.

    Call it inside the service's transaction, after the write; a write that `changed` nothing emits
    nothing. `key` makes the event once-only.
    """
    if not changed:
        return None
    subject = SUBJECTS[event_type]
    model = subject.records().model
    agreement_id = model.objects.filter(pk=pk).values_list(subject.agreement_path, flat=True)
    endpoints = listeners(event_type, Subquery(agreement_id[:1]))
    if not endpoints:
        return None
    record = subject.records().get(pk=pk)
    occurred_at = timezone.now()
    body = {
        "type": event_type,
        "timestamp": occurred_at.isoformat().replace("+00:00", "Z"),
        "data": subject.representation(record).data,
    }
    try:
        with transaction.atomic():
            event = Event.objects.create(
                type=event_type,
                agreement_id=agreement_id.get(),
                occurred_at=occurred_at,
                body=json.dumps(body, cls=DjangoJSONEncoder),
                key=key,
            )
    except IntegrityError:  # the once-only event was recorded meanwhile
        return None
    deliveries = Delivery.objects.bulk_create(
        [Delivery(event=event, endpoint=endpoint, next_attempt_at=occurred_at) for endpoint in endpoints]
    )
    queue_on_commit([delivery.pk for delivery in deliveries])
    return event


def queue_on_commit(delivery_ids: list[int]) -> None:
    transaction.on_commit(lambda: queue_deliveries(delivery_ids))


@transaction.atomic(durable=True)
def emit_overdue_milestones(day: date) -> int:
    """`milestone.overdue` once for each milestone that fell overdue lately (due before `day`, still open).

    Milestones due within the catch-up window are looked at, so a missed daily run is made good; the
    event's key (milestone and due date) keeps it to once, and a re-planned milestone may fall overdue again.
    """
    since = day - timedelta(days=settings.WEBHOOK_OVERDUE_CATCH_UP_DAYS + 1)
    milestones = Milestone.objects.overdue(day).filter(due_on__gte=since).order_by("due_on", "pk")
    keys = {f"milestone.overdue:{pk}:{due_on.isoformat()}": pk for pk, due_on in milestones.values_list("pk", "due_on")}
    seen = set(Event.objects.filter(key__in=keys).values_list("key", flat=True))
    emitted = [emit(EventType.MILESTONE_OVERDUE, pk, key=key) for key, pk in keys.items() if key not in seen]
    return sum(event is not None for event in emitted)


def forget_events_before(cutoff: datetime, batch: int = 1000) -> int:
    """Delete events that occurred before `cutoff`, with their deliveries and attempts, once none waits to be sent.

    In batches, each its own transaction, so a long log is trimmed without one long lock; returns how many went.
    """
    waiting = Delivery.objects.filter(event=OuterRef("pk"), status=DeliveryStatus.PENDING)
    old = Event.objects.filter(occurred_at__lt=cutoff).exclude(Exists(waiting)).order_by("pk")
    forgotten = 0
    while ids := list(old.values_list("pk", flat=True)[:batch]):
        with transaction.atomic():
            Event.objects.filter(pk__in=ids).delete()
        forgotten += len(ids)
    return forgotten
