"""A period of whole local days, read from `?day=` (its last day) and `?days=` (how many).

Shared by the figure and duty pages and their API, so both say the same thing about bad input.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.core.days import day_start

DEFAULT_DAYS = 7
MAX_DAYS = 31


@dataclass(frozen=True)
class Period:
    """Days `first` to `last`, both included, in the deployment's time zone."""

    first: datetime.date
    last: datetime.date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start(self) -> datetime.datetime:
        return day_start(self.first)

    @property
    def end(self) -> datetime.datetime:
        """The instant after the period (exclusive)."""
        return day_start(self.last + datetime.timedelta(days=1))

    def each_day(self) -> list[datetime.date]:
        return [self.first + datetime.timedelta(days=n) for n in range(self.days)]



def parse_day(raw: str | None, field: str = "day") -> datetime.date:
    """An ISO date (YYYY-MM-DD); today when not given."""
    if not raw:
        return timezone.localdate()
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({field: _("Give the day as YYYY-MM-DD (got “%(day)s”).") % {
            "day": raw}}) from None


def parse_period(day: str | None, days: str | int | None) -> Period:
    """`days` days ending on `day` (default: the last 7 days to today)."""
    last = parse_day(day)
    if days in (None, ""):
        count = DEFAULT_DAYS
    else:
        try:
            count = int(days)  # type: ignore[arg-type]
        except ValueError:
            count = 0
        if not 1 <= count <= MAX_DAYS:
            raise ValidationError({"days": _("Give between 1 and %(max)d days.") % {
                "max": MAX_DAYS}})
    return Period(last - datetime.timedelta(days=count - 1), last)
