"""The rules that propose an area's risk level 风险等级 from its daily figures: a small table.

Each rule names a metric of the daily figures (metrics.py), a window of days ending on the day of
the proposal, a threshold and the level it proposes. Rules are tried from the top; the first
whose sum over its window reaches its threshold proposes its level; none: `FALLBACK_LEVEL`.

The rules count **new local confirmed cases** 本土新增确诊 ("new local cases in 14 days"): an
imported case 输入病例 (infected outside the district, e.g. a returnee) alone does not raise an
area's level. The window and thresholds are this deployment's settings, read each time the rules
run (docs/configuration.md): with the defaults, an area with 10 or more new local confirmed cases
in 14 days is proposed high risk 高风险, with at least one medium 中风险, with none low 低风险.
The figures are the areas' stored report values (`DailyFigures.values`: frozen at each day's
cutoff); a day never counted adds 0.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from epigrid.areas.models import Level, RiskLevel
from epigrid.reporting.models import DailyFigures

# Which areas get a proposed level: towns 乡镇/街道 and villages 村/社区.
RISK_AREA_LEVELS = (Level.TOWN, Level.VILLAGE)
METRIC = "new_local_confirmed"
FALLBACK_LEVEL = RiskLevel.LOW


@dataclass(frozen=True)
class Rule:
    code: str
    level: RiskLevel
    metric: str
    days: int
    at_least: int
    name: Promise  # what the sum is, for the reason text

    @property
    def window(self) -> tuple[str, int]:
        return self.metric, self.days


def rules() -> tuple[Rule, ...]:
    """The rules with this deployment's window and thresholds (settings RISK_*), read now."""
    days, what = settings.RISK_WINDOW_DAYS, gettext_lazy("new local confirmed cases")
    return (
        Rule("high_new_local_confirmed", RiskLevel.HIGH, METRIC, days, settings.RISK_HIGH_AT,
             what),
        Rule("medium_new_local_confirmed", RiskLevel.MEDIUM, METRIC, days,
             settings.RISK_MEDIUM_AT, what),
    )


FALLBACK_RULE = "low_no_new_local_confirmed"


@dataclass(frozen=True)
class Verdict:
    level: RiskLevel
    rule: str
    reason: str
    figures: dict[str, int]  # "<metric>_<days>d" -> the sum over the window


def window_key(metric: str, days: int) -> str:
    return f"{metric}_{days}d"


def windows() -> set[tuple[str, int]]:
    return {rule.window for rule in rules()}


def longest_window() -> int:
    return max((rule.days for rule in rules()), default=1)


def figure(values: dict[str, Any] | None, metric: str) -> int:
    """A metric's value in a day's stored figures.

    A day counted before cases had an origin of infection stores new_confirmed but neither
    origin figure (a day counted since stores one of them whenever new_confirmed is not 0); every
    case was local then, so its new local confirmed cases are its new confirmed cases."""
    values = values or {}
    if metric == METRIC and metric not in values and "new_imported_confirmed" not in values:
        return int(values.get("new_confirmed", 0))
    return int(values.get(metric, 0))


def window_sums(day: datetime.date, area_ids: list[int] | None = None
                ) -> dict[int, dict[str, int]]:
    """Per area: each rule window's sum of its metric over the days ending on `day` (one query).
    """
    first = day - datetime.timedelta(days=longest_window() - 1)
    rows = DailyFigures.objects.filter(day__gte=first, day__lte=day,
                                       area__level__in=RISK_AREA_LEVELS)
    if area_ids is not None:
        rows = rows.filter(area_id__in=area_ids)
    sums: dict[int, dict[str, int]] = defaultdict(dict)
    wanted = windows()
    for area_id, when, values in rows.order_by().values_list("area_id", "day", "values"):
        found = sums[area_id]
        for metric, days in wanted:
            key = window_key(metric, days)
            found.setdefault(key, 0)
            if (day - when).days < days:
                found[key] += figure(values, metric)
    return sums


def explain(rule: str, figures: dict[str, int], day: datetime.date, stored: str) -> str:
    """A proposal's reason in the reader's language, told again from its figures; the stored
    text (in the language of the run that made it) if the rules have changed since: another
    rule would fire, or the figures lack a window of today's rules (its days were changed)."""
    if not all(window_key(*window) in figures for window in windows()):
        return stored
    verdict = evaluate(figures, day)
    return verdict.reason if verdict.rule == rule else stored


def evaluate(figures: dict[str, int], day: datetime.date) -> Verdict:
    """The level the rules propose for an area with these window sums (missing sums are 0)."""
    table = rules()
    shown = {window_key(*w): int(figures.get(window_key(*w), 0))
             for w in sorted({rule.window for rule in table})}
    for rule in table:
        n = shown[window_key(*rule.window)]
        if n >= rule.at_least:
            reason = _("%(n)d %(what)s in the %(days)d days to %(day)s (%(level)s at "
                       "%(at_least)d or more).") % {
                "n": n, "what": rule.name, "days": rule.days, "day": day.isoformat(),
                "level": rule.level.label, "at_least": rule.at_least}
            return Verdict(level=rule.level, rule=rule.code, reason=reason, figures=shown)
    parts = [_("%(n)d %(what)s in the %(days)d days to %(day)s") % {
        "n": shown[window_key(*rule.window)], "what": rule.name, "days": rule.days,
        "day": day.isoformat()} for rule in table[-1:]]
    reason = _("%(figures)s: below every rule's threshold.") % {"figures": "; ".join(parts)}
    return Verdict(level=FALLBACK_LEVEL, rule=FALLBACK_RULE, reason=reason, figures=shown)
