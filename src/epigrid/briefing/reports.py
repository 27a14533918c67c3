"""The hook to the daily reports 日报: the towns and villages of the subtree that have not
submitted their report for the day.

Also the risk level proposals 风险等级建议 of the subtree still waiting for the command's decision
(`reporting.RiskProposal`, pending).

The reporting app's `report_reading.missing_areas(day, root)` answers it (a draft is not a
report; the levels that report are towns and villages). Were the daily reports ever taken out
of the reporting app, `unreported` answers None and the meeting says that reports are not
collected, instead of failing.
"""

from __future__ import annotations

import datetime

from epigrid.areas.models import Area


def unreported(area: Area, day: datetime.date) -> list[Area] | None:
    """The reporting areas below `area` (itself excluded) without a submitted report for `day`,
    in tree order; None: daily reports are not collected."""
    try:
        from epigrid.reporting.report_reading import missing_areas
    except ImportError:  # pragma: no cover - the reports are part of the reporting app
        return None
    return [found for found in missing_areas(day, root=area) if found.pk != area.pk]


def pending_risk_proposals(area: Area) -> int | None:
    """How many risk level proposals of the subtree await a decision; None: none are made."""
    try:
        from epigrid.reporting.models import ProposalStatus, RiskProposal
    except ImportError:  # pragma: no cover - the proposals are part of the reporting app
        return None
    return RiskProposal.objects.within(area.path).filter(status=ProposalStatus.PENDING).count()
