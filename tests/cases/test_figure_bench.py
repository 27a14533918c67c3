"""The figures part of `epigrid bench cases` at tiny scale: the CI smoke test of its figures."""

from __future__ import annotations

from django.test import TestCase
from django.utils import timezone

from benchmarks import cases_figures
from epigrid.areas.models import Area
from epigrid.cases.figures import area_figures
from epigrid.cases.models import Case, CaseFigures


class FigureBenchTests(TestCase):
    def test_it_builds_its_cases_and_measures_the_recount(self) -> None:
        lines: list[str] = []
        figures = cases_figures.run("tiny", 2, log=lines.append)
        assert figures["figures_cases"] == Case.objects.count() == 1000
        assert figures["figures_rows"] == Area.objects.count()
        assert 0 < figures["figures_recompute_s"] < 60
        assert figures["figures_page_status"] == 200
        assert figures["figures_area_page_status"] == 200
        assert figures["figures_curve_ms"] > 0
        assert any("built the tiny tree" in line for line in lines)
        # The stored figures add up: the city's current cases are every open case's category.
        city = Area.objects.get(parent__isnull=True)
        stored = CaseFigures.objects.get(area=city, day=timezone.localdate()).values
        managed = sum(stored.get(f"current_{c}", 0) for c in (
            "confirmed", "suspected", "fever", "close_contact", "asymptomatic"))
        assert managed == sum(area_figures(city, timezone.localdate())[f"current_{c}"] for c in (
            "confirmed", "suspected", "fever", "close_contact", "asymptomatic"))
        assert managed == Case.objects.filter(is_open=True).count()  # every open state counts
