"""The demo's risk levels: yesterday's proposals confirmed by the command, today's pending."""

from __future__ import annotations

import datetime

from django.utils import timezone

from epigrid.alerts.cap import in_force
from epigrid.areas.models import Area, RiskLevel
from epigrid.demo.risk_data import decide_levels, decided
from epigrid.reporting.models import DailyFigures, ProposalStatus, RiskProposal
from tests.base import BaseTestCase


class DemoRiskLevelTests(BaseTestCase):
    def local_cases(self, area: Area, day: datetime.date, count: int) -> None:
        DailyFigures.objects.create(area=area, area_path=area.path, day=day,
                                    values={"new_confirmed": count,
                                            "new_local_confirmed": count},
                                    computed_at=timezone.now())

    def test_it_confirms_yesterdays_levels_and_leaves_todays_pending(self) -> None:
        w = self.world
        today = timezone.localdate()
        yesterday = today - datetime.timedelta(days=1)
        self.local_cases(w.village_a1, yesterday, 2)
        self.local_cases(w.town_a, yesterday, 2)
        self.local_cases(w.village_b1, today, 1)
        self.local_cases(w.town_b, today, 1)
        assert not decided()
        assert decide_levels(w.command) == {"confirmed": 2, "pending": 2}
        levels = dict(Area.objects.exclude(risk_level=RiskLevel.LOW).values_list(
            "name", "risk_level"))
        assert levels == {"Village A1": RiskLevel.MEDIUM, "Dongcheng Town": RiskLevel.MEDIUM}
        assert set(RiskProposal.objects.filter(day=yesterday).values_list(
            "status", "decided_by")) == {(ProposalStatus.CONFIRMED, w.command.pk)}
        pending = RiskProposal.objects.filter(day=today, status=ProposalStatus.PENDING)
        assert {p.area.name for p in pending} == {"Village B1", "Xihe Town"}
        assert decided()
        # The public CAP feed 风险等级公告 carries the two confirmed, nothing pending.
        assert {change.area.name for change in in_force()} == {"Village A1", "Dongcheng Town"}
