"""The registry of metrics 指标: every daily figure, what it means, how it is counted and rolled up.

A metric belongs to a family (registry, cases, checkpoints, care); a family counts all its
metrics at once, per leaf path (the grid, or the area a record hangs off), with a fixed number of
GROUP BY queries whatever the number of areas (families_*.py). The roll-up (rollup.py) then
carries every leaf's values up the tree by the metric's `rollup`:

- SUM: a flow (new cases, passages): added up the tree, and over days;
- LATEST: a stock at the end of the day (cases under management, free beds): added up the tree,
  and over days the last day's value counts;
- MAX: a peak (the longest wait): the largest in the subtree, and over days the largest.

A metric whose records keep no history (`snapshot`: beds and the waiting list are states, not
events) is counted only for today; recounting a past day keeps the values stored for it.

A figure's change since the day before is coloured by what it means (`rise`): more confirmed
cases are worse, more households visited better, more passages neither (`Metric.trend`).

A figure links to the list of the records behind it (`drill_down`). Where that list needs more
than seeing the area (`capability`: the case lists name persons, VIEW_CASES), `Metric.url` gives
no link to a viewer without it, so every page, dashboard and chart shows the figure unlinked
instead of a link that answers 403.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from epigrid.core.access import Capability, ScopedUser, can

# What a family answers: for each leaf path, the values of its metrics (codes left out are 0).
Leaves = dict[str, dict[str, int]]


def put(leaf: dict[str, int], key: str, n: int) -> None:
    """A figure of a leaf area, kept only when it is not 0 (a family's leaves are sparse)."""
    if n:
        leaf[key] = n
# A drill-down: the URL of the records behind the figure of an area (id) and day, or None.
DrillDown = Callable[[int, datetime.date], str | None]


class Rollup(enum.StrEnum):
    SUM = "sum"
    MAX = "max"
    LATEST = "latest"

    @property
    def label(self) -> str:
        return str(ROLLUP_LABELS[self])

    def over_tree(self, values: Sequence[int]) -> int:
        """An area's value from its own records' and its children's values."""
        return max(values, default=0) if self is Rollup.MAX else sum(values)

    def over_days(self, values: Sequence[int]) -> int:
        """A period's value from its days' values, in day order."""
        if self is Rollup.SUM:
            return sum(values)
        if self is Rollup.MAX:
            return max(values, default=0)
        return values[-1] if values else 0


ROLLUP_LABELS: dict[Rollup, Promise] = {
    Rollup.SUM: _("sum"), Rollup.MAX: _("maximum"), Rollup.LATEST: _("latest")}


class Unit:
    HOUSEHOLDS = _("households")
    PERSONS = _("persons")
    CASES = _("cases")
    CHECKS = _("checks")
    TESTS = _("tests")
    PASSAGES = _("passages")
    VEHICLES = _("vehicles")
    BEDS = _("beds")
    HOURS = _("hours")
    REQUESTS = _("requests")
    DONATIONS = _("donations")
    TASKS = _("tasks")
    FINDINGS = _("findings")
    PAYMENTS = _("payments")


class Rise(enum.Enum):
    """What a rise of the figure means, for how its change is shown."""

    WORSE = "worse"  # cases, waits, abnormal findings: the default
    BETTER = "better"  # households visited, admissions, free beds
    NEUTRAL = "neutral"  # counts that are neither (passages, persons registered)


@dataclass(frozen=True)
class Metric:
    code: str
    name: Promise  # gettext_lazy: English in the code, translated in the .po file
    unit: Promise
    rollup: Rollup
    computed: Promise  # how it is counted from the records, in one sentence
    snapshot: bool = False
    drill_down: DrillDown | None = None
    capability: Capability | None = None  # what the drill-down's list takes; None: the area
    family: str = ""  # set by Family
    rise: Rise = Rise.WORSE

    def trend(self, change: float | None) -> str:
        """How a change of the figure reads: "worse", "better", or "" (none, or neither)."""
        if not change or self.rise is Rise.NEUTRAL:
            return ""
        return "better" if (change > 0) == (self.rise is Rise.BETTER) else "worse"

    def may_drill(self, viewer: ScopedUser | None) -> bool:
        """Whether `viewer` gets the drill-down link. No viewer (None: a briefing file, read by
        whoever it is handed to) holds no capability: only the links that need none."""
        if self.drill_down is None:
            return False
        return self.capability is None or (viewer is not None and can(viewer, self.capability))

    def url(self, area_id: int, day: datetime.date, viewer: ScopedUser | None) -> str | None:
        """The list behind the figure of an area and day, for `viewer`; None when there is none
        or the viewer may not open it (the figure is then shown without a link)."""
        if self.drill_down is None or not self.may_drill(viewer):
            return None
        return self.drill_down(area_id, day)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": str(self.name), "unit": str(self.unit),
                "rollup": str(self.rollup), "computed": str(self.computed),
                "snapshot": self.snapshot, "family": self.family, "rise": self.rise.value}


@dataclass(frozen=True)
class Family:
    """Metrics counted together from one app's records."""

    key: str
    name: Promise
    order: int
    compute: Callable[[datetime.date, datetime.datetime], Leaves]
    metrics: tuple[Metric, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        object.__setattr__(self, "metrics", tuple(
            Metric(**{**metric.__dict__, "family": self.key}) for metric in self.metrics))


_FAMILIES: dict[str, Family] = {}
FAMILY_MODULES = ("families_registry", "families_cases", "families_checkpoints", "families_care",
                  "families_supplies", "families_supervision", "families_mobilization",
                  "families_volunteers")


def register(family: Family) -> Family:
    """Add a family (again: replaced); its metric codes must be new."""
    taken = {m.code for key, f in _FAMILIES.items() if key != family.key for m in f.metrics}
    clash = taken & {m.code for m in family.metrics}
    if clash:
        raise ValueError(f"metric codes registered twice: {sorted(clash)}")
    _FAMILIES[family.key] = family
    return family


def _load() -> None:
    import importlib

    for name in FAMILY_MODULES:
        importlib.import_module(f"epigrid.reporting.{name}")


def families() -> list[Family]:
    if not _FAMILIES:
        _load()
    return sorted(_FAMILIES.values(), key=lambda f: f.order)


def all_metrics() -> list[Metric]:
    return [metric for family in families() for metric in family.metrics]


def by_code() -> dict[str, Metric]:
    return {metric.code: metric for metric in all_metrics()}


def get_metric(code: str) -> Metric:
    """The metric of `code`; KeyError for an unknown one."""
    return by_code()[code]
