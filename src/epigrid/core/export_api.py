"""The exports API: the user's exports written in the background, one run, and its file.

A run is its user's alone, as on the pages (core.export_views): another user's answers 404
like a missing one, whoever asks. Each download of a file is written to the audit log. An app
starts its own kind of export (the roster: POST /api/registry/roster-exports).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpRequest
from ninja import Field, Query, Router, Schema

from epigrid.core import export_jobs
from epigrid.core.api import Page, PageParams, api_user, keyset_page, not_found
from epigrid.core.models import ExportRun

router = Router(tags=["exports"])


class ExportRunOut(Schema):
    id: int
    exporter: str
    format: str
    file_name: str
    status: str = Field(description="queued, running, done or failed")
    finished: bool
    rows: int = Field(description="Rows written so far")
    error: str
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    file_url: str | None = Field(
        description="Where to download the file once it is written; null before, after a "
                    f"failure, and once removed ({settings.RETAIN_EXPORT_FILES_DAYS} days on)")

    @staticmethod
    def resolve_file_url(run: ExportRun) -> str | None:
        if run.status != ExportRun.Status.DONE or not run.file:
            return None
        return f"/api/exports/{run.pk}/file"


def _mine(request: HttpRequest) -> Any:
    return ExportRun.objects.filter(user=api_user(request))


def get_run(request: HttpRequest, run_id: int) -> ExportRun:
    run = _mine(request).filter(pk=run_id).first()
    if run is None:
        raise not_found()
    return run


@router.get("/", response=Page[ExportRunOut], summary="My exports, newest first")
def list_runs(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    return keyset_page(_mine(request).defer("params"), params, newest_first=True)


@router.get("/{int:id}", response=ExportRunOut, summary="One of my exports: how far it is")
def get_one(request: HttpRequest, id: int) -> ExportRun:
    return get_run(request, id)


@router.get("/{int:id}/file", summary="Download an export's file (each download is logged)",
            response={200: None})
def download(request: HttpRequest, id: int) -> FileResponse:
    response = export_jobs.download(get_run(request, id))
    if response is None:
        raise not_found()
    return response
