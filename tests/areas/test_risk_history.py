"""An area's risk level on a past day, read back from its history of changes."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from epigrid.areas.models import Area, Level, RiskLevel, RiskLevelChange
from epigrid.areas.risk_history import levels_on
from epigrid.areas.services import change_risk_level
from tests.base import BaseTestCase, make_area


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


class RiskHistoryTests(BaseTestCase):
    def change(self, area: Area, level: str, on: datetime.date) -> None:
        area.refresh_from_db()
        change_risk_level(area, level, reason="rules", changed_by=self.world.command,
                          effective_on=on)

    def test_it_reads_the_level_in_force_now_for_today_without_a_query(self) -> None:
        w = self.world
        self.change(w.village_a1, RiskLevel.HIGH, days_ago(0))
        w.village_a1.refresh_from_db()
        with self.assertNumQueries(0):
            levels = levels_on([w.village_a1, w.village_a2], days_ago(0))
        self.assertEqual(levels, {w.village_a1.pk: "high", w.village_a2.pk: "low"})

    def test_it_takes_a_change_from_the_day_it_took_effect(self) -> None:
        w = self.world
        self.change(w.village_a1, RiskLevel.MEDIUM, days_ago(5))
        self.change(w.village_a1, RiskLevel.HIGH, days_ago(2))
        w.village_a1.refresh_from_db()
        seen = {n: levels_on([w.village_a1], days_ago(n))[w.village_a1.pk] for n in range(7)}
        self.assertEqual(seen, {6: "low", 5: "medium", 4: "medium", 3: "medium", 2: "high",
                                1: "high", 0: "high"})

    def test_it_keeps_a_level_set_before_the_history_began(self) -> None:
        w = self.world
        Area.objects.filter(pk=w.village_a2.pk).update(risk_level="medium")  # an import's
        w.village_a2.refresh_from_db()
        self.assertEqual(levels_on([w.village_a2], days_ago(30)), {w.village_a2.pk: "medium"})

    def test_it_reads_a_past_day_of_many_areas_in_one_query(self) -> None:
        w = self.world
        for area in (w.village_a1, w.village_a2, w.village_b1):
            self.change(area, RiskLevel.HIGH, days_ago(1))
            area.refresh_from_db()
        with CaptureQueriesContext(connection) as captured:
            levels = levels_on([w.village_a1, w.village_a2, w.village_b1], days_ago(3))
        self.assertEqual(len(captured.captured_queries), 1)
        self.assertEqual(set(levels.values()), {"low"})

    def test_it_orders_two_changes_of_one_day_as_they_were_made(self) -> None:
        w = self.world
        self.change(w.village_a1, RiskLevel.HIGH, days_ago(1))
        self.change(w.village_a1, RiskLevel.MEDIUM, days_ago(1))  # corrected the same day
        w.village_a1.refresh_from_db()
        self.assertEqual(levels_on([w.village_a1], days_ago(1))[w.village_a1.pk], "medium")
        self.assertEqual(levels_on([w.village_a1], days_ago(2))[w.village_a1.pk], "low")


LEVELS = st.sampled_from([RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH])


class RiskHistoryPropertyTests(HypothesisTestCase):
    @settings(max_examples=25, deadline=None)
    @given(st.lists(st.tuples(st.integers(0, 20), LEVELS), max_size=6))
    def test_it_gives_each_day_the_level_of_its_last_change(
            self, steps: list[tuple[int, str]]) -> None:
        """Changes made in the order of their days: every day reads the level its last change
        (or, before the first, the level it started from) set."""
        area = make_area(None, Level.CITY, "420100000000", "Jinhe City")
        start = area.risk_level
        made: list[tuple[datetime.date, str]] = []
        for ago, level in sorted(steps, key=lambda step: -step[0]):
            area.refresh_from_db()
            if area.risk_level != level:
                change_risk_level(area, level, reason="p", changed_by=None,
                                  effective_on=days_ago(ago))
                made.append((days_ago(ago), level))
        area.refresh_from_db()
        self.assertEqual(RiskLevelChange.objects.filter(area=area).count(), len(made))
        for n in range(22):
            expected = start
            for on, level in made:
                if on <= days_ago(n):
                    expected = level
            self.assertEqual(levels_on([area], days_ago(n))[area.pk], expected, n)
