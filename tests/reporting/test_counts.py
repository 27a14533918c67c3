"""The daily figures equal the records counted by hand, per area, rolled up the tree."""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.utils import timezone

from epigrid.areas.models import Area
from epigrid.cases import figures as case_figures
from epigrid.reporting import services
from epigrid.reporting.models import DailyFigures
from tests.base import BaseTestCase
from tests.cases.figure_helpers import Outbreak, outbreak
from tests.reporting.helpers import care_today, passages_today, screening_today


def stored(area: Area, day: datetime.date | None = None) -> dict[str, int]:
    row = DailyFigures.objects.get(area=area, day=day or timezone.localdate())
    return row.values


class RegistryCheckpointAndCareCountTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        screening_today(w)
        passages_today(w)
        care_today(w)
        services.recompute_day(timezone.localdate())

    def test_it_counts_households_persons_and_the_days_screening(self) -> None:
        w = self.world
        town_a = stored(w.town_a)
        self.assertEqual((town_a["households_registered"], town_a["persons_registered"]), (1, 4))
        self.assertEqual(stored(w.grid_a1_1)["persons_registered"], 2)
        self.assertEqual(town_a["households_visited_today"], 1)
        self.assertEqual((town_a["persons_screened_today"], town_a["persons_abnormal_today"]),
                         (2, 1))
        district = stored(w.district)
        # The Zhaos were visited yesterday: in the campaign's total, not in today's visits.
        self.assertEqual((district["households_visited_today"],
                          district["households_visited_campaign"]), (1, 2))
        self.assertNotIn("households_visited_today", stored(w.town_b))

    def test_it_counts_the_checkpoints_passages_of_the_day(self) -> None:
        w = self.world
        village = stored(w.village_a1)
        self.assertEqual(
            {code: village.get(code, 0) for code in (
                "passages_in", "passages_out", "vehicles", "persons_passing", "turned_back",
                "fever_referrals", "referred_to_quarantine")},
            {"passages_in": 4, "passages_out": 2, "vehicles": 1, "persons_passing": 8,
             "turned_back": 1, "fever_referrals": 1, "referred_to_quarantine": 0})
        self.assertEqual(stored(w.district)["passages_in"], 5)  # with West Gate of town B
        self.assertNotIn("passages_in", stored(w.grid_a1_1))  # a checkpoint hangs off a village
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        services.recompute_day(yesterday)
        self.assertEqual(stored(w.village_a1, yesterday)["passages_in"], 1)

    def test_it_counts_the_waiting_list_admissions_and_free_beds(self) -> None:
        w = self.world
        town_a = stored(w.town_a)
        self.assertEqual((town_a["awaiting_admission"], town_a["waiting_over_24h"]), (2, 1))
        self.assertEqual(town_a["admitted_today"], 1)
        self.assertEqual((town_a["free_beds_icu"], town_a["free_beds_quarantine"]), (5, 15))
        self.assertNotIn("free_beds_quarantine", stored(w.town_b))  # all 8 rooms occupied
        self.assertEqual(stored(w.village_a1)["free_beds_icu"], 5)

    def test_it_sums_flows_and_stocks_up_the_tree(self) -> None:
        w = self.world
        for parent, children in ((w.district, (w.town_a, w.town_b)),
                                 (w.town_a, (w.village_a1, w.village_a2)),
                                 (w.village_a1, (w.grid_a1_1, w.grid_a1_2))):
            for code in ("persons_registered", "awaiting_admission", "households_visited_today",
                         "persons_screened_today"):
                with self.subTest(parent=parent.name, code=code):
                    own = stored(parent).get(code, 0)
                    self.assertEqual(own, sum(stored(child).get(code, 0) for child in children))
        self.assertEqual(stored(w.city)["persons_registered"], 5)  # 4 + Zhou Yan of grid A2-1

    def test_it_takes_the_largest_of_a_peak_up_the_tree(self) -> None:
        w = self.world
        self.assertEqual(stored(w.grid_a1_1)["longest_wait_hours"], 30)
        self.assertEqual(stored(w.grid_a2_1)["longest_wait_hours"], 2)
        self.assertEqual(stored(w.town_a)["longest_wait_hours"], 30)  # not 32
        self.assertEqual(stored(w.district)["longest_wait_hours"], 50)  # Zhao Min, town B

    def test_it_stores_one_row_per_area_and_replaces_it(self) -> None:
        today = timezone.localdate()
        self.assertEqual(DailyFigures.objects.filter(day=today).count(), Area.objects.count())
        self.assertEqual(stored(self.world.grid_b1_1).get("households_registered"), 1)
        self.assertNotIn("new_fever", stored(self.world.grid_b1_1))  # zeros are not stored
        services.recompute_day(today)
        self.assertEqual(DailyFigures.objects.filter(day=today).count(), Area.objects.count())


class CaseCountTests(BaseTestCase):
    """The case figures come from the cases app's own count (reused, not counted again)."""

    story: ClassVar[Outbreak]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.story = outbreak(cls.world)
        services.recompute_day(cls.story.d2)
        services.recompute_day(cls.story.d3)

    def test_it_counts_yesterdays_cases_quarantines_and_tests(self) -> None:
        town_a = stored(self.world.town_a, self.story.d2)
        self.assertEqual((town_a["new_confirmed"], town_a["current_close_contact"],
                          town_a["new_fever"]), (1, 1, 1))
        self.assertEqual((town_a["in_centralized_quarantine"], town_a.get("in_home_quarantine", 0),
                          town_a["released_today"]), (1, 0, 1))
        self.assertEqual((town_a["follow_ups_due"], town_a["follow_ups_done"],
                          town_a["follow_ups_missed"]), (2, 1, 1))
        self.assertEqual((town_a["tests_done"], town_a["tests_positive"]), (2, 1))
        # The unmatched sample hangs off the district (the lab's area), not off a grid.
        self.assertEqual(stored(self.world.district, self.story.d2)["tests_pending"], 1)
        self.assertNotIn("tests_pending", town_a)

    def test_it_counts_today_like_the_cases_app(self) -> None:
        w = self.world
        town_a = stored(w.town_a, self.story.d3)
        self.assertEqual((town_a["new_confirmed"], town_a["current_confirmed"],
                          town_a["total_confirmed"]), (1, 2, 2))
        theirs = case_figures.area_figures(w.district, self.story.d3)
        ours = stored(w.district, self.story.d3)
        for code in ("new_confirmed", "current_confirmed", "current_close_contact",
                     "in_home_quarantine", "tests_pending"):
            with self.subTest(code=code):
                self.assertEqual(ours.get(code, 0), theirs[code])
        self.assertEqual(stored(w.district, self.story.d2)["new_confirmed"], 2)  # with town B
