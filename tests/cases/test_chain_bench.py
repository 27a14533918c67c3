"""The chain part of `epigrid bench cases` runs at tiny scale (the CI smoke test) and measures
the whole chain it built."""

from __future__ import annotations

from django.test import TestCase

from benchmarks import cases_chain


class ChainBenchTests(TestCase):
    def test_it_measures_the_chain_api_against_a_baseline(self) -> None:
        said: list[str] = []
        figures = cases_chain.run("tiny", 1, log=said.append)
        self.assertEqual(said, ["built a chain of 50 persons, 49 exposures, in 8 grids"])
        self.assertEqual((figures["chain_api_status"], figures["chain_page_status"]), (200, 200))
        self.assertEqual(figures["chain_nodes"], 50)  # a ternary tree of 50 is 4 deep
        self.assertLessEqual(figures["chain_api_queries"], 7)
        for name in ("baseline_select_one_ms", "chain_api_ms", "chain_page_ms",
                     "chain_api_ratio"):
            self.assertGreater(figures[name], 0)
