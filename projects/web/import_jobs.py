"""An import job's life: kept on upload, previewed, confirmed, imported all or nothing, each step exactly once.

A small file runs in the request; a larger one (more than IMPORT_INLINE_MAX_ROWS rows) runs on a Celery worker,
enqueued when the job is committed, while the page shows its progress. A redelivered or duplicated task is
harmless: a run claims the job, and its result is saved under the job's row lock only if the job is still
that run's, in the same transaction as the imported rows, so a file is never imported twice.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from projects.actors import Actor
from projects.web.importing import Outcome, run_import
from projects.web.models import ImportJob
from projects.web.spreadsheets import Limits, Sheet, UnreadableFile, read_sheet

# Jobs older than this are deleted when another is started: their files are no longer needed.
KEPT_FOR = timedelta(days=7)
PROGRESS_STEPS = 50


class Superseded(Exception):
    """Another run of the same job finished first, or the job moved on; this run's work is rolled back."""


def runs_inline(job: ImportJob) -> bool:
    return job.rows_total <= settings.IMPORT_INLINE_MAX_ROWS


def start_job(*, kind: str, name: str, content: bytes, sheet: Sheet, user) -> ImportJob:
    """Keep the file and plan its preview."""
    with transaction.atomic():
        ImportJob.objects.filter(created_at__lt=timezone.now() - KEPT_FOR).delete()
        job = ImportJob.objects.create(
            kind=kind, file_name=name, content=content, created_by=user, rows_total=len(sheet.rows)
        )
        enqueue(job)
    return job


def confirm_job(job_id: int) -> ImportJob:
    """Plan the import of a previewed file (the import checks every row again)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().defer("content").get(pk=job_id)
        if job.in_progress or job.imported:
            return job
        job.stage, job.state, job.rows_done, job.outcome, job.error = (
            ImportJob.Stage.IMPORT,
            ImportJob.State.QUEUED,
            0,
            None,
            "",
        )
        job.save(update_fields=["stage", "state", "rows_done", "outcome", "error"])
        enqueue(job)
    return job


def enqueue(job: ImportJob) -> None:
    if not runs_inline(job):
        from projects.web.tasks import run_import_job

        transaction.on_commit(lambda: run_import_job.delay(job.pk))


def run_job(job_id: int) -> str:
    """Preview or import the job's file, whichever stage it is at; a no-op for a job that is not waiting."""
    job = claim(job_id)
    if job is None:
        return "nothing to do"
    try:
        sheet = read_sheet(job.file_name, bytes(job.content), Limits.from_settings())
    except UnreadableFile as exc:
        return finish_alone(job, error=str(exc))
    progress = ProgressWriter(job)
    try:
        if job.stage == ImportJob.Stage.PREVIEW:
            outcome = run_import(job.kind, sheet, Actor(user=job.created_by), dry_run=True, progress=progress)
            return finish_alone(job, outcome=outcome)
        return import_all_or_nothing(job, sheet, progress)
    finally:
        progress.close()


def claim(job_id: int) -> ImportJob | None:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("created_by").filter(pk=job_id).first()
        if job is None or not job.in_progress:
            return None
        job.state, job.rows_done = ImportJob.State.RUNNING, 0
        job.save(update_fields=["state", "rows_done"])
    return job


def import_all_or_nothing(job: ImportJob, sheet: Sheet, progress: ProgressWriter) -> str:
    actor = Actor(user=job.created_by)
    try:
        # The job is marked imported in the rows' transaction: both commit, or neither.
        outcome = run_import(
            job.kind, sheet, actor, dry_run=False, progress=progress, then=lambda done: finish(job, outcome=done)
        )
    except Superseded:
        return "superseded"
    if outcome.failed:
        return finish_alone(job, outcome=outcome)
    return f"{job.stage} {ImportJob.State.FINISHED}"


def finish_alone(job: ImportJob, *, outcome: Outcome | None = None, error: str = "") -> str:
    try:
        with transaction.atomic():
            return finish(job, outcome=outcome, error=error)
    except Superseded:
        return "superseded"


def finish(job: ImportJob, *, outcome: Outcome | None = None, error: str = "") -> str:
    """Save this run's result, if the job is still this run's (call inside a transaction)."""
    locked = ImportJob.objects.select_for_update().defer("content").get(pk=job.pk)
    if locked.stage != job.stage or locked.state != ImportJob.State.RUNNING:
        raise Superseded
    locked.state = ImportJob.State.FAILED if error else ImportJob.State.FINISHED
    locked.error = error
    locked.outcome = outcome.as_json() if outcome else None
    locked.rows_done = locked.rows_total
    changed = ["state", "error", "outcome", "rows_done"]
    if locked.imported:
        locked.content = b""  # imported: the file is no longer needed
        changed.append("content")
    locked.save(update_fields=changed)
    return f"{locked.stage} {locked.state}"


def fail(job_id: int, message: str) -> None:
    """A run that stopped (time limit, retries exhausted) leaves the job failed, not running for ever."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is not None and job.in_progress:
            job.state, job.error = ImportJob.State.FAILED, message
            job.save(update_fields=["state", "error"])


class ProgressWriter:
    """Writes how many rows are done through a connection of its own, about every 2% of the file.

    The import's transaction hides its writes until it commits, and the page must see progress meanwhile.
    On SQLite (development) the import holds the database's one write lock, so only the stages show.
    """

    def __init__(self, job: ImportJob):
        self.job_id, self.step = job.pk, max(job.rows_total // PROGRESS_STEPS, 1)
        self.connection = connections.create_connection(DEFAULT_DB_ALIAS) if connection.vendor == "postgresql" else None

    def __call__(self, rows_done: int) -> None:
        if self.connection is None or rows_done % self.step:
            return
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ImportJob._meta.db_table} SET rows_done = %s WHERE id = %s",  # noqa: S608 (our table name)
                [rows_done, self.job_id],
            )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
