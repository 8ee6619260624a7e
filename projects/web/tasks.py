"""The Celery job that previews or imports a large file; Celery finds it here by autodiscovery."""

from __future__ import annotations

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _


class ImportTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        """Whatever stopped the run, the page says so instead of showing it running for ever."""
        from projects.web.import_jobs import fail

        if isinstance(exc, SoftTimeLimitExceeded):
            message = _(
                "The file took longer than %(minutes)s minutes, the longest an import may run; nothing was saved. "
                "Split it into smaller files."
            ) % {"minutes": settings.IMPORT_JOB_TIME_LIMIT // 60}
        else:
            message = _("The import stopped on an unexpected error; nothing was saved. Try again later.")
        fail(args[0] if args else kwargs["job_id"], message)


@shared_task(
    base=ImportTask,
    autoretry_for=(OperationalError, InterfaceError),  # the database went away or a deadlock: run it again
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.IMPORT_JOB_TIME_LIMIT,
    time_limit=settings.IMPORT_JOB_TIME_LIMIT + 60,
)
def run_import_job(job_id: int) -> str:
    """Preview or import one job's file; a no-op when the job is not waiting (a redelivered task)."""
    from projects.web.import_jobs import run_job

    return run_job(job_id)
