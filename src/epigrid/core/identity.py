"""Resident ID numbers 身份证号 (GB 11643-1999) and mainland mobile numbers: validate, normalize,
derive. Pure functions; the messages say what is wrong so a roster row can be fixed."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from operator import mul

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# [0-9], not \d: \d takes every script's digits (٣, ३), which no ID number or phone has.
_ID18 = re.compile(r"^[0-9]{17}[0-9X]$")
_ID15 = re.compile(r"^[0-9]{15}$")
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
# Spreadsheets and people add these around numbers: spaces, hyphens, a leading apostrophe.
_NOISE = re.compile(r"[\s\-'’‘\u3000]")
_FULLWIDTH = str.maketrans("０１２３４５６７８９Ｘｘ＋", "0123456789XX+")
EARLIEST_BIRTH = datetime.date(1890, 1, 1)
_ZERO_WEIGHT = ord("0") * sum(WEIGHTS)


@dataclass(frozen=True)
class IdNumber:
    value: str  # 18 characters, upper-case X
    birth_date: datetime.date
    sex: str  # "male" or "female": the 17th digit is odd for men

    @property
    def region(self) -> str:
        return self.value[:6]


def check_char(first17: str) -> str:
    """The check character of 17 ASCII digits: their weighted sum, taken of their bytes less
    what the b"0" of each adds (a few C calls: rosters and checkpoints check millions)."""
    total = sum(map(mul, first17.encode(), WEIGHTS)) - _ZERO_WEIGHT
    return CHECK_CHARS[total % 11]


def upgrade_15(legacy: str) -> str:
    """A 15-digit ID of before 1999 as its 18-digit form: century 19 and a check character."""
    first17 = legacy[:6] + "19" + legacy[6:]
    return first17 + check_char(first17)


def clean_text(raw: str) -> str:
    text = str(raw)
    if text.isascii() and text.isalnum():  # nothing to take out or to narrow (the most)
        return text.upper()
    return _NOISE.sub("", text.translate(_FULLWIDTH)).upper()


def parse_id_number(raw: str, today: datetime.date | None = None) -> IdNumber:
    """The normalized 18-digit ID, with birth date and sex, or a ValidationError saying why."""
    value = clean_text(raw)
    if _ID15.match(value):
        value = upgrade_15(value)
    if not _ID18.match(value):
        if re.fullmatch(r"\d\.\d+E\+?\d+", value):
            raise ValidationError(_("The spreadsheet turned this ID number into scientific "
                                    "notation; format the column as text and type it again."),
                                  code="id_scientific")
        raise ValidationError(_("An ID number has 18 characters (17 digits and a digit or X) "
                                "or 15 digits; this has %(n)s.") % {"n": len(value)},
                              code="id_format")
    try:
        birth = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(_("The birth date %(date)s in this ID number does not exist.")
                              % {"date": value[6:14]}, code="id_birth") from None
    if not EARLIEST_BIRTH <= birth <= (today or datetime.date.today()):  # noqa: DTZ011
        raise ValidationError(_("The birth date %(date)s in this ID number is not possible.")
                              % {"date": value[6:14]}, code="id_birth")
    expected = check_char(value[:17])
    if value[17] != expected:
        raise ValidationError(_("The check character of this ID number is wrong: it ends in "
                                "%(got)s but must end in %(want)s; a digit is mistyped.")
                              % {"got": value[17], "want": expected}, code="id_check")
    sex = "male" if int(value[16]) % 2 else "female"
    return IdNumber(value=value, birth_date=birth, sex=sex)


def parse_mobile(raw: str) -> str:
    """A mainland mobile number as 11 digits (a +86 or 0086 prefix is dropped)."""
    value = clean_text(raw)
    for prefix in ("+86", "0086", "86"):
        if value.startswith(prefix) and len(value) == len(prefix) + 11:
            value = value[len(prefix):]
            break
    if not _MOBILE.match(value):
        raise ValidationError(_("A mobile number has 11 digits and starts with 13 to 19, like "
                                "138 0013 8000."), code="phone")
    return value


def mask_id_number(value: str) -> str:
    """110105********123X: the region and the last four characters."""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678."""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
