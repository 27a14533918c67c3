"""What a rise of each case figure means: bad news (the default: more cases, contacts left out,
missed checks, positive or pending tests), good news, or neither. The cases' own figures page
colours a change by it, and reporting's metrics (`reporting.metrics.Rise`) read it from here."""

from __future__ import annotations

RISING_BETTER = frozenset({"released_today", "follow_ups_done", "tests_done"})
RISING_NEUTRAL = frozenset({"in_home_quarantine", "in_centralized_quarantine",
                            "quarantined_today", "follow_ups_due"})


def trend(code: str, change: int) -> str:
    """How a change of the figure reads: "worse", "better", or "" (none, or neither); the
    classes the pages colour (as reporting.metrics.Metric.trend)."""
    if not change or code in RISING_NEUTRAL:
        return ""
    return "better" if (change > 0) == (code in RISING_BETTER) else "worse"
