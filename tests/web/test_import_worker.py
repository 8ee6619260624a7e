"""A large import through a real Celery worker on the real Redis broker: previewed, confirmed, imported once."""

import time

import pytest
import redis
from django.urls import reverse

from projects.models import Agreement
from projects.web.models import ImportJob
from tests.brokers import celery_configured
from tests.conftest import IN_CI
from tests.notifications.mail_server import free_port
from tests.notifications.worker.conftest import REDIS_URL, TRANSPORT_OPTIONS, start_worker
from tests.web.test_import_jobs import agreements_csv
from tests.web.test_imports import upload

pytestmark = [pytest.mark.broker, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def import_worker(django_db_setup, tmp_path_factory):
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError as exc:
        if IN_CI:
            pytest.fail(f"Redis at {REDIS_URL} is not reachable ({exc}).")
        pytest.skip(f"Redis at {REDIS_URL} is not reachable ({exc}).")
    process = start_worker(REDIS_URL, TRANSPORT_OPTIONS, free_port(), tmp_path_factory.mktemp("import-worker"))
    yield process
    process.stop()


def wait_for(job_id: int, state: str, worker, timeout: float = 60) -> ImportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = ImportJob.objects.get(pk=job_id)
        if job.state == state:
            return job
        time.sleep(0.2)
    pytest.fail(f"The job is {job.state}, not {state}, after {timeout}s. Worker log:\n{worker.log_tail()}")


def test_a_worker_previews_then_imports_a_large_file_once(import_worker, manager_client, settings):
    settings.IMPORT_INLINE_MAX_ROWS = 3
    with celery_configured(broker_url=REDIS_URL, task_always_eager=False, broker_transport_options=TRANSPORT_OPTIONS):
        response = upload(manager_client, "agreements", "big.csv", agreements_csv(40))
        job = ImportJob.objects.get()
        assert response["Location"] == reverse("import-job", args=[job.pk])
        wait_for(job.pk, ImportJob.State.FINISHED, import_worker)
        preview = manager_client.get(response["Location"])
        assert [row.outcome for row in preview.context["rows"]] == ["new"] * 40
        assert not Agreement.objects.exists()
        manager_client.post(response["Location"])
        job = wait_for(job.pk, ImportJob.State.FINISHED, import_worker)
    assert job.imported and job.rows_done == 40
    assert "Imported 40 agreements from big.csv." in manager_client.get(response["Location"]).content.decode()
    assert Agreement.objects.count() == 40
