"""The rules that propose an area's risk level 风险等级 from its daily figures: a small table.

Each rule names a metric of the daily figures (metrics.py), a window of days ending on the day of
the proposal, a threshold and the level it proposes. Rules are tried from the top; the first
whose sum over its window reaches its threshold proposes its level; none: `FALLBACK_LEVEL`.

The thresholds are module constants (docs/reporting.md lists them): with the defaults, an area
with 10 or more new confirmed cases in 14 days is proposed high risk 高风险, with at least one
medium 中风险, with none low 低风险. The figures are the areas' stored
report values (`DailyFigures.values`: frozen at each day's cutoff); a day never counted adds 0.
The cases app does not tell local from imported cases yet: "new confirmed" counts every new
confirmed case of the area.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from epigrid.areas.models import Level, RiskLevel
from epigrid.reporting.models import DailyFigures

# Which areas get a proposed level: towns 乡镇/街道 and villages 村/社区.
RISK_AREA_LEVELS = (Level.TOWN, Level.VILLAGE)
WINDOW_DAYS = 14  # the incubation period: "in the last 14 days"
HIGH_AT = 10      # new confirmed cases in the window that make an area high risk
MEDIUM_AT = 1     # ... medium risk
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


RULES: tuple[Rule, ...] = (
    Rule("high_new_confirmed", RiskLevel.HIGH, "new_confirmed", WINDOW_DAYS, HIGH_AT,
         gettext_lazy("new confirmed cases")),
    Rule("medium_new_confirmed", RiskLevel.MEDIUM, "new_confirmed", WINDOW_DAYS, MEDIUM_AT,
         gettext_lazy("new confirmed cases")),
)
FALLBACK_RULE = "low_no_new_confirmed"


@dataclass(frozen=True)
class Verdict:
    level: RiskLevel
    rule: str
    reason: str
    figures: dict[str, int]  # "<metric>_<days>d" -> the sum over the window


def window_key(metric: str, days: int) -> str:
    return f"{metric}_{days}d"


def windows() -> set[tuple[str, int]]:
    return {rule.window for rule in RULES}


def longest_window() -> int:
    return max((rule.days for rule in RULES), default=1)


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
                found[key] += int((values or {}).get(metric, 0))
    return sums


def explain(rule: str, figures: dict[str, int], day: datetime.date, stored: str) -> str:
    """A proposal's reason in the reader's language, told again from its figures; the stored
    text (in the language of the run that made it) if the rules have changed since."""
    verdict = evaluate(figures, day)
    return verdict.reason if verdict.rule == rule else stored


def evaluate(figures: dict[str, int], day: datetime.date) -> Verdict:
    """The level the rules propose for an area with these window sums (missing sums are 0)."""
    shown = {window_key(*w): int(figures.get(window_key(*w), 0)) for w in sorted(windows())}
    for rule in RULES:
        n = shown[window_key(*rule.window)]
        if n >= rule.at_least:
            reason = _("%(n)d %(what)s in the %(days)d days to %(day)s (%(level)s at "
                       "%(at_least)d or more).") % {
                "n": n, "what": rule.name, "days": rule.days, "day": day.isoformat(),
                "level": rule.level.label, "at_least": rule.at_least}
            return Verdict(level=rule.level, rule=rule.code, reason=reason, figures=shown)
    parts = [_("%(n)d %(what)s in the %(days)d days to %(day)s") % {
        "n": shown[window_key(*rule.window)], "what": rule.name, "days": rule.days,
        "day": day.isoformat()} for rule in RULES[-1:]]
    reason = _("%(figures)s: below every rule's threshold.") % {"figures": "; ".join(parts)}
    return Verdict(level=FALLBACK_LEVEL, rule=FALLBACK_RULE, reason=reason, figures=shown)
