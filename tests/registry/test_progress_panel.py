"""The screening figures on the area page (10:00 in SCENARIOS.md): the village officer sees her
village's share of households visited and the persons with an abnormal outcome, without
typing a figure."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from epigrid.registry import progress
from epigrid.registry import services as registry
from epigrid.registry.models import Outcome, ScreeningCampaign
from tests.base import BaseTestCase
from tests.registry.progress_helpers import visit
from tests.security.entries_registry_screening import town_a_campaign


class ProgressPanelTests(BaseTestCase):
    campaign: ScreeningCampaign

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        cls.campaign = town_a_campaign(w)
        registry.create_household(grid=w.grid_a1_2, address="No. 1, North Lane")
        visit(cls.campaign, w.household_a, timezone.localdate(),
              {w.person_a: Outcome.NORMAL, w.person_a2: Outcome.FEVER_CLINIC})
        progress.recompute(cls.campaign)

    def page(self, user: object, area: object) -> str:
        url = reverse("areas:detail", args=[area.pk])  # type: ignore[attr-defined]
        return self.client_for(user).get(url).content.decode()  # type: ignore[arg-type]

    def test_it_shows_the_villages_figures_of_the_towns_campaign(self) -> None:
        w = self.world
        body = self.page(w.alice, w.village_a1)
        panel = body[body.index('id="screening-figures"'):]
        panel = panel[:panel.index("</section>")]
        assert self.campaign.name in panel
        assert '<dd data-code="households_visited">1 / 2 (50%)</dd>' in panel
        assert '<dd data-code="persons_screened">2</dd>' in panel
        abnormal = reverse("registry:progress_abnormal", args=[self.campaign.pk, w.village_a1.pk])
        assert f'<a href="{abnormal}">1</a>' in panel

    def test_it_shows_nothing_where_no_campaign_runs_today(self) -> None:
        w = self.world
        assert 'id="screening-figures"' not in self.page(w.bob, w.village_b1)  # town A's only
        assert 'id="screening-figures"' not in self.page(w.command, w.district)  # above it
        ScreeningCampaign.objects.filter(pk=self.campaign.pk).update(
            ends_on=timezone.localdate() - datetime.timedelta(days=1))
        assert 'id="screening-figures"' not in self.page(w.alice, w.village_a1)

    def test_it_costs_one_query_where_no_campaign_runs_and_two_where_one_does(self) -> None:
        w = self.world
        client = self.client_for(w.alice)
        url = reverse("areas:detail", args=[w.village_a1.pk])
        client.get(url)
        # The page and its other panels' 21 (the mobilization panel's counts among them: 1),
        # this one's 2.
        with self.assertNumQueries(23):
            client.get(url)
        ScreeningCampaign.objects.filter(pk=self.campaign.pk).update(
            ends_on=timezone.localdate() - datetime.timedelta(days=1))
        with self.assertNumQueries(22):
            client.get(url)
