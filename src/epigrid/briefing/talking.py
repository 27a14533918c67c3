"""Talking points 发言提纲: the day's notable changes, written as plain sentences from the figures.

Pure functions of a `Situation` (figures of the area and its children today and yesterday, the
overdue problems, the closure rate, the areas that did not report), so they are tested on
hand-made figures. The rules, in the order the points are spoken:

1. **Biggest increases** 增幅最大: of the watched metrics (a rise is bad news: new cases, fever
   referrals, missed follow-ups, waits for a bed...), the `MAX_INCREASES` with the largest rise
   since yesterday; new confirmed cases always make the list when they rose. A point names the
   child area holding at least half of the day's value ("mostly in Dongcheng Town") and says
   "doubled" when the value is at least twice yesterday's (and yesterday's at least
   DOUBLING_FLOOR).
2. **Close contacts quarantined** 应隔尽隔: after a rise of new close contacts, whether they
   are all quarantined; whenever some of the day's are not, how many and where (the children
   holding them, MAX_NAMES at most); and how many found before today still wait.
3. **Fell to zero**: a case metric that was not zero yesterday and is today.
4. **Thresholds crossed** 警戒值: a metric of the deployment's alert levels (`alert_levels()`,
   setting EPIGRID_ALERT_THRESHOLDS) that crossed its level since yesterday (up: reached it
   from below; down: fell to it from above — a hospital's last free ICU bed taken).
5. **Overdue problems** 逾期问题: how many, and the oldest one; then how many open problems rose
   unresolved to the area itself from below (escalated 上报升级).
6. **Closure** 日清日结: raised today, closed of those due, the rate.
7. **Not reported** 未报送: the areas below without a daily report (when reports are collected).
8. **Risk levels** 风险等级: the proposals of the rules still awaiting the command's decision.

Every sentence is one translatable message with named placeholders (`gettext`), so word order
is the translator's.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from epigrid.reporting.metrics import Metric, by_code

# How the points are worded, the same in every deployment (the alert levels are settings).
MAX_INCREASES = 3
MAX_NAMES = 5  # areas named in one sentence; the rest are counted
CONCENTRATION = 0.5  # a child holding this share of the value is where it is "mostly"
DOUBLING_FLOOR = 3  # "doubled" from at least this many (1 to 2 is not news of a doubling)
ENV = "EPIGRID_ALERT_THRESHOLDS"

# A rise of these is news (order breaks ties: cases first).
WATCHED = ("new_confirmed", "new_asymptomatic", "new_suspected", "new_fever", "new_close_contact",
           "tests_positive", "persons_abnormal_today", "fever_referrals",
           "referred_to_quarantine", "turned_back", "follow_ups_missed", "waiting_over_24h",
           "awaiting_admission")
ALWAYS = "new_confirmed"
CONTACTS, UNPLACED = "new_close_contact", "new_contacts_not_quarantined"
WAITING = "contacts_awaiting_quarantine"
TO_ZERO = ("new_confirmed", "new_asymptomatic", "new_suspected", "current_confirmed")


@dataclass(frozen=True)
class Threshold:
    code: str
    limit: int
    rising: bool  # True: crossing upwards (reaching `limit`); False: falling to `limit`


class ConfigError(ImproperlyConfigured):
    """The alert levels name a metric the registry does not have."""


def alert_levels() -> tuple[Threshold, ...]:
    """This deployment's alert levels (settings.ALERT_THRESHOLDS, read now: `(code, limit,
    rising)` each). The settings load before the metric registry, so its codes are checked
    here (and when the app starts): an unknown one is a ConfigError naming the variable."""
    found = tuple(Threshold(str(code), int(limit), bool(rising))
                  for code, limit, rising in settings.ALERT_THRESHOLDS)
    unknown = sorted({rule.code for rule in found} - set(by_code()))
    if unknown:
        raise ConfigError(f"{ENV} names metrics that do not exist: {', '.join(unknown)}")
    return found


@dataclass(frozen=True)
class Place:
    """An area's figures today and yesterday (None: yesterday was not counted)."""

    name: str
    today: Mapping[str, int]
    yesterday: Mapping[str, int] | None = None

    def value(self, code: str) -> int:
        return int(self.today.get(code, 0))

    def before(self, code: str) -> int | None:
        return None if self.yesterday is None else int(self.yesterday.get(code, 0))


@dataclass(frozen=True)
class OverdueProblem:
    title: str
    place: str
    due_on: datetime.date


@dataclass(frozen=True)
class Closure:
    raised: int
    due: int
    closed: int

    @property
    def percent(self) -> str:
        return "—" if not self.due else f"{self.closed * 100 / self.due:.0f}%"


@dataclass(frozen=True)
class Situation:
    area: Place
    children: Sequence[Place] = ()
    overdue: Sequence[OverdueProblem] = ()  # oldest first
    overdue_count: int | None = None  # all of them, when `overdue` is only the oldest few
    escalated: int = 0  # open problems that rose to the area itself from below
    closure: Closure | None = None
    unreported: Sequence[str] | None = None  # None: daily reports are not collected
    pending_risk: int | None = None  # risk level proposals awaiting a decision
    thresholds: Sequence[Threshold] = field(default_factory=lambda: alert_levels())


def _name(metric: Metric) -> str:
    return str(metric.name)


def _mostly_in(situation: Situation, code: str) -> tuple[str, str] | None:
    """The child holding at least CONCENTRATION of the area's value, with its share."""
    total = situation.area.value(code)
    if total <= 0 or len(situation.children) < 2:
        return None
    top = max(situation.children, key=lambda child: child.value(code))
    share = top.value(code) / total
    return (top.name, f"{share * 100:.0f}%") if share >= CONCENTRATION else None


def increases(situation: Situation, metrics: Mapping[str, Metric]) -> list[str]:
    area = situation.area
    risen: list[tuple[int, int, str]] = []
    for order, code in enumerate(WATCHED):
        before = area.before(code)
        if code in metrics and before is not None and area.value(code) > before:
            risen.append((area.value(code) - before, -order, code))
    risen.sort(reverse=True)
    chosen = [code for _change, _order, code in risen[:MAX_INCREASES]]
    if ALWAYS not in chosen and any(code == ALWAYS for _c, _o, code in risen):
        chosen = [*chosen[: MAX_INCREASES - 1], ALWAYS]
    points = []
    for code in chosen:
        value, before = area.value(code), area.before(code) or 0
        where = _mostly_in(situation, code)
        params = {"metric": _name(metrics[code]), "value": value, "change": value - before,
                  "before": before}
        doubled = before >= DOUBLING_FLOOR and value >= 2 * before
        if where is not None:
            params.update(place=where[0], share=where[1])
            text = (_("%(metric)s doubled to %(value)s (%(before)s yesterday), mostly in "
                      "%(place)s (%(share)s).") if doubled else
                    _("%(metric)s: %(value)s, %(change)s more than yesterday, mostly in "
                      "%(place)s (%(share)s)."))
        else:
            text = (_("%(metric)s doubled to %(value)s (%(before)s yesterday).") if doubled
                    else _("%(metric)s: %(value)s, %(change)s more than yesterday."))
        points.append(text % params)
    return points


def _names(names: Sequence[str]) -> str:
    shown = pgettext("list separator", ", ").join(names[:MAX_NAMES])
    if len(names) > MAX_NAMES:
        shown = _("%(names)s and %(n)d more") % {"names": shown, "n": len(names) - MAX_NAMES}
    return shown


def contacts_placed(situation: Situation, metrics: Mapping[str, Metric]) -> list[str]:
    """Whether the day's new close contacts are all quarantined (said after their rise, and
    whenever some are not, with the children holding them); then those found before today who
    still wait."""
    return [*_new_contacts_placed(situation, metrics), *_older_contacts_waiting(situation,
                                                                               metrics)]


def _older_contacts_waiting(situation: Situation, metrics: Mapping[str, Metric]) -> list[str]:
    if WAITING not in metrics or UNPLACED not in metrics:
        return []
    area = situation.area
    older = area.value(WAITING) - area.value(UNPLACED)
    return [ngettext("%(n)d close contact found before today still awaits quarantine.",
                     "%(n)d close contacts found before today still await quarantine.", older)
            % {"n": older}] if older > 0 else []


def _new_contacts_placed(situation: Situation, metrics: Mapping[str, Metric]) -> list[str]:
    area = situation.area
    if CONTACTS not in metrics or UNPLACED not in metrics or not area.value(CONTACTS):
        return []
    found, unplaced = area.value(CONTACTS), area.value(UNPLACED)
    if not unplaced:
        before = area.before(CONTACTS)
        risen = before is not None and found > before
        return [ngettext("The new close contact is quarantined.",
                         "All %(n)d new close contacts are quarantined.", found)
                % {"n": found}] if risen else []
    params = {"n": unplaced, "found": found}
    what = (ngettext("%(n)d of the %(found)d new close contacts is not yet quarantined",
                     "%(n)d of the %(found)d new close contacts are not yet quarantined",
                     unplaced) if unplaced < found else
            ngettext("The new close contact is not yet quarantined",
                     "None of the %(n)d new close contacts is quarantined yet", unplaced)
            ) % params
    where = [child.name for child in situation.children if child.value(UNPLACED)]
    if not where:
        return [_("%(what)s.") % {"what": what}]
    return [_("%(what)s: %(places)s.") % {"what": what, "places": _names(where)}]


def fell_to_zero(situation: Situation, metrics: Mapping[str, Metric]) -> list[str]:
    area = situation.area
    return [_("%(metric)s fell to 0 (%(before)s yesterday).")
            % {"metric": _name(metrics[code]), "before": area.before(code)}
            for code in TO_ZERO
            if code in metrics and area.value(code) == 0 and (area.before(code) or 0) > 0]


def crossed(situation: Situation, metrics: Mapping[str, Metric]) -> list[str]:
    area, points = situation.area, []
    for rule in situation.thresholds:
        if rule.code not in metrics:
            continue
        value, before = area.value(rule.code), area.before(rule.code)
        params = {"metric": _name(metrics[rule.code]), "value": value, "limit": rule.limit}
        if rule.rising and value >= rule.limit and (before is None or before < rule.limit):
            points.append(_("%(metric)s reached %(value)s, at or above the alert level of "
                            "%(limit)s.") % params)
        elif not rule.rising and before is not None and before > rule.limit >= value:
            points.append(_("%(metric)s fell to %(value)s, at or below the alert level of "
                            "%(limit)s.") % params)
    return points


def overdue(situation: Situation) -> list[str]:
    if not situation.overdue:
        return []
    n = situation.overdue_count or len(situation.overdue)
    oldest = situation.overdue[0]
    return [ngettext("%(n)d problem is overdue: “%(title)s” (%(place)s), due on %(due)s.",
                     "%(n)d problems are overdue; the oldest, “%(title)s” (%(place)s), was due "
                     "on %(due)s.", n)
            % {"n": n, "title": oldest.title, "place": oldest.place,
               "due": oldest.due_on.isoformat()}]


def escalated(situation: Situation) -> list[str]:
    n = situation.escalated
    return [ngettext("%(n)d open problem rose to %(area)s from below.",
                     "%(n)d open problems rose to %(area)s from below.", n)
            % {"n": n, "area": situation.area.name}] if n else []


def closure(situation: Situation) -> list[str]:
    found = situation.closure
    if found is None or not found.due:
        return []
    return [_("Problems: %(raised)d raised today; %(closed)d of the %(due)d due were closed "
              "(%(rate)s).") % {"raised": found.raised, "closed": found.closed,
                                "due": found.due, "rate": found.percent}]


def unreported(situation: Situation) -> list[str]:
    names = situation.unreported
    if not names:
        return []
    shown = _names(names)
    return [ngettext("%(n)d area has not reported: %(names)s.",
                     "%(n)d areas have not reported: %(names)s.", len(names))
            % {"n": len(names), "names": shown}]


def risk(situation: Situation) -> list[str]:
    n = situation.pending_risk or 0
    return [ngettext("%(n)d risk level proposal awaits the command's decision.",
                     "%(n)d risk level proposals await the command's decision.", n)
            % {"n": n}] if n else []


def talking_points(situation: Situation) -> list[str]:
    """Every point, in the order they are spoken (the module's rules 1 to 8)."""
    metrics = by_code()
    return [*increases(situation, metrics), *contacts_placed(situation, metrics),
            *fell_to_zero(situation, metrics),
            *crossed(situation, metrics), *overdue(situation), *escalated(situation),
            *closure(situation),
            *unreported(situation), *risk(situation)]
