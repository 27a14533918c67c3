"""`epigrid bench care` runs at tiny scale (the CI smoke test) and reports every figure."""

from __future__ import annotations

from django.test import TestCase

from benchmarks import care


class CareBenchTests(TestCase):
    def test_it_plans_the_bench_city_and_compares_the_plan_with_the_optimum(self) -> None:
        said: list[str] = []
        figures = care.run("tiny", 1, log=said.append)
        self.assertEqual(said, ["built 200 waiting patients in 20 grids, 20 facilities"])
        self.assertEqual(figures["patients"], 200)
        self.assertEqual(figures["placed"], figures["full_placed"])
        self.assertEqual(figures["plan_placed_stored"], figures["placed"])
        self.assertGreater(figures["placed"], 150)
        self.assertLessEqual(figures["cost_gap_pct"], 0.1)
        self.assertLessEqual(figures["full_cost"], figures["plan_cost"])
        self.assertLessEqual(figures["plan_cost"], figures["greedy_cost"])
        for name in ("plan_s", "solve_only_s", "full_s"):
            self.assertGreater(figures[name], 0)
