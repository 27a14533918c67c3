"""Case figures 疫情数据: the four categories 四类人员, quarantine 隔离, follow-ups 随访,
tests 核酸检测.

Not counted again here: `epigrid.cases.figures.leaf_vectors` already counts every figure per leaf
path with one GROUP BY per figure family (cases, quarantines, follow-ups, tests); this module
takes the codes the daily report names and links each to the cases app's own drill-down list,
which names persons: only a viewer with VIEW_CASES gets the link (`Metric.capability`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from epigrid.cases import figures
from epigrid.cases.figure_meaning import RISING_BETTER, RISING_NEUTRAL
from epigrid.core.access import Capability
from epigrid.reporting.metrics import Family, Leaves, Metric, Rise, Rollup, Unit, register


def _records(code: str) -> Callable[[int, datetime.date], str]:
    def url(area_id: int, day: datetime.date) -> str:
        return (reverse("cases:figure_records", args=(area_id, code))
                + f"?day={day.isoformat()}")
    return url


def _metric(code: str, name: Promise, unit: Promise, rollup: Rollup,
            computed: Promise) -> Metric:
    """A case figure, drilling down to its records in the cases app (behind VIEW_CASES)."""
    rise = (Rise.BETTER if code in RISING_BETTER else
            Rise.NEUTRAL if code in RISING_NEUTRAL else Rise.WORSE)
    return Metric(code, name, unit, rollup, computed, drill_down=_records(code),
                  capability=Capability.VIEW_CASES, rise=rise)


CATEGORY_NAMES: dict[str, tuple[Promise, Promise, Promise]] = {
    # (new, under management, cumulative)
    "confirmed": (_("New confirmed cases"), _("Confirmed cases under management"),
                  _("Confirmed cases, cumulative")),
    "asymptomatic": (_("New asymptomatic infections"), _("Asymptomatic infections under "
                                                         "management"),
                     _("Asymptomatic infections, cumulative")),
    "suspected": (_("New suspected cases"), _("Suspected cases under management"),
                  _("Suspected cases, cumulative")),
    "fever": (_("New fever patients"), _("Fever patients under management"),
              _("Fever patients, cumulative")),
    "close_contact": (_("New close contacts"), _("Close contacts under management"),
                      _("Close contacts, cumulative")),
}


# New confirmed cases split by origin of infection 本土 / 输入 (counted by the same query as
# new_confirmed, which they add up to); the risk rules count only the local ones.
ORIGIN_METRICS: tuple[tuple[str, Promise, Promise], ...] = (
    ("new_local_confirmed", _("New local confirmed cases"),
     _("New confirmed cases infected in the district (local).")),
    ("new_imported_confirmed", _("New imported confirmed cases"),
     _("New confirmed cases infected outside the district (imported, e.g. returnees).")),
)


def _category_metrics() -> list[Metric]:
    found = []
    for category, (new, current, total) in CATEGORY_NAMES.items():
        found += [
            _metric(f"new_{category}", new, Unit.CASES, Rollup.SUM,
                    _("Cases that entered the category on the day.")),
            _metric(f"current_{category}", current, Unit.CASES, Rollup.LATEST,
                    _("Cases in the category at the end of the day.")),
        ]
        if category == "confirmed":
            found.append(_metric(f"total_{category}", total, Unit.CASES, Rollup.LATEST,
                                 _("Cases that entered the category on or before the day.")))
            found += [_metric(code, name, Unit.CASES, Rollup.SUM, computed)
                      for code, name, computed in ORIGIN_METRICS]
    return found


OTHER_METRICS: tuple[tuple[str, Promise, Promise, Rollup, Promise], ...] = (
    ("in_home_quarantine", _("In home quarantine"), Unit.PERSONS, Rollup.LATEST,
     _("Home quarantines begun by the day and not ended by it.")),
    ("in_centralized_quarantine", _("In centralized quarantine"), Unit.PERSONS, Rollup.LATEST,
     _("Centralized quarantines begun by the day and not ended by it.")),
    ("quarantined_today", _("Quarantines begun"), Unit.PERSONS, Rollup.SUM,
     _("Quarantines that began on the day.")),
    ("released_today", _("Released from quarantine"), Unit.PERSONS, Rollup.SUM,
     _("Quarantines that ended on the day with a release.")),
    ("new_contacts_not_quarantined", _("New close contacts not quarantined"), Unit.CASES,
     Rollup.SUM, _("Close contacts found on the day and still close contacts, without a "
                   "quarantine by the day's end.")),
    ("contacts_awaiting_quarantine", _("Close contacts awaiting quarantine"), Unit.CASES,
     Rollup.LATEST, _("Close contacts found on or before the day and not yet quarantined at "
                      "its end.")),
    ("follow_ups_due", _("Follow-ups due"), Unit.CHECKS, Rollup.SUM,
     _("Two checks a day for every quarantine in progress.")),
    ("follow_ups_done", _("Follow-ups recorded"), Unit.CHECKS, Rollup.SUM,
     _("Follow-up checks recorded for the day.")),
    ("follow_ups_missed", _("Follow-ups missed"), Unit.CHECKS, Rollup.SUM,
     _("Follow-up checks flagged as missed for the day.")),
    ("tests_done", _("Test results"), Unit.TESTS, Rollup.SUM,
     _("Nucleic-acid results received on the day.")),
    ("tests_positive", _("Positive results"), Unit.TESTS, Rollup.SUM,
     _("Positive nucleic-acid results received on the day.")),
    ("tests_pending", _("Tests awaiting a result"), Unit.TESTS, Rollup.LATEST,
     _("Samples taken by the end of the day without a result by then.")),
)

METRICS: tuple[Metric, ...] = (
    *_category_metrics(),
    *(_metric(code, name, unit, rollup, computed)
      for code, name, unit, rollup, computed in OTHER_METRICS),
)
# Where each of our codes sits in the cases app's vectors.
SLOTS = [(metric.code, figures.INDEX[metric.code]) for metric in METRICS]


def compute(day: datetime.date, at: datetime.datetime) -> Leaves:
    leaves: Leaves = {}
    for path, vector in figures.leaf_vectors("", day).items():
        values = {code: vector[i] for code, i in SLOTS if vector[i]}
        if values:
            leaves[path] = values
    return leaves


FAMILY = register(Family(key="cases", name=_("Cases, quarantine and tests"), order=20,
                         compute=compute, metrics=METRICS))
