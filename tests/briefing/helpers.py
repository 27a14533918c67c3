"""Shared set-up of the briefing tests: hand-made stored figures, problems of known ages, reports.

`store_figures` writes `DailyFigures` rows as the 16:00 roll-up would (only codes that are not
zero), so the meeting and the talking points read figures whose every value the test chose.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from epigrid.areas.models import Area
from epigrid.problems.models import Problem
from epigrid.reporting.models import DailyFigures, DailyReport, ReportStatus
from tests.base import World
from tests.problems.helpers import at, days, raise_in, today

__all__ = ["at", "days", "today", "store_figures", "outbreak_in_town_a", "problems_of_ages",
           "report"]


def store_figures(area: Area, day: datetime.date, values: dict[str, int]) -> DailyFigures:
    kept = {code: value for code, value in values.items() if value}
    return DailyFigures.objects.create(area=area, area_path=area.path, day=day, values=kept,
                                       now=kept, computed_at=timezone.now())


def outbreak_in_town_a(w: World) -> None:
    """The district yesterday and today: new confirmed 1 → 3 (town A 3 of them), new close
    contacts 4 → 9 (town A 5, town B 4), waiting over 24 h 0 → 2, free ICU beds 2 → 0, new
    suspected 2 → 0; the towns' rows add up to the district's."""
    yesterday = today() - days(1)
    store_figures(w.district, yesterday, {"new_confirmed": 1, "new_close_contact": 4,
                                          "new_suspected": 2, "free_beds_icu": 2,
                                          "passages_in": 100})
    store_figures(w.town_a, yesterday, {"new_confirmed": 1, "new_close_contact": 2,
                                        "new_suspected": 1, "free_beds_icu": 2})
    store_figures(w.town_b, yesterday, {"new_close_contact": 2, "new_suspected": 1})
    store_figures(w.district, today(), {"new_confirmed": 3, "new_close_contact": 9,
                                        "waiting_over_24h": 2, "passages_in": 120,
                                        "households_registered": 30,
                                        "households_visited_campaign": 12})
    store_figures(w.town_a, today(), {"new_confirmed": 3, "new_close_contact": 5,
                                      "waiting_over_24h": 2, "households_registered": 20,
                                      "households_visited_campaign": 10})
    store_figures(w.town_b, today(), {"new_close_contact": 4, "households_registered": 10,
                                      "households_visited_campaign": 2})


def problems_of_ages(w: World) -> dict[str, Problem]:
    """Open problems of the district raised today, 2 days, 4 days and 10 days ago (the last one
    overdue since 8 days), and one closed."""
    now = timezone.now()
    found = {
        "today": raise_in(w.village_a1, w.alice, "Thermometers for the gate", now=now),
        "two": raise_in(w.village_a1, w.alice, "Gloves run short",
                        now=at(today() - days(2), 10), due_in=5),
        "four": raise_in(w.village_b1, w.bob, "A volunteer is ill",
                         now=at(today() - days(4), 10), due_in=7),
        "ten": raise_in(w.town_a, w.alice, "Masks run out at the gate",
                        now=at(today() - days(10), 10), due_in=2),
    }
    closed = raise_in(w.town_b, w.bob, "Food for the hotel", now=at(today() - days(3), 9))
    Problem.objects.filter(pk=closed.pk).update(status="closed", closed_at=now)
    return found


def report(area: Area, day: datetime.date, submitted: bool = True) -> DailyReport:
    return DailyReport.objects.create(
        area=area, area_path=area.path, day=day,
        status=ReportStatus.SUBMITTED if submitted else ReportStatus.DRAFT,
        submitted_at=timezone.now() if submitted else None)
