"""The demo's stored figures: what the workers' recounts (every 15 minutes, and yesterday's once
more after midnight) would have stored on each day of the outbreak. `epigrid demo` runs no
worker, so without them the dashboard, the epidemic curve and the 17:00 talking points would
have nothing to show or to compare until someone asked for a recount."""

from __future__ import annotations

import datetime

from django.utils import timezone

from epigrid.cases import figures as case_figures
from epigrid.reporting.services import recompute_day


def count_figures(days: int, today: datetime.date | None = None) -> dict[str, int]:
    """Count and store the case figures and the daily figures of every area for today and the
    `days` before it, oldest first (as the days went by)."""
    today = today or timezone.localdate()
    case_rows = figure_rows = 0
    for back in range(days, -1, -1):
        day = today - datetime.timedelta(days=back)
        case_rows += case_figures.recompute(day)
        figure_rows += recompute_day(day).rows
    return {"days": days + 1, "case_rows": case_rows, "figure_rows": figure_rows}
