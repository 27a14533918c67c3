"""Pages of imports: upload a file, see how a run went, download its error report."""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from epigrid.core import audit
from epigrid.core.imports import registry
from epigrid.core.imports.forms import ImportForm
from epigrid.core.imports.jobs import start_import
from epigrid.core.imports.report import write_error_report
from epigrid.core.models import ImportRun

SHOWN_ERRORS = 200
RECENT_RUNS = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_import(request: HttpRequest) -> None:
    """The pages are for whoever may run at least one importer."""
    if not registry.importers_for(request.user):
        raise PermissionDenied


def _visible_run(request: HttpRequest, pk: int) -> ImportRun:
    """Someone else's run answers 404, like a missing one."""
    return get_object_or_404(ImportRun.objects.visible_to(request.user), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    _require_import(request)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user,
                      initial={"importer": request.GET.get("importer", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        run = start_import(data["importer"], data["file"], data["mode"], request.user,
                           sheet=data["sheet"].strip())
        return redirect("imports:detail", pk=run.pk)
    return render(request, "imports/new.html", {"form": form})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_import(request)
    run = _visible_run(request, pk)
    try:
        label = registry.get_importer(run.importer).label
    except LookupError:
        label = run.importer
    return render(request, "imports/detail.html", {
        "run": run, "importer_label": label, "errors": run.errors[:SHOWN_ERRORS],
        "more_errors": max(0, run.errors_total - SHOWN_ERRORS),
        # Removed past the retention limit (core.retention); the counts stay.
        "errors_purged": run.errors_total > 0 and not run.errors,
        "retain_days": settings.RETAIN_IMPORT_ERRORS_DAYS,
        "stranded_minutes": settings.IMPORT_STRANDED_MINUTES})


@login_required
def report(request: HttpRequest, pk: int) -> FileResponse:
    _require_import(request)
    run = _visible_run(request, pk)
    audit.record("export", model=ImportRun._meta.label, object_pk=run.pk,
                 object_repr=f"error report of {run.file_name}"[:200], area_path=run.area_path)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    write_error_report(run, spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"import-{run.pk}-errors.xlsx",
                        content_type=XLSX)


@login_required
def runs(request: HttpRequest) -> HttpResponse:
    _require_import(request)
    recent = ImportRun.objects.visible_to(request.user).select_related("user")[:RECENT_RUNS]
    labels = {importer.name: importer.label for importer in registry.importers()}
    return render(request, "imports/list.html", {
        "runs": [(run, labels.get(run.importer, run.importer)) for run in recent]})
