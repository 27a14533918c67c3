"""Reading the cells of a lab's result sheet 核酸检测结果: the result word and the two times.

Every parser returns a value or raises `CellError` with a message that says what to fix, so the
bulk import, the batch API and the one-result form refuse the same things the same way.
"""

from __future__ import annotations

import datetime
import functools
import re
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.cases.models import LabTest
from epigrid.core.imports import parsers
from epigrid.core.imports.errors import CellError

R = LabTest.Result
# Words a lab's sheet uses for each result, beside the values and their labels in both languages.
RESULT_WORDS: dict[str, str] = {
    "阳性": R.POSITIVE, "阳": R.POSITIVE, "+": R.POSITIVE, "pos": R.POSITIVE,
    "阴性": R.NEGATIVE, "阴": R.NEGATIVE, "neg": R.NEGATIVE,
    "待定": R.PENDING, "待检": R.PENDING, "检测中": R.PENDING,
    "不确定": R.INCONCLUSIVE, "可疑": R.INCONCLUSIVE, "复检": R.INCONCLUSIVE,
}
# The common spellings, looked up before anything is folded (the bulk import's fast path).
FAST_RESULTS: dict[str, str] = {
    "阳性": R.POSITIVE, "阴性": R.NEGATIVE, "待定": R.PENDING, "positive": R.POSITIVE,
    "negative": R.NEGATIVE, "pending": R.PENDING,
}
_STAMP = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:\s*[T ]?\s*(\d{1,2})\s*[:时点]\s*(\d{1,2})\s*分?"
    r"(?:\s*:\s*(\d{1,2})(?:\.\d+)?|\s*(\d{1,2})\s*秒)?)?")
_CLEAN_STAMP = re.compile(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?")
# Excel's serial day, with the time as its fraction: 43862.354166 is 2020-02-01 08:30.
_SERIAL = re.compile(r"\d{5}(\.\d+)?")
EXCEL_EPOCH = datetime.datetime(1899, 12, 30)  # noqa: DTZ001 - made aware after adding the days
# A sample or result may be stamped a little ahead of this server's clock.
CLOCK_SKEW = datetime.timedelta(minutes=5)
EARLIEST = datetime.datetime(2019, 1, 1)  # noqa: DTZ001 - compared naive, before localizing


@functools.lru_cache(maxsize=1)
def _result_words() -> dict[str, Any]:
    return parsers.choice_words(R.choices, RESULT_WORDS)


def result_choices() -> list[str]:
    return ["阳性", "阴性", "待定", *R.values]


def parse_result(raw: str) -> str:
    """positive, negative, pending or inconclusive, from a value, a label or a lab's word."""
    fast = FAST_RESULTS.get(raw)
    if fast is not None:
        return fast
    folded = parsers.fold(raw)
    if not folded:
        raise CellError(_("This column must not be empty."))
    word = _result_words().get(folded)
    if word is None:
        raise CellError(_("Unknown result; use one of: %(choices)s.")
                        % {"choices": ", ".join(result_choices())})
    return str(word)


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


def check_times(sampled_at: datetime.datetime, resulted_at: datetime.datetime | None,
                now: datetime.datetime) -> dict[str, str]:
    """What is wrong with the two times (field -> message); empty when they fit together."""
    errors: dict[str, str] = {}
    if sampled_at > now + CLOCK_SKEW:
        errors["sampled_at"] = _("The sample time lies in the future.")
    if resulted_at is not None:
        if resulted_at > now + CLOCK_SKEW:
            errors["resulted_at"] = _("The result time lies in the future.")
        elif resulted_at < sampled_at:
            errors["resulted_at"] = _("The result time lies before the sample time.")
    return errors
