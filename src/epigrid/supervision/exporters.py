"""Exports of supervision 督查, registered in SupervisionConfig.ready().

- `supervision_tasks`: the task ledger 督办台账, a row per task, oldest set first: the serial of
  its document, the title, the area handling it, its part, the desk that set it, the day set,
  the due day, the status, the days overdue, the reminders, when it was reported done, the
  report, when it was closed, and for a part handed down the desk that set the task it is part
  of. Days overdue are counted to the day it was reported done (the
  area's part ended there), to today while in hand; a withdrawn task has none.
- `supervision_findings`: a row per inspection finding 整改台账, by inspection day: the day,
  what was inspected, the area, the inspectors, the finding, its severity, the day to put it
  right by, the status, the rectification, when rectified and when verified.

Both are read in one query (their related rows joined) and streamed by the framework. They are
scoped like the other exports: `epigrid export KIND [--within AREA_CODE] [--user NAME]` (what that
user sees), and, for a page or the API, a background run (core.export_jobs) started by
`start_supervision_export()` with the user's subtree, narrowed to an area of it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext_lazy

from epigrid.areas.export_runs import AreaExports, within_code
from epigrid.core.exports import Column, field
from epigrid.core.imports.registry import ExportSpec
from epigrid.supervision.models import Finding, Task, TaskStatus

TASKS, FINDINGS = "supervision_tasks", "supervision_findings"


# --- the task ledger ---------------------------------------------------------------------------

def tasks(within: str | None = None) -> QuerySet[Any]:
    rows = (Task.objects.select_related("document", "area", "issuer_area", "parent__issuer_area")
            .order_by("created_at", "id"))
    return within_code(rows, within)


def _set_on(task: Task) -> Any:
    return timezone.localdate(task.created_at)


def days_overdue(task: Task) -> int | None:
    """Whole days past the due day: to the day reported done, or to today while in hand;
    None for a withdrawn task."""
    if task.status == TaskStatus.CANCELLED:
        return None
    until = (timezone.localdate(task.reported_at) if task.reported_at is not None
             else timezone.localdate())
    return task.days_past_due(until)


TASK_COLUMNS = [
    Column(gettext_lazy("Document serial"), field("document.serial")),
    Column(gettext_lazy("Title"), field("title")),
    Column(gettext_lazy("Handled by"), field("area.name")),
    Column(gettext_lazy("Part"), field("part")),
    Column(gettext_lazy("Set by"), field("issuer_area.name")),
    Column(gettext_lazy("Set on"), _set_on),
    Column(gettext_lazy("Due on"), field("due_on")),
    Column(gettext_lazy("Status"), field("status")),
    Column(gettext_lazy("Days overdue"), days_overdue),
    Column(gettext_lazy("Reminders"), field("reminders")),
    Column(gettext_lazy("Reported at"), field("reported_at")),
    Column(pgettext_lazy("task", "Report"), field("report")),  # 办理情况, not a daily report
    Column(gettext_lazy("Closed at"), field("closed_at")),
    # A part handed down 分解下达: whose task it is part of (its own "Set by" is the desk that
    # handed it down). Blank for a task set whole.
    Column(gettext_lazy("Part of the task set by"), field("parent.issuer_area.name")),
]


# --- the findings ------------------------------------------------------------------------------

def findings(within: str | None = None) -> QuerySet[Any]:
    rows = (Finding.objects.select_related("inspection__area")
            .order_by("inspection__inspected_on", "inspection_id", "id"))
    return within_code(rows, within)


FINDING_COLUMNS = [
    Column(gettext_lazy("Inspected on"), field("inspection.inspected_on")),
    Column(gettext_lazy("What was inspected"), field("inspection.subject")),
    Column(gettext_lazy("Area"), field("inspection.area.name")),
    Column(gettext_lazy("Inspectors"), field("inspection.inspectors")),
    Column(gettext_lazy("Finding"), field("description")),
    Column(pgettext_lazy("finding", "Severity"), field("severity")),  # not a patient's
    Column(gettext_lazy("Rectify by"), field("rectify_by")),
    Column(gettext_lazy("Status"), field("status")),
    Column(gettext_lazy("Rectification"), field("rectification")),
    Column(gettext_lazy("Rectified at"), field("rectified_at")),
    Column(gettext_lazy("Verified at"), field("verified_at")),
    Column(gettext_lazy("Times reopened"), field("reopens")),
]


EXPORTS = (
    ExportSpec(TASKS, gettext_lazy("Supervision: the ledger of supervised tasks"), TASK_COLUMNS,
               tasks),
    ExportSpec(FINDINGS, gettext_lazy("Supervision: inspection findings and their "
                                      "rectification"), FINDING_COLUMNS, findings),
)
SPECS = {spec.name: spec for spec in EXPORTS}
MODELS: dict[str, type[Task] | type[Finding]] = {TASKS: Task, FINDINGS: Finding}


# --- a user's export, written in the background (areas.export_runs) ---------------------------

EXPORTING = AreaExports(SPECS, MODELS)
records_for = EXPORTING.records_for
start_supervision_export = EXPORTING.start
supervision_run = EXPORTING.run
