"""The registry of metrics, the roll-up arithmetic, the parsers, and the recount's query budget."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test import SimpleTestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.functional import Promise
from hypothesis import given
from hypothesis import strategies as st

from epigrid.areas.models import path_segment
from epigrid.reporting import metrics, reading, services
from epigrid.reporting.metrics import Family, Metric, Rollup, all_metrics
from epigrid.reporting.rollup import roll_up
from tests.base import BaseTestCase
from tests.reporting.helpers import care_today, more_areas, passages_today, screening_today


def metric(code: str, rollup: Rollup) -> Metric:
    return Metric(code, code, code, rollup, code)  # type: ignore[arg-type]


class RegistryTests(SimpleTestCase):
    def test_it_registers_every_family_in_order_with_unique_codes(self) -> None:
        families = metrics.families()
        self.assertEqual([f.key for f in families], ["registry", "cases", "checkpoints", "care",
                                                     "supplies", "supervision", "mobilization",
                                                     "volunteers"])
        codes = [m.code for m in all_metrics()]
        self.assertEqual(len(codes), len(set(codes)))
        for found in all_metrics():
            with self.subTest(code=found.code):
                self.assertIsInstance(found.name, Promise)  # translated later
                self.assertIsInstance(found.unit, Promise)
                self.assertIn(found.family, {f.key for f in families})
                self.assertRegex(found.code, r"^[a-z0-9_]+$")  # a DHIS2 data element code

    def test_it_refuses_a_code_registered_twice(self) -> None:
        clash = Family(key="other", name="Other", order=99,  # type: ignore[arg-type]
                       compute=lambda day, at: {},
                       metrics=(metric("passages_in", Rollup.SUM),))
        with self.assertRaisesMessage(ValueError, "passages_in"):
            metrics.register(clash)
        self.assertEqual(metrics.get_metric("passages_in").family, "checkpoints")

    def test_it_rolls_days_up_by_the_metrics_rollup(self) -> None:
        days = [3, 9, 4]
        self.assertEqual([r.over_days(days) for r in Rollup], [16, 9, 4])
        self.assertEqual([r.over_days([]) for r in Rollup], [0, 0, 0])


CITY, DISTRICT = path_segment(1), path_segment(1) + path_segment(2)
TOWNS = [DISTRICT + path_segment(n) for n in (3, 4)]


class RollupTests(SimpleTestCase):
    found = [metric("flow", Rollup.SUM), metric("peak", Rollup.MAX),
             metric("stock", Rollup.LATEST)]

    def test_it_sums_flows_and_stocks_and_takes_the_largest_peak(self) -> None:
        grid = TOWNS[0] + path_segment(5)
        summed = roll_up({grid: [1, 30, 2], TOWNS[0]: [1, 7, 0], TOWNS[1]: [4, 50, 1]},
                         self.found)
        self.assertEqual(summed[TOWNS[0]], [2, 30, 2])  # its own record and its grid's
        self.assertEqual(summed[DISTRICT], [6, 50, 3])
        self.assertEqual(summed[CITY], [6, 50, 3])

    @given(st.lists(st.tuples(st.sampled_from(TOWNS), st.integers(0, 99), st.integers(0, 99)),
                    max_size=12))
    def test_it_keeps_the_total_and_the_peak_of_any_leaves(
            self, records: list[tuple[str, int, int]]) -> None:
        leaves: dict[str, list[int]] = {}
        for n, (town, flow, peak) in enumerate(records):
            path = town + path_segment(10 + n)
            leaves[path] = [flow, peak, flow]
        summed = roll_up(leaves, self.found)
        top = summed.get(CITY, [0, 0, 0])
        self.assertEqual(top[0], sum(r[1] for r in records))
        self.assertEqual(top[1], max((r[2] for r in records), default=0))


class ParserTests(SimpleTestCase):
    @given(st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2100, 1, 1)),
           st.integers(0, 200))
    def test_it_accepts_only_ranges_in_the_past_of_at_most_92_days(
            self, start: datetime.date, length: int) -> None:
        end = start + datetime.timedelta(days=length)
        try:
            first, last = reading.parse_range(start.isoformat(), end.isoformat())
        except reading.BadQueryError as error:
            self.assertIn(error.field, {"start", "end"})
            self.assertTrue(end > timezone.localdate() or length >= 92)
        else:
            self.assertEqual((first, last), (start, end))
            self.assertTrue(end <= timezone.localdate() and length < 92)

    @given(st.text(max_size=30))
    def test_it_parses_metric_lists_or_names_the_unknown(self, raw: str) -> None:
        known = {m.code for m in all_metrics()}
        try:
            found = reading.parse_metrics(raw)
        except reading.BadQueryError as error:
            self.assertEqual(error.field, "metric")
        else:
            self.assertTrue({m.code for m in found} <= known)


class RecountQueryTests(BaseTestCase):
    def test_it_recounts_in_a_fixed_number_of_queries_whatever_the_areas(self) -> None:
        w = self.world
        screening_today(w)
        passages_today(w)
        care_today(w)
        today = timezone.localdate()

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                services.recompute_day(today)
            return len(captured.captured_queries)

        few = queries()
        for village in (w.village_a1, w.village_a2, w.village_b1):
            more_areas(village, 10)
        self.assertEqual(queries(), few)
        # 20 before the close contacts not quarantined; 24 with the supplies family's three;
        # 26 with the supervision family's two (tasks, findings); 28 with the mobilization
        # family's two (people sent down, payments paid); 30 with the volunteers family's two
        # (volunteers serving and who served, hours served)
        self.assertLessEqual(few, 30)
