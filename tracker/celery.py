"""The Celery application; configuration comes from Django settings under the CELERY_ prefix."""

import gc
import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def freeze_startup_objects(**_signal) -> None:
    """Keep what a worker process loaded at start (modules, settings, URLs) out of the garbage collector's scans.

    They live as long as the process; without this, every full collection walks them again, and a digest
    batch allocates enough rows to trigger several (about 1 ms of CPU a digest).
    """
    gc.freeze()
