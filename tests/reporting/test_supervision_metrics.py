"""The supervision family: tasks set and overdue, inspection findings raised and overdue, each
counted in its area and rolled up the tree (town A holds its villages' tasks)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from epigrid.areas.models import Area
from epigrid.reporting import metrics, services
from epigrid.reporting.families_supervision import compute
from epigrid.reporting.models import DailyFigures
from epigrid.supervision import inspections
from epigrid.supervision import services as supervision
from epigrid.supervision.models import Finding, Inspection, Task
from tests.reporting.helpers import more_areas
from tests.supervision.helpers import SupervisionTestCase, days

CODES = ("supervision_tasks_set", "supervision_tasks_overdue", "supervision_findings_raised",
         "supervision_findings_overdue")


def stored(area: Area) -> dict[str, int]:
    values: dict[str, int] = DailyFigures.objects.get(area=area, day=timezone.localdate()).values
    return {code: n for code, n in values.items() if code.startswith("supervision_")}


class SupervisionFamilyTests(SupervisionTestCase):
    def overdue(self, task: Task, by_days: int = 2) -> Task:
        """The task as if it had been due `by_days` days ago (set_task refuses a past day)."""
        Task.objects.filter(pk=task.pk).update(due_on=days(-by_days))
        task.refresh_from_db()
        return task

    def set_yesterday(self, record: Any) -> None:
        type(record).objects.filter(pk=record.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=1))

    def test_it_counts_the_days_tasks_and_those_in_hand_past_their_day(self) -> None:
        w = self.world
        self.task(w.village_a1)
        self.overdue(self.task(w.village_a1, title="Disinfect the market"))
        reported = self.overdue(self.task(w.village_a2, title="Count the stalls"))
        supervision.report_done(reported, by=w.alice, report="Counted: 40 stalls.")
        old = self.overdue(self.task(w.town_b, title="Staff the gate"), by_days=5)
        self.set_yesterday(old)
        leaves = compute(timezone.localdate(), timezone.now())
        self.assertEqual(leaves[w.village_a1.path], {"supervision_tasks_set": 2,
                                                     "supervision_tasks_overdue": 1})
        # Reported done: it waits on the desk, not on the village.
        self.assertEqual(leaves[w.village_a2.path], {"supervision_tasks_set": 1})
        self.assertEqual(leaves[w.town_b.path], {"supervision_tasks_overdue": 1})

    def test_it_counts_the_findings_of_the_days_inspections_and_those_past_their_day(
            self) -> None:
        w = self.world
        self.inspection(findings=2)  # town A's fever clinic, today
        earlier = self.inspection(w.town_b, facility=w.facility_b, findings=3)
        Inspection.objects.filter(pk=earlier.pk).update(inspected_on=days(-6))
        findings = list(earlier.findings.order_by("id"))
        Finding.objects.filter(inspection=earlier).update(rectify_by=days(-1))
        inspections.rectify(findings[0], by=w.bob, rectification="Sheet put up.")
        leaves = compute(timezone.localdate(), timezone.now())
        self.assertEqual(leaves[w.town_a.path], {"supervision_findings_raised": 2})
        self.assertEqual(leaves[w.town_b.path], {"supervision_findings_overdue": 2})

    def test_it_rolls_the_figures_up_the_tree(self) -> None:
        w = self.world
        self.task(w.village_a1)
        self.task(w.village_a2)
        self.overdue(self.task(w.town_a, title="Report the markets"))
        self.task(w.village_b1)
        self.inspection(findings=1)
        services.recompute_day(timezone.localdate())
        self.assertEqual(stored(w.village_a1), {"supervision_tasks_set": 1})
        self.assertEqual(stored(w.town_a), {"supervision_tasks_set": 3,
                                            "supervision_tasks_overdue": 1,
                                            "supervision_findings_raised": 1})
        self.assertEqual(stored(w.town_b), {"supervision_tasks_set": 1})
        self.assertEqual(stored(w.district), {"supervision_tasks_set": 4,
                                              "supervision_tasks_overdue": 1,
                                              "supervision_findings_raised": 1})

    def test_it_keeps_a_past_days_overdue_figures_and_counts_its_tasks(self) -> None:
        w = self.world
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        task = self.overdue(self.task(w.village_a1))
        self.set_yesterday(task)
        services.recompute_day(yesterday)
        values = DailyFigures.objects.get(area=w.town_a, day=yesterday).values
        self.assertEqual(values.get("supervision_tasks_set"), 1)
        self.assertNotIn("supervision_tasks_overdue", values)  # a snapshot: today's only

    def test_it_counts_in_two_queries_whatever_the_areas(self) -> None:
        w = self.world
        self.task(w.village_a1)
        self.inspection(findings=2)

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                compute(timezone.localdate(), timezone.now())
            return len(captured.captured_queries)

        self.assertEqual(queries(), 2)
        for village in more_areas(w.town_a, 5):
            self.task(village, title=f"Close the market of {village.name}")
        self.assertEqual(queries(), 2)

    def test_it_links_each_figure_to_its_list(self) -> None:
        day = timezone.localdate()
        found = {code: metrics.get_metric(code) for code in CODES}
        tasks, findings = reverse("supervision:tasks"), reverse("supervision:findings")
        self.assertEqual([found[code].url(7, day, self.world.command) for code in CODES], [
            f"{tasks}?area=7&status=any", f"{tasks}?area=7&status=overdue",
            f"{findings}?area=7&status=any", f"{findings}?area=7&status=overdue"])
        self.assertEqual([found[code].family for code in CODES], ["supervision"] * 4)
        self.assertEqual([found[code].snapshot for code in CODES], [False, True, False, True])
