"""Case figures counted exactly on a small outbreak (tests/cases/figure_helpers.py)."""

from __future__ import annotations

import datetime
from typing import ClassVar

from epigrid.cases import curve, figure_lists, figures
from epigrid.cases.models import CaseFigures
from tests.base import BaseTestCase
from tests.cases.figure_helpers import Outbreak, outbreak


def category_counts(found: figures.Figures, kind: str) -> dict[str, int]:
    return {category: found[f"{kind}_{category}"] for category in figures.CATEGORIES}


class FigureCountTests(BaseTestCase):
    story: ClassVar[Outbreak]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.story = outbreak(cls.world)

    def town_a(self, day: datetime.date) -> figures.Figures:
        return figures.area_figures(self.world.town_a, day)

    def test_it_counts_yesterday_per_category(self) -> None:
        found = self.town_a(self.story.d2)
        self.assertEqual(category_counts(found, "new"), {
            "confirmed": 1, "suspected": 0, "fever": 1, "close_contact": 1, "asymptomatic": 1})
        self.assertEqual(category_counts(found, "total"), {
            "confirmed": 1, "suspected": 1, "fever": 2, "close_contact": 3, "asymptomatic": 1})
        self.assertEqual(category_counts(found, "current"), {
            "confirmed": 1, "suspected": 0, "fever": 1, "close_contact": 1, "asymptomatic": 1})

    def test_it_counts_today_with_moves_within_and_across_categories(self) -> None:
        found = self.town_a(self.story.d3)
        # p2 asymptomatic -> confirmed is a new confirmed case; p1 confirmed -> admitted is not.
        self.assertEqual(category_counts(found, "new"), {
            "confirmed": 1, "suspected": 0, "fever": 0, "close_contact": 0, "asymptomatic": 0})
        self.assertEqual(category_counts(found, "current"), {
            "confirmed": 2, "suspected": 0, "fever": 0, "close_contact": 1, "asymptomatic": 0})
        self.assertEqual(found["total_confirmed"], 2)

    def test_it_reads_an_earlier_day_as_it_was(self) -> None:
        found = self.town_a(self.story.d1)
        self.assertEqual(category_counts(found, "current"), {
            "confirmed": 0, "suspected": 1, "fever": 0, "close_contact": 2, "asymptomatic": 0})
        self.assertEqual(found["new_suspected"], 1)

    def test_it_counts_quarantine_and_follow_ups(self) -> None:
        found = self.town_a(self.story.d2)
        self.assertEqual((found["in_home_quarantine"], found["in_centralized_quarantine"]),
                         (0, 1))
        self.assertEqual((found["quarantined_today"], found["released_today"]), (1, 1))
        self.assertEqual((found["follow_ups_due"], found["follow_ups_done"],
                          found["follow_ups_missed"]), (2, 1, 1))
        before = self.town_a(self.story.d1)
        self.assertEqual((before["in_home_quarantine"], before["follow_ups_due"]), (2, 4))

    def test_it_counts_tests_by_result_day_and_pending_at_day_end(self) -> None:
        found = self.town_a(self.story.d2)
        self.assertEqual((found["tests_done"], found["tests_positive"], found["tests_pending"]),
                         (2, 1, 0))
        self.assertEqual(self.town_a(self.story.d1)["tests_pending"], 1)
        # The unmatched sample sits at the lab's district; the discarded one counts nowhere.
        district = figures.area_figures(self.world.district, self.story.d2)
        self.assertEqual((district["tests_done"], district["tests_pending"]), (2, 1))

    def test_it_sums_children_into_their_parents(self) -> None:
        w = self.world
        day = self.story.d2
        summed = figures.compute("", day)
        for parent, children in ((w.town_a, (w.village_a1, w.village_a2)),
                                 (w.district, (w.town_a, w.town_b)),
                                 (w.village_a1, (w.grid_a1_1, w.grid_a1_2))):
            for code in figures.CASE_CODES + figures.QUARANTINE_CODES:
                with self.subTest(parent=parent.name, code=code):
                    self.assertEqual(summed[parent.path].get(code, 0), sum(
                        summed.get(child.path, {}).get(code, 0) for child in children))
        self.assertEqual(summed[w.district.path]["new_confirmed"], 2)  # with p5 of town B
        self.assertEqual(summed[w.town_b.path]["new_confirmed"], 1)

    def test_it_stores_a_row_per_area_and_reads_it_back(self) -> None:
        rows = figures.recompute(self.story.d2)
        self.assertEqual(rows, CaseFigures.objects.filter(day=self.story.d2).count())
        self.assertEqual(figures.area_figures(self.world.town_a, self.story.d2),
                         self.town_a(self.story.d2))
        stored = CaseFigures.objects.get(area=self.world.grid_b1_1, day=self.story.d2)
        self.assertEqual(stored.values["new_confirmed"], 1)
        self.assertNotIn("new_fever", stored.values)  # zeros are not stored
        self.assertEqual(figures.recompute(self.story.d2), rows)  # replaces, never duplicates

    def test_it_reads_stored_rows_for_a_past_day(self) -> None:
        figures.recompute(self.story.d2)
        CaseFigures.objects.filter(area=self.world.town_a, day=self.story.d2).update(
            values={"new_confirmed": 99})
        self.assertEqual(self.town_a(self.story.d2)["new_confirmed"], 99)
        # Today is always counted live.
        self.assertEqual(self.town_a(self.story.d3)["new_confirmed"], 1)

    def test_it_reads_an_area_with_its_children_in_few_queries(self) -> None:
        figures.recompute(self.story.d2)
        with self.assertNumQueries(2):
            own, children = figures.figures_for(self.world.town_a, self.story.d2)
        self.assertEqual(own["new_confirmed"], 1)
        self.assertEqual(children[self.world.village_a2.pk]["new_close_contact"], 1)
        with self.assertNumQueries(8):  # live: a GROUP BY per table (5), the day's moves, its
            # new close contacts not quarantined, children
            figures.figures_for(self.world.town_a, self.story.d3)

    def test_it_counts_the_area_pages_headline_cheaply_and_alike(self) -> None:
        w = self.world
        for area in (w.city, w.town_a, w.village_a1, w.grid_a2_1, w.town_b):
            with self.subTest(area=area.name), self.assertNumQueries(3):
                quick = figures.headline_now(area)
            full = figures.area_figures(area, self.story.d3)
            self.assertEqual(quick, {code: full[code] for code in quick})

    def test_it_reports_the_change_since_the_day_before(self) -> None:
        today, yesterday = self.town_a(self.story.d3), self.town_a(self.story.d2)
        change = figures.change(today, yesterday)
        self.assertEqual(change["current_confirmed"], 1)
        self.assertEqual(change["current_fever"], -1)


class DrillDownTests(BaseTestCase):
    story: ClassVar[Outbreak]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.story = outbreak(cls.world)

    def test_it_lists_exactly_the_records_behind_every_figure(self) -> None:
        w = self.world
        for area in (w.district, w.town_a, w.village_a1, w.grid_a1_2):
            for day in (self.story.d1, self.story.d2, self.story.d3):
                found = figures.area_figures(area, day)
                for code in figures.CODES:
                    listed = figure_lists.records(code, area.path, day).count()
                    expected = found[code] // 2 if code == "follow_ups_due" else found[code]
                    with self.subTest(area=area.name, day=day, code=code):
                        self.assertEqual(listed, expected)

    def test_it_names_the_cases_behind_a_figure(self) -> None:
        cases = figure_lists.records("new_confirmed", self.world.town_a.path, self.story.d3)
        self.assertEqual([c.person.name for c in cases], ["Wang Lei"])

    def test_it_refuses_an_unknown_code(self) -> None:
        with self.assertRaises(KeyError):
            figure_lists.records("new_zombies", self.world.town_a.path, self.story.d3)


class CurveTests(BaseTestCase):
    story: ClassVar[Outbreak]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.story = outbreak(cls.world)

    def test_it_counts_each_infection_once_by_report_and_by_onset(self) -> None:
        found = curve.build(self.world.town_a.path, si=(0, 0.5, 0.5))
        self.assertEqual(found.days[0], self.story.d0)  # p1's onset opens the curve
        self.assertEqual(found.days[-1], self.story.d3)
        self.assertEqual(found.by_report, [0, 0, 2, 0])  # p1 confirmed, p2 asymptomatic on d2
        self.assertEqual(found.by_onset, [1, 0, 0, 0])
        self.assertEqual(found.onset_unknown, 1)

    def test_it_scopes_the_curve_to_the_subtree(self) -> None:
        self.assertEqual(sum(curve.build(self.world.town_b.path).by_report), 1)
        self.assertEqual(sum(curve.build(self.world.district.path).by_report), 3)

    def test_it_gives_a_fixed_number_of_days_when_asked(self) -> None:
        found = curve.build(self.world.town_a.path, days=10)
        self.assertEqual(len(found.days), 10)
        self.assertEqual(sum(found.by_report), 2)


class FigureTaskTests(BaseTestCase):
    def test_it_stores_a_day_from_the_task(self) -> None:
        from epigrid.cases.figure_tasks import recompute_figures

        story = outbreak(self.world)
        rows = recompute_figures.delay(day=story.d2.isoformat()).get(timeout=30)
        self.assertEqual(rows, CaseFigures.objects.filter(day=story.d2).count())
        self.assertEqual(recompute_figures(days_back=1), rows)
        stored = CaseFigures.objects.get(area=self.world.town_a, day=story.d2)
        self.assertEqual(stored.values["new_confirmed"], 1)
