"""The import pages: upload a CSV or XLSX file, see the preview, confirm; and a template file per kind.

The uploaded file is kept with its job, so the confirmation carries only the job's number and the import
re-reads the file it previewed. Nothing is saved until the confirmation, and a file with any error imports
nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views import View

from projects.web.access import ManagerRequiredMixin
from projects.web.forms import ImportForm
from projects.web.import_jobs import confirm_job, run_job, runs_inline, start_job
from projects.web.importing import Outcome, check_columns
from projects.web.models import ImportJob
from projects.web.resources import IMPORTS
from projects.web.sheet_files import SHEET_TYPES, sheet_response
from projects.web.spreadsheets import Limits, UnreadableFile, check_size, read_sheet

TEMPLATE = "projects/import.html"
# Seconds between reloads of a page whose job is still running (a Refresh header: no script needed).
REFRESH_SECONDS = 2


# What each kind of import is called on the page (the kind itself is the URL's and the job's code).
KIND_NAMES = {
    "agreements": pgettext_lazy("import", "agreements"),
    "milestones": pgettext_lazy("import", "milestones"),
    "commitments": pgettext_lazy("import", "commitments"),
    "indicator-periods": pgettext_lazy("import", "indicator periods"),
}


def import_page(request, kind: str, **context) -> HttpResponse:
    return render(
        request,
        TEMPLATE,
        {
            "kind": kind,
            "kind_label": KIND_NAMES[kind],
            "kinds": [(name, KIND_NAMES[name]) for name in IMPORTS],
            "columns": IMPORTS[kind].columns(),
            "form": ImportForm(),
            "limits": Limits.from_settings(),
            **context,
        },
    )


def job_page(request, job: ImportJob) -> HttpResponse:
    outcome = Outcome.from_json(job.outcome) if job.outcome else None
    shown = {"outcome": outcome, "rows": outcome.rows, "failed": outcome.failed} if outcome else {}
    response = import_page(request, job.kind, job=job, **shown)
    if job.in_progress:
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


def known_kind(kind: str) -> str:
    if kind not in IMPORTS:
        raise Http404
    return kind


class ImportView(ManagerRequiredMixin, View):
    """Upload: a file that cannot be read is refused whole; a readable one becomes a job and its preview."""

    def get(self, request, kind):
        return import_page(request, known_kind(kind))

    def post(self, request, kind):
        kind = known_kind(kind)
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return import_page(request, kind, form=form)
        upload = form.cleaned_data["file"]
        try:
            content = self.read_upload(upload)
            sheet = read_sheet(upload.name, content, Limits.from_settings())
            check_columns(kind, sheet)
        except UnreadableFile as exc:
            return import_page(request, kind, file_error=str(exc))
        job = start_job(kind=kind, name=upload.name, content=content, sheet=sheet, user=request.user)
        return run_or_follow(request, job)

    @staticmethod
    def read_upload(upload) -> bytes:
        """Refused by its size before it is read into memory."""
        check_size(upload.size, Limits.from_settings())
        return upload.read()


class ImportJobView(ManagerRequiredMixin, View):
    """A job's page: its progress while a worker runs it, then its preview or result; posting confirms it."""

    def get(self, request, pk):
        return job_page(request, self.own_job(request, pk))

    def post(self, request, pk):
        job = confirm_job(self.own_job(request, pk).pk)
        return run_or_follow(request, job)

    @staticmethod
    def own_job(request, pk: int) -> ImportJob:
        return get_object_or_404(ImportJob.objects.defer("content"), pk=pk, created_by=request.user)


def run_or_follow(request, job: ImportJob) -> HttpResponse:
    """A small file's job runs here and now; a large one's page follows the worker."""
    if not runs_inline(job):
        return redirect("import-job", job.pk)
    run_job(job.pk)
    job = ImportJob.objects.defer("content").get(pk=job.pk)
    if job.imported:
        messages.success(
            request,
            _("Imported %(count)s %(what)s from %(name)s.")
            % {"count": job.rows_total, "what": KIND_NAMES[job.kind], "name": job.file_name},
        )
        return redirect("agreement-list")
    return job_page(request, job)


class ImportTemplateView(ManagerRequiredMixin, View):
    """An empty file with the columns an import reads, to fill in."""

    def get(self, request, kind, file_type):
        if file_type not in SHEET_TYPES:
            raise Http404
        return sheet_response(f"{known_kind(kind)}-template", file_type, IMPORTS[kind].columns(), [])
