"""Reading the cells of a lab's result sheet 核酸检测结果: the result word and the two times.

Every parser returns a value or raises `CellError` with a message that says what to fix, so the
bulk import, the batch API and the one-result form refuse the same things the same way.
"""

from __future__ import annotations

import datetime
import functools
from typing import Any

from django.utils.translation import gettext as _

from epigrid.cases.models import LabTest
from epigrid.core.imports import parsers
from epigrid.core.imports.errors import CellError
from epigrid.core.imports.times import parse_time

__all__ = ["check_times", "parse_result", "parse_time"]  # parse_time: the framework's own

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
# A sample or result may be stamped a little ahead of this server's clock.
CLOCK_SKEW = datetime.timedelta(minutes=5)


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
