"""What a dashboard shows: the key figures 关键指标, the trend 趋势, its length, the map colour.

Pages, the wall screen and the API read the same query string:

- `metric`: the key figures (comma-separated metric codes, or the parameter repeated);
- `trend`: the metrics of the trend chart (at most MAX_TREND);
- `days`: the trend's length, 14 or 30 days;
- `map`: what colours the map of the children: `risk` (the risk level 风险等级) or a metric code;
- `day`: the day shown (today by default; not in the future);
- `refresh`: the wall screen's refresh interval in seconds (MIN_REFRESH to MAX_REFRESH).

A bad value raises `reading.BadQueryError` naming its parameter.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from epigrid.reporting.metrics import Metric, by_code
from epigrid.reporting.reading import BadQueryError, parse_day

# The last two are the command's two musts: 应隔尽隔 (every close contact quarantined) and
# 应收尽收 (every patient admitted): each should read 0.
DEFAULT_FIGURES = ("new_confirmed", "current_confirmed", "new_suspected", "current_close_contact",
                   "in_centralized_quarantine", "in_home_quarantine", "persons_screened_today",
                   "fever_referrals", "awaiting_admission", "contacts_awaiting_quarantine",
                   "waiting_over_24h")
DEFAULT_TREND = ("new_confirmed", "new_suspected", "new_close_contact")
DEFAULT_MAP = "risk"
BY_RISK = "risk"
TREND_DAYS = (14, 30)
MAX_FIGURES = 16
MAX_TREND = 6
DEFAULT_REFRESH = 60
MIN_REFRESH, MAX_REFRESH = 10, 3600


@dataclass(frozen=True)
class Choice:
    figures: tuple[Metric, ...]
    trend: tuple[Metric, ...]
    days: int
    map_by: Metric | None  # None: by risk level
    day: datetime.date

    @property
    def first_day(self) -> datetime.date:
        return self.day - datetime.timedelta(days=self.days - 1)

    @property
    def map_key(self) -> str:
        return self.map_by.code if self.map_by else BY_RISK

    def query(self) -> str:
        """The query string that asks for this choice again (the wall screen's refresh)."""
        return (f"metric={','.join(m.code for m in self.figures)}"
                f"&trend={','.join(m.code for m in self.trend)}"
                f"&days={self.days}&map={self.map_key}")


def _codes(raw: Sequence[str]) -> list[str]:
    return [code.strip() for part in raw for code in part.split(",") if code.strip()]


def parse_metric_list(raw: Sequence[str], field: str, default: Sequence[str],
                      most: int) -> tuple[Metric, ...]:
    """Metric codes (comma-separated, or repeated) in the order given, once each; the default
    when none is given; an unknown code or too many are refused."""
    known = by_code()
    codes = list(dict.fromkeys(_codes(raw))) or list(default)
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise BadQueryError(field, _("No metric %(codes)s. The metrics are listed at "
                                     "/api/figures/metrics.") % {"codes": ", ".join(unknown)})
    if len(codes) > most:
        raise BadQueryError(field, _("Choose at most %(n)d metrics here.") % {"n": most})
    return tuple(known[code] for code in codes)


def parse_days(raw: str | None) -> int:
    if not raw:
        return TREND_DAYS[0]
    if raw.strip() not in {str(n) for n in TREND_DAYS}:
        raise BadQueryError("days", _("The trend covers %(short)d or %(long)d days (got "
                                      "“%(days)s”).")
                            % {"short": TREND_DAYS[0], "long": TREND_DAYS[1], "days": raw})
    return int(raw)


def parse_map(raw: str | None) -> Metric | None:
    code = (raw or DEFAULT_MAP).strip()
    if code == BY_RISK:
        return None
    found = by_code().get(code)
    if found is None:
        raise BadQueryError("map", _("Colour the map by “risk” or by a metric code (got "
                                     "“%(map)s”).") % {"map": raw})
    return found


def parse_refresh(raw: str | None) -> int:
    if not raw:
        return DEFAULT_REFRESH
    try:
        seconds = int(raw)
    except ValueError:
        seconds = -1
    if not MIN_REFRESH <= seconds <= MAX_REFRESH:
        raise BadQueryError("refresh", _("Refresh every %(low)d to %(high)d seconds (got "
                                         "“%(raw)s”).")
                            % {"low": MIN_REFRESH, "high": MAX_REFRESH, "raw": raw})
    return seconds


def parse_choice(query: Mapping[str, Sequence[str]]) -> Choice:
    """The whole choice from a query (a QueryDict's lists, or a dict of lists)."""
    def one(name: str) -> str | None:
        values = query.get(name) or []
        return values[-1] if values else None

    return Choice(
        figures=parse_metric_list(query.get("metric") or [], "metric", DEFAULT_FIGURES,
                                  MAX_FIGURES),
        trend=parse_metric_list(query.get("trend") or [], "trend", DEFAULT_TREND, MAX_TREND),
        days=parse_days(one("days")),
        map_by=parse_map(one("map")),
        day=parse_day(one("day")),
    )
