"""The round of an officer above a grid: stored figures, and the areas to narrow it to."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from epigrid.registry import progress
from epigrid.registry import services as registry
from epigrid.registry.models import Household, ScreeningCampaign
from tests.base import BaseTestCase
from tests.security.entries_registry_screening import town_a_campaign

TODAY = reverse("registry:screening_today")
AREA_LINK = re.compile(r'href="\?campaign=\d+&amp;grid=(\d+)">([^<]+)</a>\s*'
                       r'(?:<span class="muted">([^<]*)</span>)?')


class RoundAreaTests(BaseTestCase):
    campaign: ScreeningCampaign

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        cls.campaign = town_a_campaign(w)
        registry.create_household(grid=w.grid_a1_1, address="No. 2, East Lane", number="A-0002")
        registry.create_household(grid=w.grid_a2_1, address="No. 9, Hill Road")

    def page(self, user: object, **query: object) -> str:
        return self.client_for(user).get(TODAY, query).content.decode()  # type: ignore[arg-type]

    def areas(self, body: str) -> dict[str, str]:
        """The sub-areas offered: name -> their figures ("" without)."""
        section = body.partition('id="round-areas"')[2].partition("</ul>")[0]
        return {name: figures or "" for _pk, name, figures in AREA_LINK.findall(section)}

    def test_it_offers_the_towns_villages_with_their_stored_figures(self) -> None:
        progress.recompute(self.campaign)
        body = self.page(self.world.alice)
        assert "<strong>0/3</strong>" in body and "Figures as of" in body
        assert self.areas(body) == {"Village A1": "0/2 done, 2 to visit",
                                    "Village A2": "0/1 done, 1 to visit"}

    def test_it_counts_above_a_grid_from_the_stored_figures_and_a_grid_live(self) -> None:
        w = self.world
        progress.recompute(self.campaign)
        # Written past the services: no figure above it knows of it until the next recompute.
        Household.objects.create(grid=w.grid_a1_1, area_path=w.grid_a1_1.path,
                                 address="No. 40, East Lane")
        with CaptureQueriesContext(connection) as queries:
            body = self.page(w.alice)
        assert "<strong>0/3</strong>" in body and "No. 40, East Lane" in body
        counts = [q["sql"] for q in queries.captured_queries
                  if "COUNT(" in q["sql"] and 'FROM "registry_household"' in q["sql"]]
        assert counts == []
        grid = self.page(w.alice, grid=w.grid_a1_1.pk)
        assert "<strong>0/3</strong>" in grid and "Figures as of" not in grid
        progress.recompute(self.campaign)
        assert "<strong>0/4</strong>" in self.page(w.alice)

    def test_it_goes_down_to_a_grid_and_back_up(self) -> None:
        w = self.world
        progress.recompute(self.campaign)
        town = self.page(w.alice)
        assert "Up one level" not in town  # her own town: nothing above is hers
        village = self.page(w.alice, grid=w.village_a1.pk)
        assert "<strong>0/2</strong>" in village and "Dongcheng Town · Village A1 ·" in village
        assert self.areas(village) == {"Grid A1-1": "0/2 done, 2 to visit",
                                       "Grid A1-2": "0/0 done, 0 to visit"}
        assert f'grid={w.town_a.pk}">Up one level' in village
        grid = self.page(w.alice, grid=w.grid_a1_1.pk)
        assert self.areas(grid) == {} and f'grid={w.village_a1.pk}">Up one level' in grid
        assert "No. 2, East Lane" in grid and "No. 9, Hill Road" not in grid

    def test_it_offers_the_areas_without_figures_before_any_are_stored(self) -> None:
        body = self.page(self.world.alice)
        assert "<strong>0/3</strong>" in body and "Figures as of" not in body
        assert self.areas(body) == {"Village A1": "", "Village A2": ""}

    def test_it_opens_a_district_users_round_at_the_campaigns_town(self) -> None:
        progress.recompute(self.campaign)
        body = self.page(self.world.command)
        assert "<strong>0/3</strong>" in body and "Up one level" not in body
        assert set(self.areas(body)) == {"Village A1", "Village A2"}

    def test_it_offers_no_area_of_another_town_nor_below_a_grid(self) -> None:
        w = self.world
        progress.recompute(self.campaign)
        bob = self.page(w.bob, grid=w.village_a1.pk)
        assert "Village A1" not in bob and "<strong>" not in bob  # no campaign in town B
        li = self.page(w.li, grid=w.village_a1.pk)
        assert self.areas(li) == {} and "Up one level" not in li
        assert "<strong>0/2</strong>" in li
