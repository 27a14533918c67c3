"""Reading the cells of a roster 花名册: ID numbers, phones, yes/no, key-group tags, dates.

Every parser returns a value or raises `CellError` with a message that says what to fix. The ID
number has a fast path (a clean 18-character ID, the common case, checked in a few microseconds)
that falls back to `core.identity.parse_id_number` for everything else and for its messages.
"""

from __future__ import annotations

import datetime
import functools
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from epigrid.core.identity import EARLIEST_BIRTH, check_char, parse_id_number, parse_mobile
from epigrid.core.imports import parsers
from epigrid.core.imports.errors import CellError
from epigrid.registry.models import Residency, Tag

_CLEAN_ID = re.compile(r"[0-9]{17}[0-9X]")  # ASCII digits, as core.identity takes them
# A mobile already in its clean form (the roster fast path checks its cells with it too).
CLEAN_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_TAG_SPLIT = re.compile(r"[,，、;；/|\s]+")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SERIAL = re.compile(r"\d{5}(\.0+)?")
# Excel counts days from 1899-12-30 (its 1900 leap-year bug included); 5-digit serials cover
# 1927 to 2173, so an 8-digit 20200123 is never taken for one.
EXCEL_EPOCH = datetime.date(1899, 12, 30)

YES_WORDS = {"是", "有", "y", "yes", "true", "1", "√", "✓", "医务人员"}
NO_WORDS = {"否", "无", "不是", "n", "no", "false", "0", "×", "-"}

TAG_WORDS: dict[str, str] = {
    "返乡": Tag.RETURNEE, "返乡人员": Tag.RETURNEE, "重点地区返乡": Tag.RETURNEE,
    "重点地区返乡人员": Tag.RETURNEE, "返汉人员": Tag.RETURNEE, "返回人员": Tag.RETURNEE,
    "独居老人": Tag.ELDERLY_ALONE, "空巢老人": Tag.ELDERLY_ALONE, "独居": Tag.ELDERLY_ALONE,
    "慢性病": Tag.CHRONIC, "慢病": Tag.CHRONIC, "慢性病患者": Tag.CHRONIC,
    "孕产妇": Tag.PREGNANT, "孕妇": Tag.PREGNANT, "残疾人": Tag.DISABLED, "残疾": Tag.DISABLED,
}
RESIDENCY_WORDS: dict[str, str] = {
    "常住": Residency.RESIDENT, "常住人口": Residency.RESIDENT, "户籍": Residency.RESIDENT,
    "居民": Residency.RESIDENT, "访客": Residency.VISITOR, "探亲访友": Residency.VISITOR,
    "暂住": Residency.VISITOR, "外来务工": Residency.WORKER, "务工": Residency.WORKER,
    "流动人口": Residency.WORKER, "外来人员": Residency.WORKER,
}


@functools.lru_cache(maxsize=1)
def _tag_words() -> dict[str, Any]:
    return parsers.choice_words(Tag.choices, TAG_WORDS)


@functools.lru_cache(maxsize=1)
def _residency_words() -> dict[str, Any]:
    return parsers.choice_words(Residency.choices, RESIDENCY_WORDS)


@functools.lru_cache(maxsize=65536)
def _birth(digits: str, today: datetime.date) -> datetime.date | None:
    """The birth date of YYYYMMDD digits when it is a possible one, else None."""
    try:
        birth = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None
    return birth if EARLIEST_BIRTH <= birth <= today else None


def parse_id(raw: str, today: datetime.date) -> tuple[str, datetime.date, str] | None:
    """(18-character ID, birth date, sex), None for an empty cell, or CellError saying why."""
    text = raw.strip()
    if _CLEAN_ID.fullmatch(text):
        birth = _birth(text[6:14], today)
        if birth is not None and check_char(text[:17]) == text[17]:
            return text, birth, ("male" if int(text[16]) % 2 else "female")
    elif not text:
        return None
    try:
        parsed = parse_id_number(text, today)
    except ValidationError as error:
        raise CellError(error.messages[0]) from None
    return parsed.value, parsed.birth_date, parsed.sex


def parse_phone(raw: str) -> str:
    """A mainland mobile number as 11 digits, or "" for an empty cell."""
    text = raw.strip()
    if CLEAN_MOBILE.fullmatch(text):
        return text
    if not text:
        return ""
    try:
        return parse_mobile(text)
    except ValidationError as error:
        raise CellError(error.messages[0]) from None


def parse_yes_no(raw: str) -> bool:
    text = parsers.fold(raw)
    if not text or text in NO_WORDS:
        return False
    if text in YES_WORDS:
        return True
    raise CellError(_("Write 是 or 否 (yes or no, 1 or 0)."))


def parse_tags(raw: str) -> list[str]:
    """Key groups separated by commas or 、, by value or label in either language."""
    words = _tag_words()
    tags: list[str] = []
    unknown: list[str] = []
    for part in _TAG_SPLIT.split(parsers.normalize(raw)):
        if not part:
            continue
        tag = words.get(parsers.fold(part))
        if tag is None:
            unknown.append(part)
        elif tag not in tags:
            tags.append(str(tag))
    if unknown:
        known = ", ".join(f"{label} ({value})" for value, label in Tag.choices)
        raise CellError(_("Unknown key group %(tags)s; use %(known)s.")
                        % {"tags": "、".join(unknown), "known": known})
    return tags


def parse_residency(raw: str) -> str:
    if not parsers.normalize(raw):
        return str(Residency.RESIDENT)
    return str(parsers.parse_choice(raw, _residency_words(),
                                    ["常住", "访客", "外来务工",
                                     *(str(label) for _value, label in Residency.choices)]))


def parse_date(raw: str, today: datetime.date) -> datetime.date | None:
    """2020-01-23, 2020/1/23, 2020年1月23日, 20200123 or an Excel serial day (43853)."""
    text = parsers.normalize(raw)
    if not text:
        return None
    day: datetime.date | None = None
    try:
        if _SERIAL.fullmatch(text):
            day = EXCEL_EPOCH + datetime.timedelta(days=int(text.split(".", 1)[0]))
        elif match := _DATE.match(text):
            rest = text[match.end():].strip()
            if rest and not re.fullmatch(r"[T ]?\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?", rest):
                raise ValueError(text)
            day = datetime.date(*map(int, match.groups()))
        elif match := _COMPACT_DATE.fullmatch(text):
            day = datetime.date(*map(int, match.groups()))
    except ValueError:
        day = None
    if day is None:
        raise CellError(_("Write the date as 2020-01-23, 2020/1/23 or 2020年1月23日."))
    if day > today:
        raise CellError(_("This date lies in the future."))
    return day
