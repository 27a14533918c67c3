"""Export of any list as CSV or XLSX, streamed so that memory stays flat.

An app describes its columns once (`Column`) and passes a queryset that is already restricted
to the user; every export is written to the audit log.
"""

from __future__ import annotations

import csv
import datetime
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from epigrid.core import audit

FORMATS = ("csv", "xlsx")
CHUNK = 2000
# A cell starting with one of these is run as a formula by spreadsheet programs; a site named
# "=HYPERLINK(...)" must stay text (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    header: str | Promise
    value: Callable[[Any], Any]


def field(name: str) -> Callable[[Any], Any]:
    """A getter for a dotted attribute path, with choice fields shown by their label."""
    def get(obj: Any) -> Any:
        for part in name.split("."):
            if obj is None:
                return None
            display = getattr(obj, f"get_{part}_display", None)
            obj = display() if callable(display) else getattr(obj, part)
        return obj
    return get


def _cell(value: Any) -> Any:
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, bool | int | float | str | datetime.date) or value is None:
        return value
    return str(value)


def rows(objects: Iterable[Any], columns: Sequence[Column]) -> Iterator[list[Any]]:
    if isinstance(objects, QuerySet):
        objects = objects.iterator(chunk_size=CHUNK)
    for obj in objects:
        yield [_cell(column.value(obj)) for column in columns]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(objects: Iterable[Any], columns: Sequence[Column]) -> Iterator[str]:
    """The CSV file's lines: a byte-order mark and the header first."""
    writer = csv.writer(_Echo())
    # A byte-order mark, so that spreadsheet programs read the Chinese text as UTF-8.
    yield "\ufeff" + writer.writerow([str(c.header) for c in columns])
    for row in rows(objects, columns):
        yield writer.writerow([_csv_text(v) for v in row])


def _csv_text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _xlsx_row(sheet: WriteOnlyWorksheet, row: list[Any]) -> list[Any]:
    cells: list[Any] = []
    for value in row:
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # stored as text, never evaluated
            cells.append(cell)
        else:
            cells.append(value)
    return cells


def write_xlsx(objects: Iterable[Any], columns: Sequence[Column], target: Any,
               title: str = "export") -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append([str(c.header) for c in columns])
    for row in rows(objects, columns):
        sheet.append(_xlsx_row(sheet, row))
    book.save(target)


def export_response(request: HttpRequest, objects: QuerySet[Model] | Iterable[Any],
                    columns: Sequence[Column], fmt: str, filename: str,
                    model_label: str = "") -> StreamingHttpResponse | FileResponse:
    """The file the user asked for. `objects` must already be restricted to the user."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    label = model_label or (objects.model._meta.label if isinstance(objects, QuerySet) else "")
    audit.record("export", model=label, object_repr=f"{filename}.{fmt}",
                 changes={"query": request.GET.urlencode()})
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return file_response(objects, columns, fmt, f"{filename}-{stamp}.{fmt}", title=filename)


def file_response(objects: QuerySet[Model] | Iterable[Any], columns: Sequence[Column], fmt: str,
                  name: str, title: str = "export") -> StreamingHttpResponse | FileResponse:
    """The download itself, with no audit: callers log the export their own way."""
    if fmt == "csv":
        response = StreamingHttpResponse(csv_lines(objects, columns),
                                         content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    # openpyxl's write-only mode keeps one row in memory; the file goes to disk, not RAM.
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    write_xlsx(objects, columns, spool, title=title)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=name,
                        content_type="application/vnd.openxmlformats-officedocument"
                                     ".spreadsheetml.sheet")
