"""The plan as a document 当日转运收治计划: an XLSX workbook and a DOCX, for the day's meeting and
the drivers. Patients are masked (family name and stars); each row says from where, to where,
which bed, how far and in which vehicle batch; the unplaced follow with their reasons.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from docx import Document
from openpyxl import Workbook

from epigrid.care.models import BedType, Transfer, TransferPlan, Unplaced

TITLE = "当日转运收治计划"


def masked(name: str) -> str:
    """王** for 王小明: enough for the ward to call out, not enough to identify."""
    name = name.strip()
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


def _headers() -> list[str]:
    # "From" and "To" are places here: a date range's are other words (pgettext's context).
    return [_("Batch"), _("Patient"), pgettext("transfer", "From"), pgettext("transfer", "To"),
            _("Bed type"), _("Distance (km)"), _("Status")]


def rows(plan: TransferPlan, user: Any) -> Iterator[list[Any]]:
    """The transfers of the plan the user may see, batch by batch."""
    transfers = Transfer.objects.restrict(user).filter(plan=plan).select_related(
        "request__case__person", "request__pickup_area", "facility").order_by("batch", "pk")
    for t in transfers.iterator(chunk_size=2000):
        yield [t.batch, masked(t.request.case.person.name), t.request.pickup_area.name,
               t.facility.name, str(BedType(t.bed_type).label), round(t.distance_km, 1),
               str(Transfer.Status(t.status).label)]


def unplaced_rows(plan: TransferPlan, user: Any) -> Iterator[list[Any]]:
    for u in Unplaced.objects.restrict(user).filter(plan=plan).select_related(
            "request__case__person", "request__pickup_area").order_by("pk"):
        yield [masked(u.request.case.person.name), u.request.pickup_area.name, _(u.reason)]


def _subtitle(plan: TransferPlan) -> str:
    return _("%(area)s, %(day)s: %(placed)s of %(patients)s patients placed (computed "
             "%(at)s)") % {"area": plan.area.name, "day": plan.day, "placed": plan.placed,
                           "patients": plan.patients,
                           "at": timezone.localtime(plan.created_at).strftime("%Y-%m-%d %H:%M")}


def xlsx(plan: TransferPlan, user: Any) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Transfers"))
    sheet.append([TITLE])
    sheet.append([_subtitle(plan)])
    sheet.append(_headers())
    for row in rows(plan, user):
        sheet.append(row)
    gone = book.create_sheet(_("Unplaced"))
    gone.append([_("Patient"), pgettext("transfer", "From"), _("Reason")])
    for row in unplaced_rows(plan, user):
        gone.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def docx(plan: TransferPlan, user: Any) -> bytes:
    document = Document()
    document.add_heading(TITLE, level=0)
    document.add_paragraph(_subtitle(plan))
    table = document.add_table(rows=1, cols=len(_headers()))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, _headers(), strict=True):
        cell.text = text
    for row in rows(plan, user):
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = str(value)
    document.add_heading(_("Patients not placed"), level=1)
    gone = document.add_table(rows=1, cols=3)
    gone.style = "Table Grid"
    for cell, text in zip(gone.rows[0].cells,
                          (_("Patient"), pgettext("transfer", "From"), _("Reason")), strict=True):
        cell.text = text
    for row in unplaced_rows(plan, user):
        for cell, value in zip(gone.add_row().cells, row, strict=True):
            cell.text = str(value)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
