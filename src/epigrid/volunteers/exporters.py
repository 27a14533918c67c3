"""Exports of volunteers 志愿服务, registered in VolunteersConfig.ready().

- `volunteers_roster`: the roster 志愿者花名册, a row per volunteer, by area and name: name,
  phone (masked: a contact, shown whole only on the volunteer's page), area, skills, party
  member, the day registered, the day left, and the hours served 服务时长 in all (summed from
  their records, 0 without any).
- `volunteer_hours`: the records of hours served on the projects of the user's subtree, by the
  project's area then day: the day, the project, its area, its kind, the volunteer, the hours,
  the note.

Both are read in one query (their related rows joined, the roster's hours summed in a
subquery) and streamed by the framework. They are scoped like the other exports:
`epigrid export KIND [--within AREA_CODE] [--user NAME]` (what that user sees), and, for a page
or the API, a background run (core.export_jobs) started by `start_volunteers_export()` with the
user's subtree, narrowed to an area of it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from epigrid.areas.export_runs import AreaExports, within_code
from epigrid.core.exports import Column, field
from epigrid.core.identity import mask_phone
from epigrid.core.imports.registry import ExportSpec
from epigrid.volunteers.models import ServiceRecord, Volunteer, hours_served

ROSTER, HOURS = "volunteers_roster", "volunteer_hours"
# Room for a volunteer's lifetime of hours (a record holds at most 24.0).
TOTAL: DecimalField[Decimal, Decimal] = DecimalField(max_digits=9, decimal_places=1)


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _hours(value: Decimal) -> float:
    # A number in a spreadsheet, to be summed there; half hours are exact as a float.
    return float(value)


# --- the roster --------------------------------------------------------------------------------

def roster(within: str | None = None) -> QuerySet[Any]:
    rows = (Volunteer.objects.select_related("area").annotate(hours_served=hours_served())
            .order_by("area__path", "name", "id"))
    return within_code(rows, within)


ROSTER_COLUMNS = [
    Column(pgettext_lazy("person", "Name"), field("name")),
    Column(gettext_lazy("Phone"), lambda volunteer: mask_phone(volunteer.phone)),
    Column(gettext_lazy("Area"), field("area.name")),
    Column(gettext_lazy("Skills"), field("skills")),
    Column(gettext_lazy("Party member"), lambda volunteer: _yes_no(volunteer.party_member)),
    Column(gettext_lazy("Registered on"), field("registered_on")),
    Column(gettext_lazy("Left on"), field("left_on")),
    Column(gettext_lazy("Hours served"), lambda volunteer: _hours(volunteer.hours_served)),
]


# --- the hours served --------------------------------------------------------------------------

def hours(within: str | None = None) -> QuerySet[Any]:
    rows = (ServiceRecord.objects.select_related("project__area", "volunteer")
            .order_by("project__area__path", "served_on", "project__name", "project_id",
                      "volunteer__name", "id"))
    return within_code(rows, within)


HOURS_COLUMNS = [
    Column(gettext_lazy("Day"), field("served_on")),
    Column(gettext_lazy("Project"), field("project.name")),
    Column(gettext_lazy("Project's area"), field("project.area.name")),
    Column(gettext_lazy("Kind"), field("project.kind")),
    Column(gettext_lazy("Volunteer"), field("volunteer.name")),
    Column(gettext_lazy("Hours"), lambda record: _hours(record.hours)),
    Column(gettext_lazy("Note"), field("note")),
]


EXPORTS = (
    ExportSpec(ROSTER, gettext_lazy("Volunteers: the roster of volunteers"), ROSTER_COLUMNS,
               roster),
    ExportSpec(HOURS, gettext_lazy("Volunteers: the hours served"), HOURS_COLUMNS, hours),
)
SPECS = {spec.name: spec for spec in EXPORTS}
MODELS: dict[str, type[Volunteer] | type[ServiceRecord]] = {ROSTER: Volunteer,
                                                           HOURS: ServiceRecord}


# --- a user's export, written in the background (areas.export_runs) ---------------------------

EXPORTING = AreaExports(SPECS, MODELS)
records_for = EXPORTING.records_for
start_volunteers_export = EXPORTING.start
volunteers_run = EXPORTING.run
