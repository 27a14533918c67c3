"""The figures part of `epigrid bench checkpoints` at tiny scale: the CI smoke test."""

from __future__ import annotations

import pytest
from benchmarks.harness import BenchRefusedError
from django.test import TestCase

from benchmarks import checkpoints_figures
from epigrid.areas.models import Checkpoint
from epigrid.checkpoints.models import PassageHour


class FigureBenchTests(TestCase):
    def test_it_builds_a_week_of_hours_and_measures_the_roll_up(self) -> None:
        lines: list[str] = []
        figures = checkpoints_figures.run("tiny", 1, log=lines.append)
        checkpoints = Checkpoint.objects.count()
        assert figures["figures_checkpoints"] == checkpoints == 4
        assert figures["figures_hour_rows"] == PassageHour.objects.count() == checkpoints * 168
        # The hour rows stand for about 10 M passages over 1,028 checkpoints: 4 of them here.
        assert 30_000 < figures["figures_passages_represented"] < 50_000
        assert figures["hourly_figures_queries"] == 3
        assert 0 < figures["hourly_figures_s"] < 60
        assert figures["recount_sample_passages"] > 0
        assert figures["figure_page_status"] == 200
        assert any("hour rows" in line for line in lines)
        with pytest.raises(BenchRefusedError):
            checkpoints_figures.run("tiny", 1, log=lines.append)  # not among existing records
