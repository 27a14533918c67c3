"""The exports written in the background (core.export_jobs): the user's list, the page of one,
and its file.

A run is its user's alone: another user's, or a missing one, answers 404 alike; the list shows
the user's own and nobody else's, whatever their role (an admin's included).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from epigrid.core import export_jobs
from epigrid.core.models import ExportRun
from epigrid.core.paging import keyset


def get_export_for_user(request: HttpRequest, pk: int) -> ExportRun:
    return get_object_or_404(ExportRun, pk=pk, user_id=request.user.pk)


@login_required
@require_GET
def runs(request: HttpRequest) -> HttpResponse:
    """The user's exports, newest first: the way back to a file once its page is closed."""
    mine = ExportRun.objects.filter(user=request.user).defer("params", "error")  # type: ignore[misc]
    page, next_after = keyset(mine, request, newest_first=True)
    return render(request, "exports/list.html", {
        "runs": page, "next_after": next_after,
        "retain_days": settings.RETAIN_EXPORT_FILES_DAYS})


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_export_for_user(request, pk)
    return render(request, "exports/detail.html", {
        "run": run, "retain_days": settings.RETAIN_EXPORT_FILES_DAYS,
        "stranded_minutes": settings.IMPORT_STRANDED_MINUTES})


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    response = export_jobs.download(get_export_for_user(request, pk))
    if response is None:
        raise Http404
    return response
