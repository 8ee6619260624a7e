"""An import on its way from the uploaded file through the preview to the import itself."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    """One uploaded file, kept until it is imported so the confirmation never carries the file again.

    A large file is previewed and imported by a Celery worker; `rows_done` is the progress the page shows.
    """

    class Stage(models.TextChoices):
        PREVIEW = "preview", _("Preview")
        IMPORT = "import", _("Import")

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=20, verbose_name=_("kind"))
    file_name = models.CharField(max_length=255, verbose_name=_("file name"))
    content = models.BinaryField(verbose_name=_("content"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.PREVIEW, verbose_name=_("stage"))
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED, verbose_name=_("state"))
    rows_total = models.PositiveIntegerField(default=0, verbose_name=_("rows total"))
    rows_done = models.PositiveIntegerField(default=0, verbose_name=_("rows done"))
    outcome = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder, verbose_name=_("outcome"))
    error = models.TextField(blank=True, verbose_name=_("error"))

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        constraints = [
            models.CheckConstraint(
                condition=Q(rows_done__lte=F("rows_total")),
                name="import_job_done_within_total",
                violation_error_code="invalid",
                violation_error_message=_("An import cannot have done more rows than its file holds."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} of {self.kind} from {self.file_name} ({self.get_state_display()})"

    @property
    def in_progress(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def imported(self) -> bool:
        return self.stage == self.Stage.IMPORT and self.state == self.State.FINISHED and not self.outcome["failed"]
