"""Reading a time in an imported cell: 2020-02-01 08:30, 2020/2/1 8:30, 2020年2月1日8时30分, a
day alone (its first moment) or a spreadsheet's serial day, in the deployment's zone. A lab's
sample and result times and a warehouse's receipts read them alike.
"""

from __future__ import annotations

import datetime
import re

from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.core.imports import parsers
from epigrid.core.imports.errors import CellError

_STAMP = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:\s*[T ]?\s*(\d{1,2})\s*[:时点]\s*(\d{1,2})\s*分?"
    r"(?:\s*:\s*(\d{1,2})(?:\.\d+)?|\s*(\d{1,2})\s*秒)?)?")
_CLEAN_STAMP = re.compile(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?")
# Excel's serial day, with the time as its fraction: 43862.354166 is 2020-02-01 08:30.
_SERIAL = re.compile(r"\d{5}(\.\d+)?")
EXCEL_EPOCH = datetime.datetime(1899, 12, 30)  # noqa: DTZ001 - made aware after adding the days
# Nothing imported happened before the epidemic: an earlier year is a typing slip.
EARLIEST = datetime.datetime(2019, 1, 1)  # noqa: DTZ001 - compared naive, before localizing


def _naive(text: str) -> datetime.datetime:
    """The wall-clock time written in `text`, or ValueError."""
    if len(text) in (16, 19) and text[4] == "-" and text[10] == " ":
        # 2020-02-01 08:30(:00), the common form: the C parser, ~20x faster than the regexes.
        return datetime.datetime.fromisoformat(text)
    if match := _CLEAN_STAMP.fullmatch(text):
        year, month, day, hour, minute, second = (int(part) for part in
                                                  match.groups(default="0"))
        return datetime.datetime(year, month, day, hour, minute,  # noqa: DTZ001
                                 second)
    if _SERIAL.fullmatch(text):
        # Rounded to the second: the fraction of a day carries float noise.
        return EXCEL_EPOCH + datetime.timedelta(seconds=round(float(text) * 86400))
    match = _STAMP.fullmatch(text)
    if match is None:
        raise ValueError(text)
    year, month, day, hour, minute, second, seconds = (int(part) if part else 0
                                                       for part in match.groups())
    return datetime.datetime(year, month, day, hour, minute,  # noqa: DTZ001
                             second or seconds)


def parse_time(raw: str, *, required: bool = True, zone: datetime.tzinfo | None = None
               ) -> datetime.datetime | None:
    """An aware time from 2020-02-01 08:30, 2020/2/1 8:30, 2020年2月1日8时30分 or a serial day.

    A time without a zone is in `zone`, by default the current one (a lab's sheet is local);
    the import passes the zone once instead of looking it up for every cell."""
    text = raw.strip()
    if not text.isascii():
        text = parsers.normalize(raw)
    if not text:
        if required:
            raise CellError(_("This column must not be empty."))
        return None
    try:
        naive = _naive(text)
    except (ValueError, OverflowError):
        raise CellError(_("Write the time as 2020-02-01 08:30, 2020/2/1 8:30 or "
                          "2020年2月1日 8时30分; this date or time does not exist.")) from None
    if naive.tzinfo is not None:  # fromisoformat read a zone: keep the instant
        naive = naive.astimezone(zone or timezone.get_current_timezone()).replace(tzinfo=None)
    if naive < EARLIEST:
        raise CellError(_("This time lies before 2019; check the year."))
    return naive.replace(tzinfo=zone or timezone.get_current_timezone())
