"""Milestones of agreements: staff plan them, the responsible partner reports progress."""

from __future__ import annotations

from django.utils import timezone

from projects import filters, permissions
from projects.api import serializers as s
from projects.api.columns import TIMESTAMPS, day, organization_columns, organization_ref, timestamps
from projects.api.views.base import ChangeableView, ListView, staff_member
from projects.choices import CLOSED_MILESTONE_STATUSES
from projects.models import Milestone
from projects.services import milestones
from projects.services.milestones import PROGRESS_FIELDS


def progress(row: dict) -> float | None:
    """`Milestone.progress` from the row's columns."""
    if not row["target_quantity"]:
        return None
    return min((row["actual_quantity"] or 0) / row["target_quantity"], 1.0)


class MilestoneList(ListView):
    """Milestones of the agreements the caller may see, soonest due first."""

    serializer_class = s.MilestoneOut
    filterset_class = filters.MilestoneFilter
    create_input = s.MilestoneIn
    ordering = ("due_on", "id")
    columns = (
        "id",
        "agreement_id",
        "title",
        "due_on",
        "status",
        "completed_on",
        *organization_columns("responsible"),
        "owner__username",
        "unit",
        "target_quantity",
        "actual_quantity",
        *TIMESTAMPS,
    )

    def visible(self, actor):
        return Milestone.objects.visible_to(actor)

    def represent(self, rows):
        zone = timezone.get_current_timezone()
        today = timezone.localdate()
        return [
            {
                "id": row["id"],
                "agreement": row["agreement_id"],
                "title": row["title"],
                "due_on": day(row["due_on"]),
                "status": row["status"],
                "completed_on": day(row["completed_on"]),
                "is_overdue": row["status"] not in CLOSED_MILESTONE_STATUSES and row["due_on"] < today,
                "responsible": organization_ref(row, "responsible"),
                "owner": row["owner__username"],
                "unit": row["unit"],
                "target_quantity": row["target_quantity"],
                "actual_quantity": row["actual_quantity"],
                "progress": progress(row),
                **timestamps(row, zone),
            }
            for row in rows
        ]

    def create(self, actor, data):
        agreement = permissions.access_agreement(actor, data.pop("agreement"))
        data["responsible"] = permissions.access_organization(actor, data["responsible"])
        if "owner" in data:
            data["owner"] = staff_member(data["owner"])
        return milestones.create_milestone(actor=actor, agreement_id=agreement.pk, **data)


class MilestoneDetail(ChangeableView):
    """Programme managers change anything; the responsible partner only status, actual_quantity, completed_on."""

    serializer_class = s.MilestoneOut
    change_input = s.MilestoneUpdateIn
    partner_fields = PROGRESS_FIELDS

    def fetch(self, actor, pk):
        return permissions.access_milestone(actor, pk)

    def change(self, actor, milestone, expected, changes):
        if "responsible" in changes:
            changes["responsible"] = permissions.access_organization(actor, changes["responsible"])
        if "owner" in changes:
            changes["owner"] = staff_member(changes["owner"])
        progress_only = set(changes) <= PROGRESS_FIELDS
        update = milestones.update_milestone_progress if progress_only else milestones.update_milestone
        update(actor=actor, milestone_id=milestone.pk, expected_updated_at=expected, **changes)

    def remove(self, actor, milestone, expected):
        milestones.delete_milestone(actor=actor, milestone_id=milestone.pk, expected_updated_at=expected)
