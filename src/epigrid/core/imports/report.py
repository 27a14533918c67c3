"""The error report of an import run as an XLSX workbook: row, column, value, message."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from epigrid.core.models import ImportRun


def _text(sheet: Any, value: Any) -> Any:
    """A cell that stays text even when it starts with "=" (no formula from a user's file)."""
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def write_error_report(run: ImportRun, target: Any) -> None:
    """Write the report to `target` (a path or a binary file), in the run's language."""
    with translation.override(run.language or translation.get_language()):
        book = Workbook(write_only=True)
        sheet = book.create_sheet(title=_("Errors")[:31])
        sheet.append([_("Row"), _("Column"), _("Value"), _("Message")])
        if run.file_error:
            sheet.append([None, None, _text(sheet, run.file_name), _text(sheet, run.file_error)])
        for error in run.errors:
            sheet.append([error.get("row"), _text(sheet, error.get("column", "")),
                          _text(sheet, error.get("value", "")),
                          _text(sheet, error.get("message", ""))])
        left_out = run.errors_total - len(run.errors)
        if left_out > 0:
            sheet.append([None, None, None,
                          _("%(count)s more errors are not listed; fix these and import again.")
                          % {"count": left_out}])
        summary = book.create_sheet(title=_("Summary")[:31])
        for label, value in (
            (_("File"), _text(summary, run.file_name)),
            (_("Status"), run.get_status_display()),
            (_("Rows read"), run.rows_total),
            (_("Rows created"), run.rows_created),
            (_("Rows updated"), run.rows_updated),
            (_("Rows unchanged"), run.rows_unchanged),
            (_("Rows refused"), run.rows_failed),
        ):
            summary.append([label, value])
        book.save(target)
