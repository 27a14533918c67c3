"""Reading one cell's text as a value. Every parser returns a value or raises `CellError`.

Cells come from people's spreadsheets: full-width digits, thousands separators, a leading
apostrophe that Excel uses to keep text, integral numbers written as "12.0", and long codes
that Excel shortened into scientific notation. The messages say what to fix.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from epigrid.core.imports.errors import CellError

# The largest value of a PositiveIntegerField on every database we run on.
MAX_COUNT = 2_147_483_647
CODE_MAX_LENGTH = 32
COORDINATE_PLACES = Decimal("0.000001")

_SCIENTIFIC = re.compile(r"[+-]?\d+(\.\d*)?[eE][+-]?\d+")
_INTEGRAL_FLOAT = re.compile(r"\d+\.0+")
_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]*")
_WHOLE = re.compile(r"[+]?\d+(\.0+)?")
_NEGATIVE = re.compile(r"-\d+(\.\d+)?")
_PHONE = re.compile(r"\+?[0-9][0-9 ()-]{2,30}")
_WHITESPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Full-width forms to ASCII (１２ -> 12, ，-> ,), trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


def fold(text: str) -> str:
    """A key for matching words and headers: normalized, lower case, no spaces or underscores."""
    folded = normalize(text).casefold()
    return re.sub(r"[\s_\-*]+", "", folded)


def parse_code(raw: str) -> str:
    """A record code: letters, digits and . _ - (statistical codes are 12 digits)."""
    text = _WHITESPACE.sub("", normalize(raw)).lstrip("'")
    if not text:
        raise CellError(_("A code is required."))
    if _SCIENTIFIC.fullmatch(text):
        raise CellError(_("The spreadsheet shortened this code into scientific notation and lost "
                          "digits; format the column as text and type the full code again."))
    if _INTEGRAL_FLOAT.fullmatch(text):
        text = text.split(".", 1)[0]  # a number cell: 420102001001.0
    if len(text) > CODE_MAX_LENGTH:
        raise CellError(_("A code has at most %(max)s characters.") % {"max": CODE_MAX_LENGTH})
    if not _CODE.fullmatch(text):
        raise CellError(_("A code may contain only letters, digits, dots, hyphens and "
                          "underscores."))
    return text


def parse_optional_code(raw: str) -> str | None:
    if not normalize(raw):
        return None
    return parse_code(raw)


def parse_text(raw: str, *, max_length: int, required: bool = False) -> str:
    text = _WHITESPACE.sub(" ", normalize(raw))
    if required and not text:
        raise CellError(_("This column must not be empty."))
    if len(text) > max_length:
        raise CellError(_("At most %(max)s characters are allowed; this has %(count)s.")
                        % {"max": max_length, "count": len(text)})
    return text


def parse_count(raw: str) -> int | None:
    """A whole number of people or households; empty means "not given"."""
    text = re.sub(r"[\s,]+", "", normalize(raw))
    if not text:
        return None
    if _NEGATIVE.fullmatch(text):
        raise CellError(_("A count cannot be negative."))
    if not _WHOLE.fullmatch(text):
        raise CellError(_("Enter a whole number, like 1200."))
    digits = text.lstrip("+").split(".", 1)[0]
    if len(digits) > len(str(MAX_COUNT)) or int(digits) > MAX_COUNT:
        raise CellError(_("This number is too large."))
    return int(digits)


def _parse_coordinate(raw: str, limit: int, too_far: str) -> Decimal | None:
    text = normalize(raw)
    if not text:
        return None
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        raise CellError(_("Enter the coordinate in decimal degrees, like 30.5928.")) from None
    if not value.is_finite():
        raise CellError(_("Enter the coordinate in decimal degrees, like 30.5928."))
    if not -limit <= value <= limit:
        raise CellError(too_far)
    return value.quantize(COORDINATE_PLACES, rounding=ROUND_HALF_UP)


def parse_latitude(raw: str) -> Decimal | None:
    return _parse_coordinate(raw, 90, _("A latitude lies between -90 and 90; were latitude and "
                                        "longitude swapped?"))


def parse_longitude(raw: str) -> Decimal | None:
    return _parse_coordinate(raw, 180, _("A longitude lies between -180 and 180."))


def parse_phone(raw: str) -> str:
    text = normalize(raw)
    if not text:
        return ""
    if not _PHONE.fullmatch(text):
        raise CellError(_("Enter a phone number of digits, spaces and hyphens, like "
                          "027-8888 6666."))
    return text


def parse_choice(raw: str, words: dict[str, str], choices: Iterable[str]) -> str:
    """One of a set of values, given by value, label or an alias (`words`: folded word -> value).

    `choices` are the accepted forms to list in the message when the word is unknown.
    """
    text = fold(raw)
    if not text:
        raise CellError(_("This column must not be empty."))
    if text in words:
        return words[text]
    raise CellError(_("Unknown value; use one of: %(choices)s.") % {"choices": ", ".join(choices)})


def choice_words(choices: Iterable[tuple[Any, Any]], extra: dict[str, Any]) -> dict[str, Any]:
    """Folded word -> value: each value, its label in every language, and the extra words."""
    words = {fold(word): value for word, value in extra.items()}
    for value, label in choices:
        words[fold(str(value))] = value
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                words[fold(str(label))] = value
    return words
