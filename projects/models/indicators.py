"""Indicators of an agreement (capacity of a line, output delivered) and their figures period by period."""

from __future__ import annotations

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeBoundary, RangeOperators
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import F, Func, Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from projects.attribution import history_records
from projects.choices import IndicatorKind, PeriodState
from projects.models.agreements import PartyScopedQuerySet
from projects.models.base import FieldCheckConstraint, FieldUniqueConstraint, ReportedBeside, Timestamped, one_of
from projects.models.provenance import Provenance


class IndicatorQuerySet(PartyScopedQuerySet):
    pass


class Indicator(Timestamped):
    """One thing an agreement counts: units a line can make per year (capacity) or units delivered (output)."""

    agreement = models.ForeignKey(
        "projects.Agreement", on_delete=models.CASCADE, related_name="indicators", verbose_name=_("agreement")
    )
    title = models.CharField(_("title"), max_length=250)
    kind = models.CharField(_("kind"), max_length=16, choices=IndicatorKind.choices)
    unit = models.CharField(
        _("unit"), max_length=60, help_text=_("What is counted, e.g. interceptor drones, 155 mm shells, specialists.")
    )
    capability = models.ForeignKey(
        "projects.Capability", on_delete=models.PROTECT, related_name="indicators", verbose_name=_("capability")
    )
    responsible = models.ForeignKey(
        "projects.Organization",
        on_delete=models.PROTECT,
        related_name="responsible_indicators",
        verbose_name=_("responsible"),
        help_text=_("The party that reports the actuals."),
    )
    baseline = models.PositiveBigIntegerField(_("baseline"), default=0, help_text=_("Where the count stood before."))
    target = models.PositiveBigIntegerField(
        _("target"), help_text=_("Capacity: units a year the line is to make. Output: units to deliver in all.")
    )

    history = history_records()
    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["agreement", "kind", "title", "pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            one_of("kind", IndicatorKind, name="indicator_kind_valid", message=_("Choose capacity or output.")),
            FieldCheckConstraint(
                condition=~Q(unit=""),
                name="indicator_has_unit",
                field="unit",
                violation_error_code="constraint",
                violation_error_message=_("Say what is counted."),
            ),
            FieldUniqueConstraint(
                fields=["agreement", "title"],
                name="indicator_title_unique",
                field="title",
                violation_error_code="duplicate",
                violation_error_message=_("This agreement already has an indicator with this title."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DateRangesApart(ReportedBeside, ExclusionConstraint):
    """Rows with the same `scope` never share a day between `start` and `end` (both days included).

    PostgreSQL enforces it with an exclusion constraint (GiST, btree_gist for the equality). SQLite, which
    `make run` uses, has none: there the rule is checked when a row is validated, as every service does.
    """

    def __init__(self, *, name, scope, start, end, field, **options):
        options.pop("expressions", None)  # rebuilt from scope, start and end
        self.scope, self.start, self.end = scope, start, end
        days = Func(
            F(start),
            F(end),
            RangeBoundary(inclusive_lower=True, inclusive_upper=True),
            function="daterange",
            output_field=DateRangeField(),
        )
        super().__init__(
            name=name,
            field=field,
            expressions=[(scope, RangeOperators.EQUAL), (days, RangeOperators.OVERLAPS)],
            **options,
        )

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        kwargs.pop("expressions")
        return path, args, {**kwargs, "scope": self.scope, "start": self.start, "end": self.end}

    @staticmethod
    def _postgres(schema_editor) -> bool:
        return schema_editor.connection.vendor == "postgresql"

    def constraint_sql(self, model, schema_editor):
        return super().constraint_sql(model, schema_editor) if self._postgres(schema_editor) else None

    def create_sql(self, model, schema_editor):
        return super().create_sql(model, schema_editor) if self._postgres(schema_editor) else None

    def remove_sql(self, model, schema_editor):
        return super().remove_sql(model, schema_editor) if self._postgres(schema_editor) else None

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        start, end = getattr(instance, self.start), getattr(instance, self.end)
        if start is None or end is None or start > end:
            return None  # no range to compare: the field and date-order rules report that
        if connections[using].vendor == "postgresql":
            return super().validate(model, instance, exclude, using)
        if exclude and {self.scope, self.start, self.end} & set(exclude):
            return None
        others = model._default_manager.using(using).filter(
            **{
                f"{self.scope}_id": getattr(instance, f"{self.scope}_id"),
                f"{self.start}__lte": end,
                f"{self.end}__gte": start,
            }
        )
        if instance.pk is not None:
            others = others.exclude(pk=instance.pk)
        if others.exists():
            violation = ValidationError(self.get_violation_error_message(), code=self.violation_error_code)
            raise ValidationError({self.field: violation})
        return None


class IndicatorPeriodQuerySet(PartyScopedQuerySet):
    agreement_lookup = "indicator__agreement"


VERIFIED_STATES = [PeriodState.VERIFIED, PeriodState.LOCKED]


class IndicatorPeriod(Provenance, Timestamped):
    """An indicator's figure for one stretch of time: open → reported → verified → locked.

    A locked period is final: every change is refused until a programme manager unlocks it, giving a reason.
    """

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="periods", verbose_name=_("indicator")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    target = models.PositiveBigIntegerField(_("target"), null=True, blank=True, help_text=_("For this period."))
    actual = models.PositiveBigIntegerField(_("actual"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=PeriodState.choices, default=PeriodState.OPEN)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)

    # Unlock reasons can be long: the history library's default column holds 100 characters.
    history = history_records(history_change_reason_field=models.TextField(null=True))
    objects = IndicatorPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "starts_on", "pk"]
        verbose_name = _("indicator period")
        verbose_name_plural = _("indicator periods")
        constraints = [
            *Provenance.Meta.constraints,
            FieldCheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="period_ends_after_start",
                field="ends_on",
                violation_error_code="constraint",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            one_of("state", PeriodState, name="period_state_valid", message=_("Choose one of the listed states.")),
            FieldCheckConstraint(
                condition=(
                    Q(state=PeriodState.OPEN, actual__isnull=True, reported_at__isnull=True)
                    | (~Q(state=PeriodState.OPEN) & Q(actual__isnull=False, reported_at__isnull=False))
                ),
                name="period_actual_iff_reported",
                field="actual",
                violation_error_code="constraint",
                violation_error_message=_("A period has an actual, and the time it was reported, once reported."),
            ),
            FieldCheckConstraint(
                condition=Q(state__in=VERIFIED_STATES, verified_at__isnull=False)
                | (~Q(state__in=VERIFIED_STATES) & Q(verified_at__isnull=True)),
                name="period_verified_iff_state",
                field="state",
                violation_error_code="constraint",
                violation_error_message=_("A verified or locked period names who verified it and when; others not."),
            ),
            FieldCheckConstraint(
                condition=Q(reported_at__isnull=False)
                | Q(reported_by_user__isnull=True, reported_by_organization__isnull=True),
                name="period_reporter_has_time",
                field="reported_at",
                violation_error_code="constraint",
                violation_error_message=_("A reporter is recorded with the time of the report."),
            ),
            DateRangesApart(
                name="period_no_overlap",
                scope="indicator",
                start="starts_on",
                end="ends_on",
                field="starts_on",
                violation_error_code="constraint",
                violation_error_message=_("This period overlaps another period of the same indicator."),
            ),
        ]

    def __str__(self) -> str:
        # Month names in the page's language.
        return f"{self.indicator}: {date_format(self.starts_on, 'd M Y')} – {date_format(self.ends_on, 'd M Y')}"

    @property
    def is_locked(self) -> bool:
        return self.state == PeriodState.LOCKED
