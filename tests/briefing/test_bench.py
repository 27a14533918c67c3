"""`epigrid bench briefing` at tiny scale: the CI smoke test of the briefing's benchmark."""

from __future__ import annotations

from django.test import TestCase

from benchmarks import briefing
from epigrid.areas.models import Area, Level


class BriefingBenchTests(TestCase):
    def test_it_measures_the_briefing_and_the_meeting_page_against_baselines(self) -> None:
        lines: list[str] = []
        figures = briefing.run("tiny", 1, log=lines.append)
        assert any("briefing" in line and "problems" in line for line in lines)
        assert 0 < figures["briefing_s"] < 60
        # The tiny tree has one district: the briefing's subtree is all but the city.
        assert figures["briefing_areas"] == Area.objects.filter(level__gte=Level.DISTRICT).count()
        assert all(figures[f"briefing_{key}_s"] > 0 for key in ("content", "docx", "pdf",
                                                                  "xlsx"))
        assert figures["baseline_read_figures_s"] >= 0
        assert figures["meeting_page_status"] == 200
        assert figures["meeting_page_ms"] > 0 and figures["baseline_select_one_ms"] > 0
        assert 0 < figures["meeting_page_queries"] <= 25  # with the supplies panel's five

    def test_it_refuses_a_database_with_areas(self) -> None:
        Area.objects.create(level=1, code="999900000000", name="Somebody's city")
        with self.assertRaisesMessage(briefing.BenchRefusedError, "briefing bench"):
            briefing.run("tiny", 1, log=lambda line: None)
