"""Mainland vehicle plate numbers 机动车号牌 (GA 36): validate and normalize. Pure functions.

An ordinary plate is 7 characters: the province's one-character abbreviation (鄂 Hubei), the
issuing office's letter (A Wuhan) and 5 letters or digits (鄂A12345, 鄂AB1C23). A new-energy
plate 新能源号牌 is 8: small vehicles put an energy letter first (D, A, B, C, E pure electric;
F, G, H, J, K hybrid) then a letter or digit and 4 digits (鄂AD12345, 鄂AF1B234); large ones
put 5 digits first and D or F last (鄂A12345D). Letters I and O are never used (they read as 1
and 0). Some ordinary plates end in a Chinese character: 挂 trailer, 学 driving school, 警
police, 港 / 澳 cross-border, 领 consulate.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I, no O
DIGITS = "0123456789"
SMALL_ENERGY = "DABCEFGHJK"
LARGE_ENERGY = "DF"
SUFFIXES = "挂学警港澳领"

_L = f"[{LETTERS}]"
_LD = f"[{LETTERS}{DIGITS}]"
_ORDINARY = re.compile(f"^[{PROVINCES}]{_L}{_LD}{{4}}(?:{_LD}|[{SUFFIXES}])$")
_SMALL_NEW_ENERGY = re.compile(f"^[{PROVINCES}]{_L}[{SMALL_ENERGY}]{_LD}\\d{{4}}$")
_LARGE_NEW_ENERGY = re.compile(f"^[{PROVINCES}]{_L}\\d{{5}}[{LARGE_ENERGY}]$")
# People type plates with spaces, a middle dot (鄂A·12345), hyphens, and full-width letters.
_NOISE = re.compile(r"[\s\-·•．.\u3000]")
_FULLWIDTH = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)}
                           | {chr(0xFF21 + i): chr(0x41 + i) for i in range(26)}
                           | {chr(0xFF41 + i): chr(0x41 + i) for i in range(26)})
MAX_LENGTH = 8


def clean_plate(raw: str) -> str:
    return _NOISE.sub("", str(raw).translate(_FULLWIDTH)).upper()


def is_new_energy(plate: str) -> bool:
    return len(plate) == MAX_LENGTH


def parse_plate(raw: str) -> str:
    """The normalized plate (鄂A12345), or a ValidationError saying what is wrong with it."""
    value = clean_plate(raw)
    if not value:
        raise ValidationError(_("Give the plate number."), code="plate_missing")
    if value[0] not in PROVINCES:
        raise ValidationError(_("A plate number starts with a province's character, like 鄂; "
                                "“%(first)s” is not one.") % {"first": value[0]},
                              code="plate_province")
    if len(value) not in (MAX_LENGTH - 1, MAX_LENGTH):
        raise ValidationError(_("A plate number has 7 characters (8 for a new-energy vehicle); "
                                "this has %(n)s.") % {"n": len(value)}, code="plate_length")
    if "I" in value or "O" in value:
        raise ValidationError(_("Plate numbers never use the letters I and O; is it 1 or 0?"),
                              code="plate_letters")
    patterns = (_SMALL_NEW_ENERGY, _LARGE_NEW_ENERGY) if is_new_energy(value) else (_ORDINARY,)
    if not any(pattern.match(value) for pattern in patterns):
        raise ValidationError(_("“%(plate)s” is not a mainland plate number (like 鄂A12345, "
                                "or 鄂AD12345 for a new-energy vehicle).") % {"plate": value},
                              code="plate_format")
    return value
