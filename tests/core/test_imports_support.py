"""Helpers for import tests: files built in memory, and a run of one of them."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook, load_workbook

from epigrid.core.imports.runner import run_import
from epigrid.core.models import ImportRun

AREA_HEADER = ["code", "name", "level", "parent_code", "population", "households", "latitude",
               "longitude"]


def csv_bytes(rows: Sequence[Sequence[Any]], encoding: str = "utf-8-sig",
              delimiter: str = ",") -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return text.getvalue().encode(encoding)


def xlsx_bytes(sheets: dict[str, Sequence[Sequence[Any]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    target = io.BytesIO()
    book.save(target)
    return target.getvalue()


def read_xlsx(content: bytes, sheet: str | None = None) -> list[tuple[Any, ...]]:
    book = load_workbook(io.BytesIO(content))
    worksheet = book[sheet] if sheet else book.worksheets[0]
    return [tuple(row) for row in worksheet.iter_rows(values_only=True)]


def import_bytes(kind: str, content: bytes, user: Any, *, name: str = "data.csv",
                 mode: str = ImportRun.Mode.VALID_ROWS, sheet: str = "") -> ImportRun:
    return run_import(kind, io.BytesIO(content), mode, user, file_name=name, sheet=sheet)


def errors_of(run: ImportRun) -> list[tuple[int, str, str]]:
    """(row, column, message) of each stored error."""
    return [(e["row"], e["column"], e["message"]) for e in run.errors]
