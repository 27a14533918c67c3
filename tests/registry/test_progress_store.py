"""A recount writes only the figures that changed, and the pages say when all were confirmed."""

from __future__ import annotations

import datetime
from unittest import mock

from django.urls import reverse

from epigrid.registry.models import Outcome, ScreeningProgress
from epigrid.registry.progress import FIGURES, recompute
from tests.base import BaseTestCase
from tests.registry.progress_helpers import DAY2, Visited, visit


def stored() -> dict[tuple[int, datetime.date | None], tuple[object, ...]]:
    """Every stored row by (area, day): its id and figures."""
    return {(area_id, day): (pk, *values) for pk, area_id, day, *values in
            ScreeningProgress.objects.values_list("pk", "area_id", "day", *FIGURES)}


class RecountWritesTests(BaseTestCase):
    def setUp(self) -> None:
        self.v = Visited(self.world)

    def test_it_rewrites_nothing_when_nothing_changed_but_marks_the_campaign_confirmed(
            self) -> None:
        campaign = self.v.campaign
        rows = recompute(campaign)
        first, confirmed = stored(), campaign.progress_computed_at
        assert rows == len(first) and confirmed is not None
        assert recompute(campaign) == rows
        assert stored() == first  # the same rows, ids included: none was written again
        campaign.refresh_from_db()
        assert campaign.progress_computed_at is not None
        assert campaign.progress_computed_at > confirmed

    def change(self) -> None:
        """A new visit on day 2 in grid A1-1; town B's first visit ever (a new day row)."""
        w = self.world
        visit(self.v.campaign, self.v.h3, DAY2, {})
        visit(self.v.campaign, w.household_b, DAY2, {w.person_b: Outcome.HOME_QUARANTINE})

    @mock.patch("epigrid.registry.progress.REWRITE_SHARE", 1.0)  # a city changes a few rows
    def test_it_writes_the_changed_figures_adds_new_days_and_drops_vanished_ones(self) -> None:
        w, campaign = self.world, self.v.campaign
        recompute(campaign)
        before = stored()
        self.change()
        recompute(campaign)
        after = stored()
        assert after[(w.grid_a1_1.pk, DAY2)][0] == before[(w.grid_a1_1.pk, DAY2)][0]
        assert after[(w.grid_a1_1.pk, DAY2)][1:] == (3, 2, 1, 0)
        assert (w.grid_b1_1.pk, DAY2) not in before
        assert after[(w.grid_b1_1.pk, DAY2)][1:] == (1, 1, 1, 1)
        assert after[(w.grid_a2_1.pk, None)] == before[(w.grid_a2_1.pk, None)]  # untouched
        # Every visit of day 2 gone: its rows go too.
        for made in self.v.visits[1:]:
            made.delete()
        campaign.visits.filter(visited_on=DAY2).delete()
        recompute(campaign)
        assert {day for _area, day in stored()} == {None, self.v.visits[0].visited_on}

    def test_it_rewrites_every_row_when_most_changed_with_the_same_figures(self) -> None:
        recompute(self.v.campaign)
        self.change()
        recompute(self.v.campaign)  # the district's few rows: most change, all are rewritten
        rewritten = {key: row[1:] for key, row in stored().items()}
        with mock.patch("epigrid.registry.progress.REWRITE_SHARE", 1.0):
            ScreeningProgress.objects.all().delete()
            recompute(self.v.campaign)
        assert {key: row[1:] for key, row in stored().items()} == rewritten

    def test_it_shows_the_campaigns_confirmation_time_on_the_area_page(self) -> None:
        w, campaign = self.world, self.v.campaign
        recompute(campaign)
        recompute(campaign)
        campaign.refresh_from_db()
        self.client.force_login(w.alice)
        page = self.client.get(reverse("registry:progress_area", args=[campaign.pk,
                                                                      w.town_a.pk]))
        assert page.status_code == 200
        assert page.context["computed_at"] == campaign.progress_computed_at
