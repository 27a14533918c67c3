"""The risk rules 风险等级规则: each threshold's edge, the 14-day window, one query; only new
local confirmed cases count."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import connection
from django.test import SimpleTestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from epigrid.areas.models import RiskLevel
from epigrid.cases import services as cases
from epigrid.cases.models import Evidence, Origin
from epigrid.cases.states import State
from epigrid.registry.models import Person
from epigrid.reporting import services
from epigrid.reporting.models import RiskProposal
from epigrid.reporting.risk_rules import evaluate, explain, rules, window_sums
from epigrid.reporting.risk_services import propose_levels
from tests.base import BaseTestCase
from tests.cases.figure_helpers import early
from tests.reporting.report_helpers import TODAY, days_ago, store_figures

WINDOW_DAYS, HIGH_AT, MEDIUM_AT = (settings.RISK_WINDOW_DAYS, settings.RISK_HIGH_AT,
                                   settings.RISK_MEDIUM_AT)
KEY = f"new_local_confirmed_{WINDOW_DAYS}d"
DAY = datetime.date(2020, 2, 10)


class RuleTests(SimpleTestCase):
    def test_it_proposes_low_with_no_new_case(self) -> None:
        verdict = evaluate({}, DAY)
        self.assertEqual((verdict.level, verdict.rule),
                         (RiskLevel.LOW, "low_no_new_local_confirmed"))
        self.assertEqual(verdict.figures, {KEY: 0})
        self.assertIn("0 new local confirmed cases in the 14 days to 2020-02-10",
                      verdict.reason)

    def test_it_proposes_medium_from_the_first_case(self) -> None:
        verdict = evaluate({KEY: MEDIUM_AT}, DAY)
        self.assertEqual(verdict.level, RiskLevel.MEDIUM)
        self.assertEqual(verdict.reason, "1 new local confirmed cases in the 14 days to "
                                         "2020-02-10 (medium at 1 or more).")

    def test_it_stays_medium_just_below_high(self) -> None:
        self.assertEqual(evaluate({KEY: HIGH_AT - 1}, DAY).level, RiskLevel.MEDIUM)

    def test_it_proposes_high_at_the_threshold(self) -> None:
        verdict = evaluate({KEY: HIGH_AT}, DAY)
        self.assertEqual((verdict.level, verdict.rule),
                         (RiskLevel.HIGH, "high_new_local_confirmed"))
        self.assertIn("(high at 10 or more)", verdict.reason)

    @given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=50))
    def test_it_never_lowers_the_level_when_cases_grow(self, n: int, more: int) -> None:
        order = [RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH]
        self.assertLessEqual(order.index(evaluate({KEY: n}, DAY).level),
                             order.index(evaluate({KEY: n + more}, DAY).level))


class WindowTests(BaseTestCase):
    def test_it_sums_the_14_days_ending_on_the_day(self) -> None:
        w = self.world
        store_figures(w.village_a1, TODAY(), new_confirmed=2, new_local_confirmed=2)
        store_figures(w.village_a1, days_ago(WINDOW_DAYS - 1), new_confirmed=3,
                      new_local_confirmed=3)  # the first day
        store_figures(w.village_a1, days_ago(WINDOW_DAYS), new_confirmed=50,
                      new_local_confirmed=50)  # one day too old
        store_figures(w.town_a, days_ago(3), new_confirmed=7, new_local_confirmed=7,
                      new_suspected=9)
        store_figures(w.district, TODAY(), new_confirmed=99,
                      new_local_confirmed=99)  # not a risk level
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


class ImportedCaseTests(BaseTestCase):
    """"New local cases in 14 days": an imported case alone leaves an area where it is."""

    def confirm(self, person: Person, origin: str) -> None:
        cases.open_case(person, State.CONFIRMED, reason="positive",
                        at=early(timezone.localdate()), evidence=Evidence.TEST, origin=origin)

    def test_it_proposes_nothing_for_a_village_with_only_an_imported_case(self) -> None:
        w = self.world
        self.confirm(w.person_b, Origin.IMPORTED)  # Zhao Min, back from Wuhan: village B1
        self.confirm(w.person_a, Origin.LOCAL)  # Wang Jun: village A1
        services.recompute_day(TODAY())
        sums = window_sums(TODAY())
        self.assertEqual((sums[w.village_b1.pk], sums[w.village_a1.pk]), ({KEY: 0}, {KEY: 1}))
        proposed = {p.area_id: p.proposed_level for p in propose_levels(TODAY())}
        self.assertEqual(proposed, {w.village_a1.pk: RiskLevel.MEDIUM,
                                    w.town_a.pk: RiskLevel.MEDIUM})
        self.assertFalse(RiskProposal.objects.filter(area__in=[w.village_b1, w.town_b]).exists())

    def test_it_counts_only_the_local_ones_of_a_day_with_both(self) -> None:
        w = self.world
        store_figures(w.village_a1, TODAY(), new_confirmed=12, new_local_confirmed=2,
                      new_imported_confirmed=10)
        store_figures(w.village_b1, TODAY(), new_confirmed=4, new_imported_confirmed=4)
        sums = window_sums(TODAY())
        self.assertEqual((sums[w.village_a1.pk], sums[w.village_b1.pk]), ({KEY: 2}, {KEY: 0}))
        self.assertEqual(evaluate(sums[w.village_a1.pk], TODAY()).level, RiskLevel.MEDIUM)

    def test_it_takes_a_day_counted_before_origins_as_all_local(self) -> None:
        # Stored before cases had an origin: new_confirmed only, and every case was local then.
        store_figures(self.world.village_a1, days_ago(2), new_confirmed=3)
        self.assertEqual(window_sums(TODAY())[self.world.village_a1.pk], {KEY: 3})


class SettingsTests(BaseTestCase):
    """The window and thresholds are the deployment's settings, read when the rules run."""

    def test_it_proposes_high_from_a_lower_threshold(self) -> None:
        self.assertEqual(evaluate({KEY: 3}, DAY).level, RiskLevel.MEDIUM)
        with override_settings(RISK_HIGH_AT=3):
            verdict = evaluate({KEY: 3}, DAY)
        self.assertEqual((verdict.level, verdict.rule),
                         (RiskLevel.HIGH, "high_new_local_confirmed"))
        self.assertIn("(high at 3 or more)", verdict.reason)

    def test_it_needs_more_cases_for_medium_from_a_higher_threshold(self) -> None:
        with override_settings(RISK_MEDIUM_AT=2):
            self.assertEqual(evaluate({KEY: 1}, DAY).level, RiskLevel.LOW)
            self.assertEqual(evaluate({KEY: 2}, DAY).level, RiskLevel.MEDIUM)

    def test_it_sums_a_shorter_window(self) -> None:
        w = self.world
        store_figures(w.village_a1, days_ago(6), new_local_confirmed=1)
        store_figures(w.village_a1, days_ago(7), new_local_confirmed=20)
        with override_settings(RISK_WINDOW_DAYS=7):
            self.assertEqual([rule.days for rule in rules()], [7, 7])
            sums = window_sums(TODAY())
            self.assertEqual(sums[w.village_a1.pk], {"new_local_confirmed_7d": 1})
            self.assertEqual(propose_levels(TODAY())[0].proposed_level, RiskLevel.MEDIUM)
        self.assertEqual(window_sums(TODAY())[w.village_a1.pk], {KEY: 21})

    def test_it_keeps_the_stored_reason_once_the_window_changed(self) -> None:
        verdict = evaluate({KEY: 3}, DAY)
        self.assertEqual(explain(verdict.rule, verdict.figures, DAY, "stored"), verdict.reason)
        with override_settings(RISK_WINDOW_DAYS=7):
            self.assertEqual(explain(verdict.rule, verdict.figures, DAY, "stored"), "stored")
