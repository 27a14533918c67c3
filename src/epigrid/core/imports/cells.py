"""Cells that the rosters of several apps share (people sent down, volunteers, tasks, receipts):
a party member's yes or no, a mainland mobile, a day, an area by its code, a value given once in
the file, a row's raw cells; and a service's refusal of a row put on the column that holds its
field."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.core.identity import parse_mobile
from epigrid.core.imports import parsers
from epigrid.core.imports.base import INVALID, Cells, CleanRow
from epigrid.core.imports.errors import CellError, RowError, RowWriteError
from epigrid.core.imports.readers import ImportColumn, RawRow
from epigrid.core.imports.times import parse_time

# Words people write for yes and no; a political-status column 政治面貌 says it in words.
YES_WORDS = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "党员", "中共党员",
                       "预备党员", "中共预备党员"})
NO_WORDS = frozenset({"否", "不是", "n", "no", "false", "0", "×", "群众", "共青团员", "团员",
                      "无党派人士", "民主党派"})


def parse_yes_no(raw: str) -> bool:
    """是/否, yes/no, 1/0, 中共党员/群众; empty: no."""
    text = parsers.fold(raw)
    if not text or text in NO_WORDS:
        return False
    if text in YES_WORDS:
        return True
    raise CellError(_("Write 是 or 否 (yes or no, 1 or 0)."))


def parse_mobile_cell(raw: str) -> str:
    """A mainland mobile as 11 digits (+86 dropped)."""
    try:
        return parse_mobile(parsers.normalize(raw))
    except ValidationError as error:
        raise CellError(error.messages[0]) from None


def parse_day(raw: str) -> datetime.date:
    """A day as every import reads one (2020-02-01, 2020/2/1, 2020年2月1日, a serial day); a
    time given with it is dropped."""
    at = parse_time(raw)
    if at is None:  # parse_time(required=True) refuses an empty cell itself
        raise CellError(_("This value is required."))
    return timezone.localtime(at).date()


def service_refusal(row: CleanRow, error: ValidationError,
                    columns: Mapping[str, str]) -> RowWriteError:
    """A service's refusal of a row, as the row's error on the column of its field (`columns`:
    a field -> its column, where their names differ; none when the row has no such column)."""
    if hasattr(error, "error_dict"):
        field, messages = next(iter(error.message_dict.items()))
    else:
        field, messages = "", error.messages
    raw: dict[str, str] = row.data["raw"]
    column = columns.get(field, field)
    column = column if column in raw else ""
    return RowWriteError(RowError(row.number, column, raw.get(column, ""), messages[0]))


def area_of_code(cells: Cells, areas: Mapping[str, Any], column: str = "area_code") -> Any:
    """The area (of `areas`, by code: those the importing user sees) the column names; None,
    with the cell's error, for one unknown or out of sight (the same words for both)."""
    code = cells.parse(column, parsers.parse_code)
    if code is INVALID:
        return None
    area = areas.get(code)
    if area is None:
        cells.error(column, _("There is no area with the code %(code)s in your area.")
                    % {"code": code})
    return area


def phone_once_in_file(cells: Cells, seen: MutableMapping[str, int], phone: Any, number: int,
                       column: str = "phone") -> None:
    """A phone refused when an earlier row of the file gave it; else remembered (`seen`: phone
    -> its row) for the rows after, once the row has no other error."""
    if phone is INVALID:
        return
    if phone in seen:
        cells.error(column, _("This phone is given in row %(row)s already.")
                    % {"row": seen[phone]})
    elif not cells.errors:
        seen[phone] = number


def raw_cells(row: RawRow, columns: Sequence[ImportColumn]) -> dict[str, str]:
    """The row's cells as written (stripped), for its refusal to quote."""
    return {column.name: row.values.get(column.name, "").strip() for column in columns}
