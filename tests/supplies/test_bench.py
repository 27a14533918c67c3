"""`epigrid bench supplies` at tiny scale: the CI smoke test of the stock's benchmark."""

from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from benchmarks import supplies
from epigrid.areas.models import Area, Level
from epigrid.supplies.models import Movement, SupplyRequest
from epigrid.supplies.stock import stock_rows


class SuppliesBenchTests(TestCase):
    def test_it_sums_a_ledger_that_never_goes_below_zero(self) -> None:
        lines: list[str] = []
        figures = supplies.run("tiny", 2, log=lines.append)
        self.assertEqual(figures["ledger_movements"], Movement.objects.count())
        self.assertEqual(figures["ledger_movements"], supplies.MOVEMENTS["tiny"])
        for name in ("stock_district_ms", "stock_town_ms", "stock_warehouse_ms",
                     "python_sum_district_ms", "stock_vs_python", "issue_ms", "allocate_ms"):
            self.assertGreater(figures[name], 0, name)
        district = Area.objects.get(level=Level.DISTRICT, code__startswith="SUP")
        rows = stock_rows(district.path)
        self.assertTrue(rows and all(row.stock >= 0 for row in rows))
        # The timed issues and allocations were rolled back: the requests all still wait.
        self.assertEqual(SupplyRequest.objects.filter(status="open").count(), supplies.REQUESTS)
        self.assertIn("a ledger of 2000 movements in 17 depots, 11 items", lines)

    def test_it_prints_one_json_line_and_leaves_nothing_behind(self) -> None:
        out = StringIO()
        call_command("bench", "supplies", "--scale", "tiny", "--repeat", "1", stdout=out)
        result = json.loads(out.getvalue().strip().splitlines()[-1])
        self.assertEqual((result["bench"], result["figures"]["ledger_movements"]),
                         ("supplies", 2_000))
        self.assertEqual(Movement.objects.count(), 0)
