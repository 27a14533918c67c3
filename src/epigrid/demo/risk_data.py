"""The demo's risk levels 风险等级: the rules' proposals of yesterday, confirmed by the command
as at yesterday's dispatch meeting, and today's left pending for the next. Without them the
map of an outbreak showed every town low."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from epigrid.reporting.models import RiskProposal
from epigrid.reporting.risk_services import confirm_proposal, propose_levels


def decide_levels(command: Any, today: datetime.date | None = None) -> dict[str, int]:
    """Confirm yesterday's proposals by `command` (a user who may change risk levels) and
    propose today's; how many of each."""
    today = today or timezone.localdate()
    confirmed = propose_levels(today - datetime.timedelta(days=1))
    for proposal in confirmed:
        confirm_proposal(proposal, by=command)
    pending = propose_levels(today)
    return {"confirmed": len(confirmed), "pending": len(pending)}


def decided() -> bool:
    return RiskProposal.objects.exists()
