"""`epigrid bench supervision` at tiny scale: the CI smoke test of the supervision benchmark."""

from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from benchmarks import supervision
from epigrid.alerts.models import Notice
from epigrid.areas.models import Area, Level
from epigrid.supervision.models import Finding, Step, Task, TaskEvent, overdue_tasks_q

TIMINGS = ("task_list_ms", "task_list_python_ms", "overdue_count_ms", "overdue_python_ms",
           "remind_overdue_ms", "remind_baseline_ms", "remind_per_task_ms")


class SupervisionBenchTests(TestCase):
    def test_it_measures_a_district_of_tasks_and_rolls_the_reminders_back(self) -> None:
        lines: list[str] = []
        figures = supervision.run("tiny", 2, log=lines.append)
        tasks, findings = supervision.TASKS["tiny"], supervision.FINDINGS["tiny"]
        assert (figures["tasks"], figures["findings"]) == (tasks, findings)
        assert (Task.objects.count(), Finding.objects.count()) == (tasks, findings)
        overdue = Task.objects.filter(overdue_tasks_q(timezone.localdate())).count()
        assert figures["tasks_overdue"] == figures["reminded"] == overdue == tasks // 10
        assert 0 < figures["tasks_pending"] < tasks
        for name in TIMINGS:
            assert figures[name] > 0, name
        assert figures["remind_queries_per_task"] > 1
        # The timed reminders and their notices were rolled back: nothing reminded stays.
        assert not TaskEvent.objects.filter(step=Step.REMINDED).exists()
        assert not Notice.objects.exists()
        assert Area.objects.filter(level=Level.VILLAGE).count() == (
            supervision.TOWNS * supervision.VILLAGES)
        logged = f"{tasks} tasks ({overdue} overdue) over 289 towns and villages, {findings} "
        assert f"{logged}findings" in lines

    def test_it_prints_one_json_line_and_leaves_nothing_behind(self) -> None:
        out = StringIO()
        call_command("bench", "supervision", "--scale", "tiny", "--repeat", "1", stdout=out)
        result = json.loads(out.getvalue().strip().splitlines()[-1])
        assert (result["bench"], result["figures"]["tasks"]) == ("supervision", 2_000)
        assert "supervision_figures_ms" in result["figures"]
        assert (Task.objects.count(), Area.objects.count()) == (0, 0)
