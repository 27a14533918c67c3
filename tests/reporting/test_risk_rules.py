"""The risk rules 风险等级规则: each threshold's edge, the 14-day window, one query."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test import SimpleTestCase
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from epigrid.areas.models import RiskLevel
from epigrid.reporting.risk_rules import HIGH_AT, MEDIUM_AT, WINDOW_DAYS, evaluate, window_sums
from tests.base import BaseTestCase
from tests.reporting.report_helpers import TODAY, days_ago, store_figures

KEY = f"new_confirmed_{WINDOW_DAYS}d"
DAY = datetime.date(2020, 2, 10)


class RuleTests(SimpleTestCase):
    def test_it_proposes_low_with_no_new_case(self) -> None:
        verdict = evaluate({}, DAY)
        self.assertEqual((verdict.level, verdict.rule), (RiskLevel.LOW, "low_no_new_confirmed"))
        self.assertEqual(verdict.figures, {KEY: 0})
        self.assertIn("0 new confirmed cases in the 14 days to 2020-02-10", verdict.reason)

    def test_it_proposes_medium_from_the_first_case(self) -> None:
        verdict = evaluate({KEY: MEDIUM_AT}, DAY)
        self.assertEqual(verdict.level, RiskLevel.MEDIUM)
        self.assertEqual(verdict.reason, "1 new confirmed cases in the 14 days to 2020-02-10 "
                                         "(medium at 1 or more).")

    def test_it_stays_medium_just_below_high(self) -> None:
        self.assertEqual(evaluate({KEY: HIGH_AT - 1}, DAY).level, RiskLevel.MEDIUM)

    def test_it_proposes_high_at_the_threshold(self) -> None:
        verdict = evaluate({KEY: HIGH_AT}, DAY)
        self.assertEqual((verdict.level, verdict.rule), (RiskLevel.HIGH, "high_new_confirmed"))
        self.assertIn("(high at 10 or more)", verdict.reason)

    @given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=50))
    def test_it_never_lowers_the_level_when_cases_grow(self, n: int, more: int) -> None:
        order = [RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH]
        self.assertLessEqual(order.index(evaluate({KEY: n}, DAY).level),
                             order.index(evaluate({KEY: n + more}, DAY).level))


class WindowTests(BaseTestCase):
    def test_it_sums_the_14_days_ending_on_the_day(self) -> None:
        w = self.world
        store_figures(w.village_a1, TODAY(), new_confirmed=2)
        store_figures(w.village_a1, days_ago(WINDOW_DAYS - 1), new_confirmed=3)  # the first day
        store_figures(w.village_a1, days_ago(WINDOW_DAYS), new_confirmed=50)  # one day too old
        store_figures(w.town_a, days_ago(3), new_confirmed=7, new_suspected=9)
        store_figures(w.district, TODAY(), new_confirmed=99)  # not a risk level
        with CaptureQueriesContext(connection) as queries:
            sums = window_sums(TODAY())
        self.assertEqual(len(queries), 1)
        self.assertEqual(sums[w.village_a1.pk], {KEY: 5})
        self.assertEqual(sums[w.town_a.pk], {KEY: 7})
        self.assertNotIn(w.district.pk, sums)

    def test_it_ignores_the_days_after_the_day(self) -> None:
        w = self.world
        store_figures(w.village_a1, TODAY(), new_confirmed=4)
        self.assertEqual(window_sums(days_ago(1)).get(w.village_a1.pk, {KEY: 0}), {KEY: 0})
