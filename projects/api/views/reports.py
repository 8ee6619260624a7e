"""Status reports: dated red/amber/green assessments filed by programme managers and partners."""

from __future__ import annotations

from django.utils import timezone

from projects import filters, permissions
from projects.api import serializers as s
from projects.api.columns import TIMESTAMPS, day, organization_columns, organization_ref, timestamps
from projects.api.views.base import ListView, ObjectView
from projects.models import StatusReport
from projects.services import reports


class StatusReportList(ListView):
    """Programme managers report on any agreement, a partner on agreements it is party to."""

    serializer_class = s.StatusReportOut
    filterset_class = filters.StatusReportFilter
    create_input = s.StatusReportIn
    partners_create = True
    ordering = ("-reported_on", "-id")
    columns = (
        "id",
        "agreement_id",
        "author__username",
        *organization_columns("author_organization"),
        "reported_on",
        "rag",
        "summary",
        "risks",
        "next_steps",
        *TIMESTAMPS,
    )

    def visible(self, actor):
        return StatusReport.objects.visible_to(actor)

    def represent(self, rows):
        zone = timezone.get_current_timezone()
        return [
            {
                "id": row["id"],
                "agreement": row["agreement_id"],
                "author": row["author__username"],
                "author_organization": organization_ref(row, "author_organization"),
                "reported_on": day(row["reported_on"]),
                "rag": row["rag"],
                "summary": row["summary"],
                "risks": row["risks"],
                "next_steps": row["next_steps"],
                **timestamps(row, zone),
            }
            for row in rows
        ]

    def create(self, actor, data):
        agreement = permissions.access_agreement(actor, data.pop("agreement"))
        return reports.post_status_report(actor=actor, agreement_id=agreement.pk, **data)


class StatusReportDetail(ObjectView):
    """One status report; programme managers may delete it."""

    serializer_class = s.StatusReportOut

    def fetch(self, actor, pk):
        return permissions.access_status_report(actor, pk)

    def remove(self, actor, report, expected):
        reports.delete_status_report(actor=actor, report_id=report.pk, expected_updated_at=expected)
