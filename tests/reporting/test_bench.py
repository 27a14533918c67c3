"""`epigrid bench reporting` at tiny scale: the CI smoke test of the roll-up's benchmark."""

from __future__ import annotations

from django.test import TestCase
from django.utils import timezone

from benchmarks import reporting
from epigrid.areas.models import Area
from epigrid.cases.models import Case
from epigrid.reporting.models import DailyFigures


class ReportingBenchTests(TestCase):
    def test_it_builds_every_family_and_measures_the_recount_and_the_page(self) -> None:
        lines: list[str] = []
        figures = reporting.run("tiny", 2, log=lines.append)
        assert any("built the tiny tree" in line for line in lines)
        assert figures["recompute_rows"] == Area.objects.count()
        assert 0 < figures["recompute_s"] < 60
        assert figures["baseline_cases_recompute_s"] > 0
        # One per family's GROUP BY, and the writes: 28, and the volunteers family's two.
        assert figures["recompute_queries"] <= 30
        assert figures["figures_page_status"] == 200
        assert figures["figures_page_ms"] > 0 and figures["baseline_select_one_ms"] > 0
        assert figures["figures_page_ratio"] > 0
        # The stored figures add up: the city's confirmed cases under management are the open
        # cases in a confirmed state, and every checkpoint's passages are in the city's row.
        city = Area.objects.get(parent__isnull=True)
        stored = DailyFigures.objects.get(area=city, day=timezone.localdate()).values
        assert stored["current_confirmed"] == Case.objects.filter(
            is_open=True, state__in=["confirmed", "admitted"]).count()
        assert stored["passages_in"] > 0 and stored["awaiting_admission"] > 0

    def test_it_refuses_a_database_with_areas(self) -> None:
        Area.objects.create(level=1, code="999900000000", name="Somebody's city")
        with self.assertRaisesMessage(reporting.BenchRefusedError, "--reuse"):
            reporting.run("tiny", 1, log=lambda line: None)
