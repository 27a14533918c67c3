"""Exports of mobilization 力量下沉, registered in MobilizationConfig.ready().

- `mobilization_people`: the roster 下沉干部花名册, a row per person sent down, by area and name:
  name, work unit, post, phone (masked: a work contact, shown whole only on the person's page),
  party member, the area sent to, the team, team leader, the day arrived, the day left, and the
  days on duty (arrival and leaving days both counted; to today while on duty; 0 before the
  arrival).
- `mobilization_ledger`: the ledger lines of the funds whose desk is in the user's subtree (an
  area applying to a fund sees its balance, not who was paid), by fund then time: the fund, its
  desk, when, receipt or payment, the amount, from or to whom, the voucher, and the beneficiary
  of the payment a line paid.

Both are read in one query (their related rows joined) and streamed by the framework. They are
scoped like the other exports: `epigrid export KIND [--within AREA_CODE] [--user NAME]` (what that
user sees), and, for a page or the API, a background run (core.export_jobs) started by
`start_mobilization_export()` with the user's subtree, narrowed to an area of it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from epigrid.areas.export_runs import AreaExports, within_code
from epigrid.core.exports import Column, field
from epigrid.core.identity import mask_phone
from epigrid.core.imports.registry import ExportSpec
from epigrid.mobilization.models import Deployment, FundEntry

PEOPLE, LEDGER = "mobilization_people", "mobilization_ledger"


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


# --- the roster --------------------------------------------------------------------------------

def people(within: str | None = None) -> QuerySet[Any]:
    rows = Deployment.objects.select_related("area", "team").order_by("area__path", "name", "id")
    return within_code(rows, within)


def days_on_duty(person: Deployment, today: datetime.date | None = None) -> int:
    """The days from arrival to leaving, both counted (to today while on duty); 0 before the
    person arrived."""
    today = today or timezone.localdate()
    until = min(person.left_on or today, today)
    return max((until - person.arrived_on).days + 1, 0)


PEOPLE_COLUMNS = [
    Column(pgettext_lazy("person", "Name"), field("name")),
    Column(gettext_lazy("Work unit"), field("unit")),
    Column(gettext_lazy("Post"), field("post")),
    Column(gettext_lazy("Phone"), lambda person: mask_phone(person.phone)),
    Column(gettext_lazy("Party member"), lambda person: _yes_no(person.party_member)),
    Column(gettext_lazy("Sent to"), field("area.name")),
    Column(gettext_lazy("Team"), field("team.name")),
    Column(gettext_lazy("Team leader"), lambda person: _yes_no(person.leader)),
    Column(gettext_lazy("Arrived on"), field("arrived_on")),
    Column(gettext_lazy("Left on"), field("left_on")),
    Column(gettext_lazy("Days on duty"), days_on_duty),
]


# --- the funds' ledger -------------------------------------------------------------------------

def ledger(within: str | None = None) -> QuerySet[Any]:
    rows = (FundEntry.objects.select_related("fund__area", "payment")
            .order_by("fund__area__path", "fund__name", "fund_id", "at", "id"))
    return within_code(rows, within)


def _amount(entry: FundEntry) -> float:
    # A number in a spreadsheet, to be summed there; two decimals are exact as a float.
    return float(entry.amount)


LEDGER_COLUMNS = [
    Column(gettext_lazy("Fund"), field("fund.name")),
    Column(gettext_lazy("Kept by"), field("fund.area.name")),
    Column(gettext_lazy("At"), field("at")),
    Column(gettext_lazy("Kind"), field("kind")),
    Column(gettext_lazy("Amount"), _amount),
    Column(gettext_lazy("From or to"), field("counterpart")),
    Column(gettext_lazy("Voucher"), field("voucher")),
    Column(gettext_lazy("Beneficiary of the payment"), field("payment.beneficiary")),
]


EXPORTS = (
    ExportSpec(PEOPLE, gettext_lazy("Mobilization: the roster of people sent down"),
               PEOPLE_COLUMNS, people),
    ExportSpec(LEDGER, gettext_lazy("Mobilization: the ledger of the funds"), LEDGER_COLUMNS,
               ledger),
)
SPECS = {spec.name: spec for spec in EXPORTS}
MODELS: dict[str, type[Deployment] | type[FundEntry]] = {PEOPLE: Deployment, LEDGER: FundEntry}


# --- a user's export, written in the background (areas.export_runs) ---------------------------

EXPORTING = AreaExports(SPECS, MODELS)
records_for = EXPORTING.records_for
start_mobilization_export = EXPORTING.start
mobilization_run = EXPORTING.run
