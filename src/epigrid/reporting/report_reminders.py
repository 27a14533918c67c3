"""Reminders 催报 of the daily report: the officers of every town and village that has not
submitted the day's report are told, before the cutoff and at it.

Sent through `epigrid.alerts.services.notify` (the in-app inbox, later SMS), one notice per
level: one for the missing villages, one for the missing towns, each to the area officers of
those areas themselves (`exact`: a town's reminder is not also its villages'). A notice names no
area, so nobody learns of areas outside their own.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.alerts.services import notify
from epigrid.alerts.wording import worded
from epigrid.areas.models import Level
from epigrid.core.access import Role
from epigrid.reporting.report_reading import missing_areas
from epigrid.reporting.services import cutoff_at


@dataclass(frozen=True)
class Reminded:
    day: datetime.date
    villages: int
    towns: int
    notices: int


def remind_missing(day: datetime.date | None = None,
                   at: datetime.datetime | None = None) -> Reminded:
    """Tell the officers of the areas still missing `day`'s report (today by default)."""
    at = at or timezone.now()
    day = day or timezone.localdate(at)
    cutoff = cutoff_at(day)
    missing = missing_areas(day)
    notices = 0
    words = worded(lambda: _wording(day, cutoff, late=at >= cutoff))
    link = reverse("reporting:report_index")
    by_level = {level: [area for area in missing if area.level == level]
                for level in (Level.VILLAGE, Level.TOWN)}
    for areas in by_level.values():
        if areas:
            notify(areas, [Role.AREA_OFFICER], words, link=link, exact=True)
            notices += 1
    return Reminded(day=day, villages=len(by_level[Level.VILLAGE]),
                    towns=len(by_level[Level.TOWN]), notices=notices)


def _wording(day: datetime.date, cutoff: datetime.datetime, late: bool) -> tuple[str, str]:
    """The reminder, in the language active."""
    if not late:
        return (_("Daily report of %(day)s: due at %(time)s") % {
            "day": day.isoformat(), "time": timezone.localtime(cutoff).strftime("%H:%M")},
            _("Your area has not submitted its daily report yet. The figures are filled in "
              "already: add the situation and submit before the cutoff."))
    return (_("Daily report of %(day)s: missing after the cutoff") % {"day": day.isoformat()},
            _("The cutoff has passed and your area has not submitted its daily report. "
              "Submit it now: it is accepted and marked late."))
