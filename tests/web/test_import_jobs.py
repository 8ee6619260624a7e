"""A file above IMPORT_INLINE_MAX_ROWS is previewed and imported by a Celery job, enqueued on commit, while the
page shows its progress; the job runs each step once, however often its task is delivered."""

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import connections, transaction
from django.urls import reverse

from projects.models import Agreement
from projects.web.import_jobs import ProgressWriter, run_job
from projects.web.models import ImportJob
from projects.web.tasks import run_import_job
from tests.brokers import celery_configured
from tests.factories import StaffUserFactory
from tests.web.conftest import signed_in
from tests.web.test_imports import upload
from tracker.celery import app as celery_app

HEADER = "reference,title,kind,currency,budget\n"


def agreements_csv(rows: int, *, bad_row: int | None = None) -> bytes:
    budgets = ["lots" if n == bad_row else '"1,000"' for n in range(rows)]
    lines = [f"UA-JOB-{n:04d},Line {n},training,EUR,{budget}\n" for n, budget in enumerate(budgets)]
    return (HEADER + "".join(lines)).encode()


@pytest.fixture
def small_inline_limit(settings):
    settings.IMPORT_INLINE_MAX_ROWS = 3


def test_the_import_task_is_registered_with_celery():
    assert "projects.web.tasks.run_import_job" in celery_app.tasks


def test_a_large_file_is_previewed_and_imported_by_the_job_with_progress_on_the_page(
    manager_client, small_inline_limit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        response = upload(manager_client, "agreements", "big.csv", agreements_csv(5))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("import-job", args=[job.pk])
    assert len(queued) == 1  # enqueued when the job is committed, not before

    waiting = manager_client.get(response["Location"])
    assert waiting["Refresh"] == "2"
    assert (
        "Checking big.csv" in waiting.content.decode() and "Waiting for a worker to start." in waiting.content.decode()
    )
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING, rows_done=2)
    running = manager_client.get(response["Location"]).content.decode()
    assert "2 of 5 rows checked." in running and '<progress max="5" value="2">' in running

    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.QUEUED, rows_done=0)
    queued[0]()  # the eager task on the memory:// broker, as the worker would run it
    preview = manager_client.get(response["Location"])
    assert "Refresh" not in preview
    assert [row.outcome for row in preview.context["rows"]] == ["new"] * 5
    assert not Agreement.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = manager_client.post(response["Location"])
    assert confirmed.status_code == 302
    done = manager_client.get(response["Location"]).content.decode()
    assert "Imported 5 agreements from big.csv." in done
    assert Agreement.objects.count() == 5
    job.refresh_from_db()
    assert (job.stage, job.state, job.rows_done, bytes(job.content)) == ("import", "finished", 5, b"")


def test_a_redelivered_or_repeated_job_imports_nothing_twice(manager_client, small_inline_limit):
    upload(manager_client, "agreements", "big.csv", agreements_csv(5))  # on_commit never runs in this test
    job = ImportJob.objects.get()
    assert run_import_job.delay(job.pk).get() == "preview finished"
    assert run_import_job.delay(job.pk).get() == "nothing to do"
    manager_client.post(reverse("import-job", args=[job.pk]))
    assert run_import_job.delay(job.pk).get() == "import finished"
    assert run_import_job.delay(job.pk).get() == "nothing to do"
    manager_client.post(reverse("import-job", args=[job.pk]))  # confirming an imported file again does nothing
    assert run_job(job.pk) == "nothing to do"
    assert Agreement.objects.count() == 5


def test_a_job_that_finds_an_error_imports_nothing_and_says_which_row(manager_client, small_inline_limit):
    upload(manager_client, "agreements", "big.csv", agreements_csv(5, bad_row=3))
    job = ImportJob.objects.get()
    run_job(job.pk)
    manager_client.post(reverse("import-job", args=[job.pk]))  # forced past a failed preview
    assert run_job(job.pk) == "import finished"
    page = manager_client.get(reverse("import-job", args=[job.pk]))
    assert "Import refused" in page.content.decode()
    assert [(row.number, row.outcome) for row in page.context["rows"] if row.errors] == [(5, "error")]
    assert not Agreement.objects.exists()


def test_a_job_whose_run_stopped_says_so_instead_of_running_for_ever(manager_client, small_inline_limit, settings):
    upload(manager_client, "agreements", "big.csv", agreements_csv(5))
    job = ImportJob.objects.get()
    settings.IMPORT_MAX_ROWS = 4  # the limit was lowered after the upload: the job re-reads the file
    assert run_job(job.pk) == "preview failed"
    page = manager_client.get(reverse("import-job", args=[job.pk])).content.decode()
    assert "big.csv was not checked" in page and "The file has more than 4 rows" in page


def test_someone_elses_job_is_not_found(manager_client, small_inline_limit, staff_user):
    upload(manager_client, "agreements", "big.csv", agreements_csv(5))
    job = ImportJob.objects.get()
    other = signed_in(StaffUserFactory())
    assert other.get(reverse("import-job", args=[job.pk])).status_code == 404
    assert other.post(reverse("import-job", args=[job.pk])).status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_while_the_imports_transaction_is_still_open(staff_user):
    job = ImportJob.objects.create(kind="agreements", file_name="big.csv", content=b"", created_by=staff_user)
    ImportJob.objects.filter(pk=job.pk).update(rows_total=100)
    job.refresh_from_db()
    progress = ProgressWriter(job)
    reader = connections.create_connection("default")
    try:
        with transaction.atomic():  # as the import holds its rows uncommitted
            for row in range(1, 41):
                progress(row)
            with reader.cursor() as cursor:
                cursor.execute("SELECT rows_done FROM web_importjob WHERE id = %s", [job.pk])
                assert cursor.fetchone() == (40,)
    finally:
        progress.close()
        reader.close()


def test_a_job_stopped_by_an_error_or_the_time_limit_is_marked_failed_not_left_running(staff_user, settings):
    settings.IMPORT_JOB_TIME_LIMIT = 1800
    broken = ImportJob.objects.create(
        kind="no-such-kind", file_name="big.csv", content=agreements_csv(5), created_by=staff_user, rows_total=5
    )
    with celery_configured(task_eager_propagates=False):  # a worker catches the error and runs on_failure
        assert isinstance(run_import_job.delay(broken.pk).result, KeyError)
    broken.refresh_from_db()
    assert (broken.state, broken.error) == (
        "failed",
        "The import stopped on an unexpected error; nothing was saved. Try again later.",
    )
    slow = ImportJob.objects.create(
        kind="agreements", file_name="big.csv", content=b"", created_by=staff_user, state=ImportJob.State.RUNNING
    )
    run_import_job.on_failure(SoftTimeLimitExceeded(), "task-id", (slow.pk,), {}, None)
    slow.refresh_from_db()
    assert slow.error == (
        "The file took longer than 30 minutes, the longest an import may run; nothing was saved. "
        "Split it into smaller files."
    )
