"""Importing agreements, milestones and commitments from CSV or XLSX: a dry-run preview, then the import.

The preview runs every row through the services in a transaction that is rolled back, so it lists
exactly the errors the import would meet. The file travels back with the confirmation as a hidden
field; the import re-checks every row, so nothing in it is trusted.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import Http404
from django.shortcuts import redirect, render
from django.views import View
from import_export.formats.base_formats import CSV, XLSX
from import_export.results import RowResult

from projects.actors import actor_of
from projects.web.access import ManagerRequiredMixin
from projects.web.forms import ImportForm
from projects.web.resources import IMPORTS

FORMATS = {".csv": CSV, ".xlsx": XLSX}
# The confirmation posts the file back base64-encoded (4/3 of its size), within Django's default
# 2.5 MB limit on a request body without files (DATA_UPLOAD_MAX_MEMORY_SIZE).
MAX_BYTES = 1_500_000


class UnreadableFile(ValueError):
    pass


@dataclass
class PreviewRow:
    number: int
    values: list
    outcome: str
    errors: list[str] = field(default_factory=list)


def read_dataset(name: str, content: bytes):
    file_format = FORMATS.get(Path(name).suffix.lower())
    if file_format is None:
        raise UnreadableFile("Upload a .csv or .xlsx file.")
    try:
        if file_format is CSV:
            return CSV().create_dataset(content.decode("utf-8-sig"))
        return XLSX().create_dataset(content)
    except Exception as exc:  # tablib and openpyxl raise many types for a damaged file
        raise UnreadableFile(f"This file cannot be read as {file_format().get_title()}: {exc}") from exc


def preview_rows(dataset, result) -> list[PreviewRow]:
    rows = []
    for number, (values, row_result) in enumerate(zip(dataset, result.rows, strict=False), 1):
        errors = []
        if row_result.validation_error is not None:
            for name, messages_ in row_result.validation_error.message_dict.items():
                prefix = "" if name == NON_FIELD_ERRORS else f"{name}: "
                errors += [f"{prefix}{message}" for message in messages_]
        errors += [str(error.error) for error in row_result.errors]
        outcome = {
            RowResult.IMPORT_TYPE_NEW: "new",
            RowResult.IMPORT_TYPE_UPDATE: "update",
            RowResult.IMPORT_TYPE_SKIP: "unchanged",
        }.get(row_result.import_type, "error")
        rows.append(PreviewRow(number, list(values), outcome if not errors else "error", errors))
    return rows


class ImportView(ManagerRequiredMixin, View):
    template_name = "projects/import.html"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["kind"] not in IMPORTS:
            raise Http404
        self.kind = kwargs["kind"]
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, **context):
        resource = IMPORTS[self.kind]()
        columns = [f.column_name for f in resource.get_import_fields()]
        return render(
            self.request, self.template_name, {"kind": self.kind, "kinds": list(IMPORTS), "columns": columns, **context}
        )

    def get(self, request, kind):
        return self.render_page(form=ImportForm())

    def post(self, request, kind):
        confirmed = "content" in request.POST
        form = ImportForm(request.POST, request.FILES)
        if confirmed:
            name = request.POST.get("name", "")
            try:
                content = base64.b64decode(request.POST["content"], validate=True)
            except (binascii.Error, ValueError):
                return self.render_page(form=ImportForm(), file_error="The upload was damaged; choose the file again.")
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_BYTES:
                form.add_error("file", "The file is larger than 1.5 MB; split it into several imports.")
                return self.render_page(form=form)
            name, content = upload.name, upload.read()
        else:
            return self.render_page(form=form)
        try:
            dataset = read_dataset(name, content)
        except UnreadableFile as exc:
            form = ImportForm()
            return self.render_page(form=form, file_error=str(exc))
        resource = IMPORTS[self.kind](actor=actor_of(request))
        result = resource.import_data(
            dataset, dry_run=not confirmed, use_transactions=True, rollback_on_validation_errors=True
        )
        failed = result.has_errors() or result.has_validation_errors()
        if confirmed and not failed:
            messages.success(request, f"Imported {len(dataset)} {self.kind} from {name}.")
            return redirect("agreement-list")
        return self.render_page(
            form=ImportForm(),
            name=name,
            content=base64.b64encode(content).decode(),
            headers=dataset.headers,
            rows=preview_rows(dataset, result),
            base_errors=[str(error.error) for error in result.base_errors],
            failed=failed,
            confirmed=confirmed,
        )
