"""Indicators and their periods: staff define them, the responsible partner reports actuals, staff verify and lock."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics

from projects import filters, permissions
from projects.actors import actor_of
from projects.api import serializers as s
from projects.api.columns import (
    PROVENANCE,
    TIMESTAMPS,
    day,
    moment,
    organization_columns,
    organization_ref,
    provenance,
    timestamps,
)
from projects.api.idempotency import idempotent
from projects.api.preconditions import precondition
from projects.api.views.base import ChangeableView, ListView, require_staff, require_write, sent, valid
from projects.models import Indicator, IndicatorPeriod
from projects.services import indicators


def with_references(actor, data: dict) -> dict:
    """The body's capability and responsible organisation as records; one the caller cannot see is 404."""
    if "capability" in data:
        data["capability"] = permissions.access_capability(data["capability"])
    if "responsible" in data:
        data["responsible"] = permissions.access_organization(actor, data["responsible"])
    return data


class IndicatorList(ListView):
    """Indicators of the agreements the caller may see: capacity (units a year) or output (units delivered)."""

    serializer_class = s.IndicatorOut
    filterset_class = filters.IndicatorFilter
    create_input = s.IndicatorIn
    ordering = ("agreement_id", "kind", "title", "id")
    columns = (
        "id",
        "agreement_id",
        "title",
        "kind",
        "unit",
        "capability__id",
        "capability__slug",
        "capability__name",
        *organization_columns("responsible"),
        "baseline",
        "target",
        *TIMESTAMPS,
    )

    def visible(self, actor):
        return Indicator.objects.visible_to(actor)

    def represent(self, rows):
        zone = timezone.get_current_timezone()
        return [
            {
                "id": row["id"],
                "agreement": row["agreement_id"],
                "title": row["title"],
                "kind": row["kind"],
                "unit": row["unit"],
                "capability": {
                    "id": row["capability__id"],
                    "slug": row["capability__slug"],
                    "name": row["capability__name"],
                },
                "responsible": organization_ref(row, "responsible"),
                "baseline": row["baseline"],
                "target": row["target"],
                **timestamps(row, zone),
            }
            for row in rows
        ]

    def create(self, actor, data):
        agreement = permissions.access_agreement(actor, data.pop("agreement"))
        return indicators.create_indicator(actor=actor, agreement_id=agreement.pk, **with_references(actor, data))


class IndicatorDetail(ChangeableView):
    """One indicator; programme managers change it (not what it counts while a period of it is locked)."""

    serializer_class = s.IndicatorOut
    change_input = s.IndicatorUpdateIn

    def fetch(self, actor, pk):
        return permissions.access_indicator(actor, pk)

    def change(self, actor, indicator, expected, changes):
        indicators.update_indicator(
            actor=actor, indicator_id=indicator.pk, expected_updated_at=expected, **with_references(actor, changes)
        )

    def remove(self, actor, indicator, expected):
        indicators.delete_indicator(actor=actor, indicator_id=indicator.pk, expected_updated_at=expected)


class IndicatorPeriodList(ListView):
    """Periods of the indicators the caller may see, with their state (open, reported, verified, locked)."""

    serializer_class = s.IndicatorPeriodOut
    filterset_class = filters.IndicatorPeriodFilter
    create_input = s.PeriodIn
    ordering = ("indicator_id", "starts_on", "id")
    columns = (
        "id",
        "indicator__agreement_id",
        "indicator_id",
        "starts_on",
        "ends_on",
        "target",
        "actual",
        "state",
        "reported_at",
        *PROVENANCE,
        *TIMESTAMPS,
    )

    def visible(self, actor):
        return IndicatorPeriod.objects.visible_to(actor)

    def represent(self, rows):
        zone = timezone.get_current_timezone()
        return [
            {
                "id": row["id"],
                "agreement": row["indicator__agreement_id"],
                "indicator": row["indicator_id"],
                "starts_on": day(row["starts_on"]),
                "ends_on": day(row["ends_on"]),
                "target": row["target"],
                "actual": row["actual"],
                "state": row["state"],
                "reported_at": None if row["reported_at"] is None else moment(row["reported_at"], zone),
                **provenance(row, zone),
                **timestamps(row, zone),
            }
            for row in rows
        ]

    def create(self, actor, data):
        indicator = permissions.access_indicator(actor, data.pop("indicator"))
        return indicators.open_period(actor=actor, indicator_id=indicator.pk, **data)


class IndicatorPeriodDetail(ChangeableView):
    """One period; programme managers re-plan its dates and target. A locked period refuses changes (409)."""

    serializer_class = s.IndicatorPeriodOut
    change_input = s.PeriodUpdateIn

    def fetch(self, actor, pk):
        return permissions.access_indicator_period(actor, pk)

    def change(self, actor, period, expected, changes):
        indicators.update_period(actor=actor, period_id=period.pk, expected_updated_at=expected, **changes)

    def remove(self, actor, period, expected):
        indicators.delete_period(actor=actor, period_id=period.pk, expected_updated_at=expected)


class PeriodStep(generics.GenericAPIView):
    """A step of a period's life (report, verify, lock, unlock) through `step(actor, period, expected, data)`,
    with `step_input` as its body; If-Match and Idempotency-Key as for every write."""

    serializer_class = s.IndicatorPeriodOut
    step_input = s.PeriodStepIn
    partners_create = False
    sends_etag = True

    @idempotent
    def post(self, request, pk):
        actor = actor_of(request)
        period = permissions.access_indicator_period(actor, pk)
        (require_write if self.partners_create else require_staff)(request)
        data = valid(self.step_input, request)
        with precondition(request, period) as expected:
            self.step(actor, period, expected, data)
        return sent(s.IndicatorPeriodOut, permissions.access_indicator_period(actor, pk))


class PeriodReport(PeriodStep):
    """Report the period's actual: the responsible partner on its open or reported periods, programme managers
    on any period not locked. A new report needs verifying again."""

    step_input = s.ReportIn
    partners_create = True
    summaries = {"POST": "Report an indicator period's actual"}

    @extend_schema(request=s.ReportIn, responses={200: s.IndicatorPeriodOut})
    def post(self, request, pk):
        return super().post(request, pk)

    def step(self, actor, period, expected, data):
        indicators.report_actual(actor=actor, period_id=period.pk, expected_updated_at=expected, **data)


class PeriodVerify(PeriodStep):
    """A programme manager has checked the reported actual against its source: reported → verified."""

    summaries = {"POST": "Verify an indicator period"}

    @extend_schema(request=s.PeriodStepIn, responses={200: s.IndicatorPeriodOut})
    def post(self, request, pk):
        return super().post(request, pk)

    def step(self, actor, period, expected, data):
        indicators.verify_period(actor=actor, period_id=period.pk, expected_updated_at=expected)


class PeriodLock(PeriodStep):
    """Make a verified period final: verified → locked. Every change is then refused with 409 `period_locked`."""

    summaries = {"POST": "Lock an indicator period"}

    @extend_schema(request=s.PeriodStepIn, responses={200: s.IndicatorPeriodOut})
    def post(self, request, pk):
        return super().post(request, pk)

    def step(self, actor, period, expected, data):
        indicators.lock_period(actor=actor, period_id=period.pk, expected_updated_at=expected)


class PeriodUnlock(PeriodStep):
    """Open a locked period to changes again (it stays verified); the reason is kept in its history."""

    step_input = s.UnlockIn
    summaries = {"POST": "Unlock an indicator period"}

    @extend_schema(request=s.UnlockIn, responses={200: s.IndicatorPeriodOut})
    def post(self, request, pk):
        return super().post(request, pk)

    def step(self, actor, period, expected, data):
        indicators.unlock_period(actor=actor, period_id=period.pk, expected_updated_at=expected, **data)
