from __future__ import annotations

import datetime

from epigrid.areas.models import Area
from epigrid.registry import services as registry
from epigrid.registry.models import Outcome, ScreeningProgress
from epigrid.registry.progress import FIGURES, recompute, visit_recorded
from epigrid.registry.screening import campaigns_for
from tests.base import BaseTestCase
from tests.registry.progress_helpers import DAY1, DAY2, Visited, campaign_of, visit


def figures(area: Area, day: datetime.date | None = None) -> tuple[int, ...]:
    row = ScreeningProgress.objects.get(area=area, day=day)
    return tuple(getattr(row, name) for name in FIGURES)


def snapshot() -> set[tuple[object, ...]]:
    return set(ScreeningProgress.objects.values_list("campaign_id", "area_id", "area_path",
                                                     "day", *FIGURES))


class RecomputeTests(BaseTestCase):
    def setUp(self) -> None:
        self.v = Visited(self.world)

    def test_it_counts_each_grid_for_the_campaign_and_each_day(self) -> None:
        w = self.world
        recompute(self.v.campaign)
        # (households total, visited, persons screened, abnormal)
        assert figures(w.grid_a1_1) == (3, 2, 3, 0)
        assert figures(w.grid_a1_1, DAY1) == (3, 1, 2, 0)
        assert figures(w.grid_a1_1, DAY2) == (3, 1, 1, 0)
        assert figures(w.grid_a2_1) == (1, 1, 2, 1)
        assert figures(w.grid_a1_2) == (0, 0, 0, 0)
        assert figures(w.grid_b1_1) == (1, 0, 0, 0)

    def test_it_sums_grids_up_to_village_town_and_district(self) -> None:
        w = self.world
        recompute(self.v.campaign)
        assert figures(w.village_a1) == (3, 2, 3, 0)
        assert figures(w.village_a2) == (1, 1, 2, 1)
        assert figures(w.town_a) == (4, 3, 5, 1)
        assert figures(w.town_a, DAY2) == (4, 2, 3, 1)
        assert figures(w.town_b) == (1, 0, 0, 0)
        assert figures(w.district) == (5, 3, 5, 1)
        assert figures(w.district, DAY1) == (5, 1, 2, 0)
        assert figures(w.district, DAY2) == (5, 2, 3, 1)

    def test_it_writes_a_campaign_row_for_every_area_and_day_rows_where_visited(self) -> None:
        w = self.world
        recompute(self.v.campaign)
        campaign_rows = ScreeningProgress.objects.filter(day__isnull=True)
        assert campaign_rows.count() == Area.objects.within(w.district.path).count()
        assert not ScreeningProgress.objects.filter(area=w.town_b, day__isnull=False).exists()
        assert not ScreeningProgress.objects.filter(area=w.city).exists()  # above the campaign

    def test_it_is_idempotent(self) -> None:
        written = recompute(self.v.campaign)
        first = snapshot()
        assert recompute(self.v.campaign) == written
        assert snapshot() == first

    def test_it_counts_only_the_campaigns_subtree(self) -> None:
        w = self.world
        town_campaign = campaign_of(w.town_a, "Town A round")
        recompute(town_campaign)
        assert figures(w.town_a) == (4, 0, 0, 0)
        assert not ScreeningProgress.objects.filter(campaign=town_campaign,
                                                    area=w.district).exists()


class VisitRecordedTests(BaseTestCase):
    def setUp(self) -> None:
        self.v = Visited(self.world)

    def test_it_keeps_figures_equal_to_a_full_recompute(self) -> None:
        w = self.world
        recompute(self.v.campaign)
        h3_visit = visit(self.v.campaign, self.v.h3, DAY2, {})
        visit_recorded(h3_visit)
        b_visit = visit(self.v.campaign, w.household_b, DAY1, {w.person_b: Outcome.REPORT_VILLAGE})
        visit_recorded(b_visit)
        incremental = snapshot()
        assert figures(w.district, DAY1) == (5, 2, 3, 1)
        recompute(self.v.campaign)
        assert incremental == snapshot()

    def test_it_is_idempotent_when_called_twice(self) -> None:
        w = self.world
        recompute(self.v.campaign)
        late = visit(self.v.campaign, self.v.h3, DAY1, {})
        visit_recorded(late)
        visit_recorded(late)
        assert figures(w.town_a) == (4, 4, 5, 1)
        assert figures(w.town_a, DAY1) == (4, 2, 2, 0)

    def test_it_counts_a_household_registered_on_the_spot(self) -> None:
        w = self.world
        recompute(self.v.campaign)
        new = registry.create_household(grid=w.grid_a1_2, address="No. 1, New Lane")
        visit_recorded(visit(self.v.campaign, new, DAY2, {}))
        assert figures(w.town_a) == (5, 4, 5, 1)
        assert figures(w.town_a, DAY2) == (5, 3, 3, 1)
        incremental = snapshot()
        recompute(self.v.campaign)
        assert incremental == snapshot()

    def test_it_computes_everything_on_the_first_visit(self) -> None:
        visit_recorded(self.v.visits[0])
        assert figures(self.world.district) == (5, 3, 5, 1)


class CampaignsForTests(BaseTestCase):
    def test_it_offers_campaigns_above_and_below_the_home_area(self) -> None:
        w = self.world
        district = campaign_of(w.district)
        town_a = campaign_of(w.town_a, "A")
        town_b = campaign_of(w.town_b, "B")
        assert set(campaigns_for(w.alice)) == {district, town_a}
        assert set(campaigns_for(w.bob)) == {district, town_b}
        assert set(campaigns_for(w.admin)) == {district, town_a, town_b}
        assert not campaigns_for(w.stranger).exists()
