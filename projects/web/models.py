"""An import on its way from the uploaded file through the preview to the import itself."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q


class ImportJob(models.Model):
    """One uploaded file, kept until it is imported so the confirmation never carries the file again.

    A large file is previewed and imported by a Celery worker; `rows_done` is the progress the page shows.
    """

    class Stage(models.TextChoices):
        PREVIEW = "preview", "Preview"
        IMPORT = "import", "Import"

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20)
    file_name = models.CharField(max_length=255)
    content = models.BinaryField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.PREVIEW)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    outcome = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(rows_done__lte=F("rows_total")),
                name="import_job_done_within_total",
                violation_error_code="invalid",
                violation_error_message="An import cannot have done more rows than its file holds.",
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
