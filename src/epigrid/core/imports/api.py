"""The imports API: upload a file to an importer, follow its run, read the rows it refused.

The same runs as the pages' (core.imports.views), by the same rules: a user who may run at
least one importer, a run seen by its user and by those who see everything (another's answers
404, like a missing one). A small file is imported while the request waits and the answer is
the finished run; a large one is queued for a worker, and `GET /api/imports/{id}` follows it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from epigrid.core.api import (
    InSchema,
    NumberedPage,
    NumberParams,
    Page,
    PageParams,
    api_user,
    field_errors,
    keyset_page,
    not_found,
    numbered_page,
)
from epigrid.core.imports import registry
from epigrid.core.imports.forms import ImportForm
from epigrid.core.imports.jobs import start_import
from epigrid.core.models import ImportRun

router = Router(tags=["imports"])
SHOWN_ERRORS = 200  # on a run's answer; the others page through /errors


class ImporterOut(Schema):
    name: str
    label: str


class ImportRunOut(Schema):
    id: int
    importer: str
    file_name: str
    sheet: str
    mode: str
    status: str = Field(description="queued, running, done, partial (some rows refused), "
                                    "rolled_back (all or nothing: nothing saved) or failed")
    finished: bool
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    rows_total: int
    rows_created: int
    rows_updated: int
    rows_unchanged: int
    rows_failed: int
    errors_total: int
    file_error: str


class RowErrorOut(Schema):
    row: int | None = Field(None, description="The file's row number, the header being row 1")
    column: str = ""
    value: str = ""
    message: str


class ImportRunDetailOut(ImportRunOut):
    errors: list[RowErrorOut] = Field(
        description=f"The first {SHOWN_ERRORS} refused rows' errors; GET .../errors pages "
                    "through them all")
    errors_purged: bool = Field(description="The errors were removed at the end of their "
                                            "retention time; the counts stay")


class UploadForm(InSchema):
    importer: str = Field(description="An importer's name, as GET /api/imports/importers lists")
    mode: str = Field(ImportRun.Mode.VALID_ROWS, description="valid_rows (save the valid rows, "
                      "report the others) or all_or_nothing")
    sheet: str = Field("", description="XLSX only: the sheet to read; empty for the first")


def _may_import(request: HttpRequest) -> Any:
    user = api_user(request)
    if not registry.importers_for(user):
        raise HttpError(403, _("Your role may not import records."))
    return user


def _run(request: HttpRequest, run_id: int) -> ImportRun:
    user = _may_import(request)
    run = ImportRun.objects.visible_to(user).filter(pk=run_id).first()
    if run is None:
        raise not_found()
    return run


def _detail(run: ImportRun) -> dict[str, Any]:
    return {**{name: getattr(run, name) for name in ImportRunOut.model_fields},
            "errors": run.errors[:SHOWN_ERRORS],
            "errors_purged": run.errors_total > 0 and not run.errors}


@router.get("/importers", response=list[ImporterOut], summary="The importers you may run")
def list_importers(request: HttpRequest) -> list[dict[str, str]]:
    return [{"name": importer.name, "label": str(importer.label)}
            for importer in registry.importers_for(api_user(request))]


@router.get("/", response=Page[ImportRunOut], summary="Imports you may see, newest first")
def list_runs(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    user = _may_import(request)
    return keyset_page(ImportRun.objects.visible_to(user).defer("errors"), params,
                       newest_first=True)


@router.post("/", response={201: ImportRunDetailOut},
             summary="Import a CSV or XLSX file (multipart form: importer, mode, sheet, file)")
def upload(request: HttpRequest, form: Form[UploadForm],
           file: File[UploadedFile]) -> Status:
    user = _may_import(request)
    checked = ImportForm(form.model_dump(), MultiValueDict({"file": [file]}), user=user)
    if not checked.is_valid():
        raise field_errors({name: [str(message) for message in messages]
                            for name, messages in checked.errors.items()}, "form")
    data = checked.cleaned_data
    run = start_import(data["importer"], data["file"], data["mode"], user,
                       sheet=data["sheet"].strip())
    return Status(201, _detail(run))


@router.get("/{int:id}", response=ImportRunDetailOut, summary="One import: how it went")
def get_run(request: HttpRequest, id: int) -> dict[str, Any]:
    return _detail(_run(request, id))


@router.get("/{int:id}/errors", response=NumberedPage[RowErrorOut],
            summary="The rows an import refused, and why, in the file's order")
def list_errors(request: HttpRequest, id: int, params: Query[NumberParams]) -> dict[str, Any]:
    run = _run(request, id)
    rows = run.errors[params.offset:params.offset + params.limit + 1]
    items, next_page = numbered_page(rows, params)
    return {"items": items, "next_page": next_page}
