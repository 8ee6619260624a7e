"""Planning milestones and recording their progress."""

from datetime import date, datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from projects.actors import Actor
from projects.choices import MilestoneStatus
from projects.errors import DomainError, ErrorCode
from projects.models import Agreement, Milestone
from projects.services.service import (
    apply_changes,
    check_unchanged,
    delete_checked,
    reject_unknown,
    require_staff,
    save_validated,
    service,
)
from projects.webhooks.choices import EventType
from projects.webhooks.events import emit

PLAN_FIELDS = frozenset({"title", "due_on", "responsible", "owner", "unit", "target_quantity"})
PROGRESS_FIELDS = frozenset({"status", "actual_quantity", "completed_on"})
# A partner reports progress along planned → in progress → done; cancelling, blocking, reopening and
# re-planning are decisions for programme managers.
PARTNER_MOVES = {
    MilestoneStatus.PLANNED: frozenset({MilestoneStatus.IN_PROGRESS, MilestoneStatus.DONE}),
    MilestoneStatus.IN_PROGRESS: frozenset({MilestoneStatus.DONE}),
}


def ensure_party(agreement: Agreement, organization_id: int) -> None:
    if not agreement.parties.filter(organization_id=organization_id).exists():
        raise DomainError(
            ErrorCode.NOT_A_PARTY,
            _("The responsible organisation must be a party to the agreement."),
            field="responsible",
        )


@service
def create_milestone(*, actor: Actor, agreement_id: int, title: str, due_on: date, responsible, **fields) -> Milestone:
    require_staff(actor, "plan milestones")
    reject_unknown(fields, PLAN_FIELDS | PROGRESS_FIELDS)
    agreement = Agreement.objects.get(pk=agreement_id)
    ensure_party(agreement, responsible.pk)
    progress = {name: fields.pop(name) for name in PROGRESS_FIELDS & set(fields)}
    milestone = Milestone(agreement=agreement, title=title, due_on=due_on, responsible=responsible, **fields)
    apply_progress(milestone, **progress)
    save_validated(milestone)
    return milestone


@service
def update_milestone(
    *, actor: Actor, milestone_id: int, expected_updated_at: datetime | None = None, **changes
) -> Milestone:
    """Change a milestone's plan and progress (programme managers)."""
    require_staff(actor, "re-plan milestones")
    milestone = Milestone.objects.select_for_update().select_related("agreement").get(pk=milestone_id)
    check_unchanged(milestone, expected_updated_at)
    progress = {name: changes.pop(name) for name in PROGRESS_FIELDS & set(changes)}
    changed = apply_changes(milestone, changes, PLAN_FIELDS)
    if "responsible" in changed:
        ensure_party(milestone.agreement, milestone.responsible_id)
    changed += apply_progress(milestone, **progress)
    if changed:
        save_validated(milestone, update_fields=changed)
    emit(EventType.MILESTONE_UPDATED, milestone.pk, changed=changed)
    return milestone


@service
def update_milestone_progress(
    *, actor: Actor, milestone_id: int, expected_updated_at: datetime | None = None, **progress
) -> Milestone:
    """Record progress: programme managers on any milestone, a partner on those it is responsible for."""
    # Only the milestone is locked; its agreement is read for its start date.
    milestone = Milestone.objects.select_for_update(of=("self",)).select_related("agreement").get(pk=milestone_id)
    if not actor.is_staff and (actor.organization is None or actor.organization.pk != milestone.responsible_id):
        raise DomainError(
            ErrorCode.PERMISSION_DENIED,
            _("Only the organisation responsible for this milestone can record its progress."),
        )
    check_unchanged(milestone, expected_updated_at)
    reject_unknown(progress, PROGRESS_FIELDS)
    moved_from = milestone.status
    changed = apply_progress(milestone, **progress)
    if not actor.is_staff:
        check_partner_report(milestone, moved_from, changed)
    if changed:
        save_validated(milestone, update_fields=changed)
    emit(EventType.MILESTONE_UPDATED, milestone.pk, changed=changed)
    return milestone


def complete_milestone(
    *,
    actor: Actor,
    milestone_id: int,
    completed_on: date | None = None,
    actual_quantity: int | None = None,
    expected_updated_at: datetime | None = None,
) -> Milestone:
    """Mark a milestone done (today unless a date is given), with the quantity reached if it counts one."""
    progress = {"status": MilestoneStatus.DONE, "completed_on": completed_on or timezone.localdate()}
    if actual_quantity is not None:
        progress["actual_quantity"] = actual_quantity
    return update_milestone_progress(
        actor=actor, milestone_id=milestone_id, expected_updated_at=expected_updated_at, **progress
    )


def check_partner_report(milestone: Milestone, moved_from: str, changed: list[str]) -> None:
    """A partner moves its milestone forward only, and completes it within the agreement's time so far."""
    if milestone.status != moved_from and milestone.status not in PARTNER_MOVES.get(moved_from, ()):
        raise DomainError(
            ErrorCode.PERMISSION_DENIED,
            _(
                "A partner reports progress from planned to in progress to done; only programme managers can "
                "make a %(old)s milestone %(new)s."
            )
            % {
                "old": str(MilestoneStatus(moved_from).label).lower(),
                "new": str(MilestoneStatus(milestone.status).label).lower(),
            },
            field="status",
        )
    starts_on = milestone.agreement.starts_on
    if "completed_on" in changed and milestone.completed_on and starts_on and milestone.completed_on < starts_on:
        raise DomainError(
            ErrorCode.INVALID,
            _("A milestone cannot be completed before its agreement starts (%(day)s).")
            % {"day": date_format(starts_on, "DATE_FORMAT")},
            field="completed_on",
        )


def apply_progress(milestone: Milestone, **progress) -> list[str]:
    """Apply status, quantity and completion date, keeping `completed_on` set exactly when done."""
    status = progress.get("status", milestone.status)
    if status not in MilestoneStatus.values:
        raise DomainError(
            ErrorCode.INVALID, _("Unknown milestone status %(status)r.") % {"status": status}, field="status"
        )
    completed_on = progress.get("completed_on", milestone.completed_on)
    if status == MilestoneStatus.DONE:
        completed_on = completed_on or timezone.localdate()
        if completed_on > timezone.localdate():
            raise DomainError(
                ErrorCode.INVALID, _("A milestone cannot be completed in the future."), field="completed_on"
            )
    elif "completed_on" in progress and progress["completed_on"] is not None:
        raise DomainError(ErrorCode.INVALID, _("Only a done milestone has a completion date."), field="completed_on")
    else:
        completed_on = None
    return apply_changes(
        milestone,
        {**progress, "status": status, "completed_on": completed_on},
        PROGRESS_FIELDS,
    )


@service
def delete_milestone(*, actor: Actor, milestone_id: int, expected_updated_at: datetime | None = None) -> None:
    require_staff(actor, "delete milestones")
    delete_checked(Milestone, milestone_id, expected_updated_at)
