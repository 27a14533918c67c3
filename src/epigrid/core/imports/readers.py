"""Reading a CSV or XLSX file as a header and a stream of rows, without holding the rows.

CSV arrives as UTF-8 (with or without a byte-order mark) or, from Chinese Excel, as GBK/GB18030:
the encoding is found by a first streamed pass that tries UTF-8. XLSX is read with openpyxl's
read-only mode, which parses the sheet as it goes.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import itertools
import operator
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from epigrid.core.imports import plain_csv
from epigrid.core.imports.errors import ImportFileError
from epigrid.core.imports.parsers import fold

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls (and .doc) format
SNIFF_BYTES = 8192
# Spreadsheet programs keep 15 significant digits of a number: one of 16 digits or more has
# lost its last ones.
EXACT_NUMBER_LIMIT = 1e15
# A title row or two ("青山区区划表") may stand above the header row.
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class ImportColumn:
    """A column an importer reads: its key, its label, the other headers people give it."""

    name: str
    label: Any  # a lazy translated string
    aliases: tuple[str, ...] = ()
    required: bool = False

    def header_keys(self) -> set[str]:
        keys = {fold(self.name), *(fold(alias) for alias in self.aliases)}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                keys.add(fold(str(self.label)))
        return keys


@dataclass(frozen=True)
class RawRow:
    number: int  # the row number as the spreadsheet program shows it
    values: dict[str, str]  # column name -> cell text


class CellsRow(RawRow):
    """A CSV row as read: its cells in the order of `names`, the columns of its table (one tuple
    shared by the table's rows), `values` made only when asked. A dict a row cost the reading
    more than the rest of it; an importer may read the batch's `cells` column by column
    (registry.roster_columns)."""

    names: tuple[str, ...]
    cells: tuple[str, ...]

    def __init__(self, number: int, names: tuple[str, ...], cells: tuple[str, ...]) -> None:
        # Straight into the instance's dict, as core.imports.ahead.PackedRow: RawRow is frozen.
        fields = self.__dict__
        fields["number"] = number
        fields["names"] = names
        fields["cells"] = cells

    @cached_property
    def values(self) -> dict[str, str]:
        # As many names as cells, always: strict's check cost a tenth of the row.
        return dict(zip(self.names, self.cells, strict=False))


def table_names(rows: Sequence[RawRow]) -> tuple[str, ...] | None:
    """The column names of the batch when every row is a CellsRow of one table (their `cells`
    then line up), else None."""
    first = rows[0] if rows else None
    if not isinstance(first, CellsRow):
        return None
    names = first.names
    return names if all(type(row) is CellsRow and row.names is names for row in rows) else None


@dataclass
class Table:
    headers: dict[str, str]  # column name -> the header text in the file
    rows: Iterator[RawRow]


def _header_key(text: str) -> str:
    """The header without a bracketed note: 人口（人） -> 人口, latitude (WGS84) -> latitude."""
    for bracket in ("(", "（", "["):
        if bracket in text and not text.startswith(bracket):
            text = text.split(bracket, 1)[0]
    return fold(text)


def _match_header(cells: Sequence[str], columns: Sequence[ImportColumn]
                  ) -> tuple[dict[str, int], dict[str, str]]:
    """Which cell holds which column: (name -> index, name -> header text)."""
    keys = {column.name: column.header_keys() for column in columns}
    labels = {column.name: str(column.label) for column in columns}
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    for index, cell in enumerate(cells):
        key = _header_key(cell)
        if not key:
            continue
        for name, accepted in keys.items():
            if key in accepted:
                if name in positions:
                    raise ImportFileError(
                        _("The columns “%(first)s” and “%(second)s” both give %(column)s; keep "
                          "one.") % {"first": headers[name], "second": cell.strip(),
                                     "column": labels[name]})
                positions[name] = index
                headers[name] = cell.strip()
    return positions, headers


def _rows_after_header(records: Iterable[tuple[int, list[str]]],
                       columns: Sequence[ImportColumn]) -> Table:
    required = [column.name for column in columns if column.required]
    records = iter(records)
    first_cells: list[str] | None = None
    for number, cells in records:
        if not any(cell.strip() for cell in cells):
            continue
        positions, headers = _match_header(cells, columns)
        if all(name in positions for name in required):
            return Table(headers=headers, rows=_data_rows(records, positions))
        if first_cells is None:
            first_cells = cells
        if number >= HEADER_SEARCH_ROWS:
            break
    if first_cells is None:
        raise ImportFileError(_("The file is empty."))
    positions, _headers = _match_header(first_cells, columns)
    missing = [str(column.label) for column in columns
               if column.required and column.name not in positions]
    present = ", ".join(cell.strip() for cell in first_cells if cell.strip())
    raise ImportFileError(
        _("The header row lacks the required columns %(missing)s. It has: %(present)s.")
        % {"missing": ", ".join(missing), "present": present})


def _data_rows(records: Iterator[tuple[int, list[str]]],
               positions: dict[str, int]) -> Iterator[RawRow]:
    names = tuple(positions)
    indexes = tuple(positions.values())
    # A row long enough takes its cells in one C call (the rows of a roster are millions).
    take = operator.itemgetter(*indexes) if len(indexes) > 1 else (
        lambda cells: (cells[indexes[0]],))
    needed = max(indexes) + 1
    blank = str.strip
    for number, cells in records:
        taken = take(cells) if len(cells) >= needed else tuple(
            cells[index] if index < len(cells) else "" for index in indexes)
        # A row of blank cells is no row; any() stops at the first cell with text.
        if any(map(blank, taken)):
            yield CellsRow(number, names, taken)


# --- CSV ----------------------------------------------------------------------------------------

def detect_encoding(source: IO[bytes]) -> str:
    """utf-8-sig when the whole file decodes as UTF-8, else gb18030 (a superset of GBK)."""
    start = source.tell()
    head = source.read(4)
    source.seek(start)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    encoding = "utf-8-sig"
    try:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        encoding = "gb18030"
    source.seek(start)
    return encoding


def _delimiter(first_line: str) -> str:
    counts = {delimiter: first_line.count(delimiter) for delimiter in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


class _Lines:
    """Decoded lines of a binary file, one at a time, remembering the number of the last one.

    Lines are split on the byte b"\\n" before decoding: UTF-8 and GB18030 never use that byte
    inside a character, so a bad byte is reported at its own line.
    """

    def __init__(self, source: IO[bytes], encoding: str, number: int = 0) -> None:
        self.source, self.encoding, self.number = source, encoding, number

    def __iter__(self) -> Iterator[str]:
        # utf-8-sig's decoder is Python code around UTF-8's: a line without the byte order
        # mark (any line: files get concatenated) is decoded as plain UTF-8.
        bom = codecs.BOM_UTF8 if self.encoding == "utf-8-sig" else None
        for raw in iter(self.source.readline, b""):
            self.number += 1
            if b"\x00" in raw:  # UTF-8's and GB18030's NUL is this byte alone
                raise csv.Error(_("a NUL byte"))
            try:
                yield raw.decode("utf-8" if bom and not raw.startswith(bom) else self.encoding)
            except UnicodeDecodeError:
                raise ImportFileError(
                    _("Line %(line)s is neither UTF-8 nor GBK text; save the file as “CSV UTF-8” "
                      "and import it again.") % {"line": self.number}) from None


def _text_lines(source: IO[bytes], encoding: str, number: int = 0) -> Iterator[str]:
    """The file's lines from where it stands, after `number` lines read."""
    if encoding != "utf-16":
        yield from _Lines(source, encoding, number)
        return
    text = io.TextIOWrapper(source, encoding=encoding, newline="")
    try:
        for line in text:
            if "\x00" in line:
                raise csv.Error(_("a NUL byte"))
            yield line
    finally:
        text.detach()  # the caller owns the binary file


def _csv_records(source: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    encoding = detect_encoding(source)
    number, delimiter = 0, ""
    if encoding != "utf-16":  # the plain lines first, split by hand (core.imports.plain_csv)
        for block in plain_csv.blocks(source, encoding):
            delimiter = delimiter or _delimiter(block[0])
            # csv.reader reads an empty line as no cell at all.
            yield from enumerate((line.split(delimiter) if line else [] for line in block),
                                 number + 1)
            number += len(block)
    lines = _text_lines(source, encoding, number)
    try:
        if not delimiter:
            first = next(lines, "")
            delimiter = _delimiter(first)
            lines = itertools.chain((first,), lines)
        # strict: an opening quote that never closes is an error, not the rest of the file in
        # a cell.
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
        for number, cells in enumerate(reader, number + 1):  # noqa: B020 - counts on
            yield number, cells
    except csv.Error as exc:
        # The row being read when the reader failed: the one after the last it gave.
        raise ImportFileError(_("The CSV file is malformed at row %(row)s (%(reason)s).")
                              % {"row": number + 1, "reason": exc}) from None


# --- XLSX ---------------------------------------------------------------------------------------

def cell_text(value: Any) -> str:
    """A cell as the text a person typed: 420102001001.0 -> 420102001001, None -> ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if abs(value) >= EXACT_NUMBER_LIMIT:
            # An ID number typed as a number: the spreadsheet kept 15 digits of its 18 and
            # made the rest up. Written as the spreadsheet shows it, the parsers refuse it and
            # say why (an integer of these digits could even pass the check digit).
            return f"{value:.14E}"
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


@contextmanager
def _workbook(source: IO[bytes]) -> Iterator[Any]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged or foreign zip
        raise ImportFileError(_("The file is not a readable XLSX workbook; open it in a "
                                "spreadsheet program and save it as .xlsx.")) from None
    try:
        yield book
    finally:
        book.close()


def _xlsx_records(book: Any, sheet: str) -> Iterator[tuple[int, list[str]]]:
    sheets = {ws.title: ws for ws in book.worksheets}
    if sheet:
        if sheet not in sheets:
            raise ImportFileError(_("The workbook has no sheet named “%(sheet)s”. Its sheets are: "
                                    "%(sheets)s.") % {"sheet": sheet,
                                                      "sheets": ", ".join(book.sheetnames)})
        worksheet = sheets[sheet]
    else:
        worksheet = book.worksheets[0]
    worksheet.reset_dimensions()  # some writers record a wrong size; read what is there
    for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
        yield number, [cell_text(value) for value in values]


# --- choosing ------------------------------------------------------------------------------------

def file_kind(source: IO[bytes], file_name: str) -> str:
    """ "csv" or "xlsx", from the file's first bytes and its name."""
    start = source.tell()
    head = source.read(SNIFF_BYTES)
    source.seek(start)
    suffix = PurePath(file_name).suffix.lower()
    if not head.strip(codecs.BOM_UTF8 + b" \r\n\t"):
        raise ImportFileError(_("The file is empty."))
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head.startswith(OLE_MAGIC) or suffix == ".xls":
        raise ImportFileError(_("This is an old Excel .xls file; save it as .xlsx or CSV and "
                                "import it again."))
    if suffix in XLSX_SUFFIXES:
        raise ImportFileError(_("The file is not a readable XLSX workbook; open it in a "
                                "spreadsheet program and save it as .xlsx."))
    if suffix not in CSV_SUFFIXES:
        raise ImportFileError(_("Only CSV and XLSX files can be imported."))
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError(_("The file is not CSV text; save it as CSV or XLSX."))
    return "csv"


@contextmanager
def open_table(source: IO[bytes], file_name: str, columns: Sequence[ImportColumn],
               sheet: str = "") -> Iterator[Table]:
    """The file's header and a lazy stream of its data rows. Raises ImportFileError."""
    if file_kind(source, file_name) == "csv":
        yield _rows_after_header(_csv_records(source), columns)
        return
    with _workbook(source) as book:
        yield _rows_after_header(_xlsx_records(book, sheet), columns)
