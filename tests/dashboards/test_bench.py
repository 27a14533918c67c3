"""`epigrid bench dashboards` at tiny scale: the CI smoke test of the dashboard's benchmark."""

from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from benchmarks import dashboards
from epigrid.areas.models import Area
from epigrid.reporting.models import DailyFigures


class DashboardsBenchTests(TestCase):
    def test_it_measures_the_dashboard_against_baselines_of_the_same_run(self) -> None:
        lines: list[str] = []
        figures = dashboards.run("tiny", 2, log=lines.append)
        assert any("built the tiny tree" in line for line in lines)
        for page in ("dashboard", "dashboard_town", "dashboard_api", "wall_page",
                     "dashboard_regions", "baseline_figures_page"):
            assert figures[f"{page}_status"] == 200, page
            assert figures[f"{page}_ms"] > 0, page
        assert figures["baseline_select_one_ms"] > 0 and figures["dashboard_ratio"] > 0
        assert figures["dashboard_vs_figures_page_ratio"] > 0
        # As few queries for the city as for a town: nothing is counted per child.
        assert figures["dashboard_queries"] == figures["dashboard_town_queries"] <= 6
        city = Area.objects.get(parent__isnull=True)
        assert DailyFigures.objects.filter(area=city).count() == dashboards.TREND_DAYS
        assert DailyFigures.objects.filter(area__level=5).count() == 2 * Area.objects.filter(
            level=5).count()

    def test_it_prints_one_json_line_and_leaves_nothing_behind(self) -> None:
        out = StringIO()
        call_command("bench", "dashboards", "--scale", "tiny", "--repeat", "1", stdout=out)
        result = json.loads(out.getvalue().strip().splitlines()[-1])
        assert result["bench"] == "dashboards" and result["figures"]["dashboard_status"] == 200
        assert (Area.objects.count(), DailyFigures.objects.count()) == (0, 0)

    def test_it_refuses_a_database_with_areas(self) -> None:
        Area.objects.create(level=1, code="999900000000", name="Somebody's city")
        with self.assertRaisesMessage(dashboards.BenchRefusedError, "--reuse"):
            dashboards.run("tiny", 1, log=lambda line: None)
