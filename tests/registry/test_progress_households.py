"""Households registered while a campaign runs are counted in its progress once they commit: one
made through a form, a town's roster arriving mid-campaign; and the beat recounts every campaign
still running each night (registry.progress.households_registered)."""

from __future__ import annotations

import datetime
from unittest import mock

from django.conf import settings
from django.utils import timezone

from epigrid.registry import progress
from epigrid.registry import services as registry
from epigrid.registry.models import ScreeningCampaign, ScreeningProgress
from epigrid.registry.progress import recompute
from epigrid.registry.tasks import recompute_open_campaigns
from tests.base import BaseTestCase
from tests.core.test_imports_support import import_bytes
from tests.registry.progress_helpers import Visited
from tests.registry.test_progress import figures, snapshot
from tests.registry.test_roster_import import A1_1, A1_2, make_id, roster, row


class HouseholdsCountedTests(BaseTestCase):
    """The district's campaign, running until tomorrow: 4 households in town A, 1 in town B."""

    def setUp(self) -> None:
        self.v = Visited(self.world)
        self.campaign = self.v.campaign
        ScreeningCampaign.objects.filter(pk=self.campaign.pk).update(
            ends_on=timezone.localdate() + datetime.timedelta(days=1))
        recompute(self.campaign)

    def totals(self) -> tuple[int, int, int]:
        w = self.world
        return figures(w.district)[0], figures(w.town_a)[0], figures(w.grid_a1_2)[0]

    def test_a_household_made_through_the_form_counts_once_committed(self) -> None:
        assert self.totals() == (5, 4, 0)
        with self.captureOnCommitCallbacks(execute=True):
            registry.create_household(grid=self.world.grid_a1_2, address="No. 1, Elm Row")
            assert self.totals() == (5, 4, 0)  # not before the commit
        assert self.totals() == (6, 5, 1)
        counted = snapshot()
        recompute(self.campaign)
        assert snapshot() == counted  # the same as counting everything again

    def test_a_roster_arriving_mid_campaign_counts_its_households(self) -> None:
        content = roster(*[row(grid_code=grid, household_number=f"N-{n}",
                               address=f"No. {n}, New Lane", name=f"Resident {n}",
                               id_number=make_id(f"4201021985010{n}00{n}"))
                           for n, grid in enumerate([A1_1, A1_2, A1_2], start=1)])
        with self.captureOnCommitCallbacks(execute=True):
            run = import_bytes("roster", content, self.world.alice)
        assert run.rows_created == 3
        assert self.totals() == (8, 7, 2)

    def test_many_grids_are_left_to_a_worker_that_recomputes_the_campaign(self) -> None:
        with mock.patch.object(progress, "FEW_GRIDS", 0), \
                self.captureOnCommitCallbacks(execute=True):
            registry.create_household(grid=self.world.grid_a1_2, address="No. 1, Elm Row")
        assert self.totals() == (6, 5, 1)  # the task ran at once (no broker in the tests)

    def test_an_ended_campaign_keeps_its_figures(self) -> None:
        ScreeningCampaign.objects.filter(pk=self.campaign.pk).update(
            ends_on=timezone.localdate() - datetime.timedelta(days=1))
        with self.captureOnCommitCallbacks(execute=True):
            registry.create_household(grid=self.world.grid_a1_2, address="No. 1, Elm Row")
        assert self.totals() == (5, 4, 0)

    def test_the_beat_recounts_the_campaigns_still_running_every_night(self) -> None:
        entry = settings.CELERY_BEAT_SCHEDULE["recompute-screening-progress"]
        assert entry["task"] == recompute_open_campaigns.name
        assert (entry["schedule"].hour, entry["schedule"].minute) == ({2}, {40})
        registry.create_household(grid=self.world.grid_a1_2, address="No. 1, Elm Row")
        assert self.totals() == (5, 4, 0)  # its commit never came (the test's transaction)
        assert recompute_open_campaigns() == 1
        assert self.totals() == (6, 5, 1)
        ScreeningProgress.objects.all().delete()
        ScreeningCampaign.objects.filter(pk=self.campaign.pk).update(
            ends_on=timezone.localdate() - datetime.timedelta(days=1))
        assert recompute_open_campaigns() == 0
        assert not ScreeningProgress.objects.exists()
