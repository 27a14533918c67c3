from __future__ import annotations

from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from epigrid.accounts.services import create_user
from epigrid.areas.models import Level
from epigrid.core.access import Role
from epigrid.registry import progress_views
from epigrid.registry.models import ScreeningProgress
from epigrid.registry.progress import recompute
from tests.base import PASSWORD, BaseTestCase, make_area
from tests.registry.progress_helpers import Visited, campaign_of


class ProgressPageTests(BaseTestCase):
    def setUp(self) -> None:
        self.v = Visited(self.world)
        recompute(self.v.campaign)
        self.alice = self.client_for(self.world.alice)

    def url(self, name: str, area_id: int) -> str:
        return reverse(f"registry:{name}", args=[self.v.campaign.pk, area_id])

    def test_it_shows_alices_town_figures_children_and_days(self) -> None:
        w = self.world
        response = self.alice.get(self.url("progress_area", w.town_a.pk))
        assert response.status_code == 200
        figures = response.context["figures"]
        assert (figures.households_total, figures.households_visited, figures.persons_screened,
                figures.persons_abnormal, figures.percent) == (4, 3, 5, 1, 75)
        children = {row.area.name: (row.households_visited, row.households_total)
                    for row in response.context["children"]}
        assert children == {"Village A1": (2, 3), "Village A2": (1, 1)}
        assert [(row.day.isoformat(), row.households_visited)
                for row in response.context["days"]] == [("2020-02-17", 1), ("2020-02-18", 2)]
        body = response.content.decode()
        assert 'value="75"' in body  # the percentage bar
        assert self.url("progress_unvisited", w.town_a.pk) in body
        assert "style=" not in body.split("<main", 1)[1]

    def test_it_lists_the_children_in_the_order_of_their_codes(self) -> None:
        w = self.world
        make_area(w.village_a1, Level.GRID, "420102001001-10", "Grid A1-10")
        response = self.alice.get(self.url("progress_area", w.village_a1.pk))
        assert [row.area.name for row in response.context["children"]] == [
            "Grid A1-1", "Grid A1-2", "Grid A1-10"]  # by name, A1-10 came second

    def test_it_opens_a_campaign_at_the_users_home_area(self) -> None:
        response = self.alice.get(reverse("registry:progress_campaign",
                                          args=[self.v.campaign.pk]))
        assert response["Location"] == self.url("progress_area", self.world.town_a.pk)

    def test_it_lists_the_campaigns_the_user_follows(self) -> None:
        response = self.alice.get(reverse("registry:progress_index"))
        assert [campaign for campaign, _figures in response.context["rows"]] == [
            self.v.campaign]

    def test_it_shows_each_campaigns_figures_of_the_users_own_area(self) -> None:
        w = self.world
        response = self.alice.get(reverse("registry:progress_index"))
        [(_campaign, figures)] = response.context["rows"]
        assert figures.area == w.town_a  # the district's campaign, at Alice's town
        assert (figures.households_visited, figures.households_total, figures.percent,
                figures.unvisited, figures.persons_screened, figures.persons_abnormal) == (
            3, 4, 75, 1, 5, 1)
        body = response.content.decode()
        assert "3 / 4 (75%)" in body
        assert self.url("progress_unvisited", w.town_a.pk) in body
        assert self.url("progress_abnormal", w.town_a.pk) in body
        command = self.client_for(w.command).get(reverse("registry:progress_index"))
        [(_campaign, district)] = command.context["rows"]
        assert (district.area, district.households_visited, district.households_total) == (
            w.district, 3, 5)

    def test_it_reads_the_figures_of_every_campaign_in_two_queries(self) -> None:
        w = self.world
        index = reverse("registry:progress_index")
        with CaptureQueriesContext(connection) as one:
            self.alice.get(index)
        for name in ("Round two", "Round three", "Round four"):
            recompute(campaign_of(w.town_a, name))
        with CaptureQueriesContext(connection) as four:
            response = self.alice.get(index)
        assert len(response.context["rows"]) == 4
        # The session, the user and her area, then the campaigns and their stored figures.
        assert len(four) == len(one) == 5

    def test_it_lists_the_unvisited_households_of_a_grid(self) -> None:
        w = self.world
        response = self.alice.get(self.url("progress_unvisited", w.grid_a1_1.pk))
        assert [h.address for h in response.context["households"]] == ["No. 16, East Lane"]
        town = self.alice.get(self.url("progress_unvisited", w.town_a.pk))
        assert [h.address for h in town.context["households"]] == ["No. 16, East Lane"]

    def test_it_pages_the_unvisited_households_by_key(self) -> None:
        w = self.world
        from epigrid.registry import progress_views
        from epigrid.registry import services as registry

        for n in range(3):
            registry.create_household(grid=w.grid_a1_2, address=f"No. {n}, Page Lane")
        original = progress_views.PAGE_SIZE
        progress_views.PAGE_SIZE = 2
        try:
            first = self.alice.get(self.url("progress_unvisited", w.town_a.pk))
            after = first.context["next_after"]
            second = self.alice.get(self.url("progress_unvisited", w.town_a.pk),
                                    {"after": after})
        finally:
            progress_views.PAGE_SIZE = original
        seen = [h.address for h in first.context["households"]] + [
            h.address for h in second.context["households"]]
        assert sorted(seen) == sorted(["No. 16, East Lane", "No. 0, Page Lane",
                                       "No. 1, Page Lane", "No. 2, Page Lane"])
        assert second.context["next_after"] == ""

    def test_it_lists_abnormal_persons_with_masked_ids(self) -> None:
        w = self.world
        response = self.alice.get(self.url("progress_abnormal", w.town_a.pk))
        assert [s.person.name for s in response.context["screenings"]] == ["Gao Ming"]
        village = self.alice.get(self.url("progress_abnormal", w.village_a1.pk))
        assert list(village.context["screenings"]) == []

    def test_it_lists_grid_workers_with_their_unvisited_households(self) -> None:
        w = self.world
        create_user(username="ma", password=PASSWORD, role=Role.GRID_WORKER,
                    home_area=w.grid_b1_1)
        response = self.alice.get(self.url("progress_workers", w.town_a.pk))
        rows = [(worker.username, row.area.name, row.unvisited)
                for worker, row in response.context["rows"]]
        assert rows == [("li", "Grid A1-1", 1)]

    def test_it_pages_the_grid_workers_by_grid_then_name(self) -> None:
        w = self.world
        for name, grid in (("an", w.grid_a1_1), ("zu", w.grid_a1_1), ("bo", w.grid_a2_1)):
            create_user(username=name, password=PASSWORD, role=Role.GRID_WORKER,
                        home_area=grid)
        seen: list[str] = []
        url = self.url("progress_workers", w.town_a.pk)
        with mock.patch.object(progress_views, "PAGE_SIZE", 2):
            for _page in range(4):
                response = self.alice.get(url)
                seen += [worker.username for worker, _row in response.context["rows"]]
                after = response.context["next_after"]
                if not after:
                    break
                assert f'href="?after={after}"' in response.content.decode()
                url = f"{self.url('progress_workers', w.town_a.pk)}?after={after}"
        # Grid A1-1's three by name, then Grid A2-1's.
        assert seen == ["an", "li", "zu", "bo"]

    def test_it_hides_town_a_from_bob(self) -> None:
        w = self.world
        bob = self.client_for(w.bob)
        for name in ("progress_area", "progress_unvisited", "progress_abnormal",
                     "progress_workers"):
            assert bob.get(self.url(name, w.town_a.pk)).status_code == 404
        assert bob.get(self.url("progress_area", w.town_b.pk)).status_code == 200

    def test_it_refuses_an_area_outside_the_campaign(self) -> None:
        from tests.registry.progress_helpers import campaign_of

        town_b = campaign_of(self.world.town_b, "B only")
        url = reverse("registry:progress_area", args=[town_b.pk, self.world.town_a.pk])
        assert self.client_for(self.world.admin).get(url).status_code == 404

    def test_it_recomputes_on_request_for_campaign_managers_only(self) -> None:
        w = self.world
        ScreeningProgress.objects.all().delete()
        li = self.client_for(w.li)
        assert li.post(self.url("progress_recompute", w.grid_a1_1.pk)).status_code == 403
        assert not ScreeningProgress.objects.exists()
        response = self.alice.post(self.url("progress_recompute", w.town_a.pk))
        assert response.status_code == 302
        assert ScreeningProgress.objects.get(area=w.town_a, day=None).households_visited == 3

    def test_it_reads_the_area_page_in_a_constant_number_of_queries(self) -> None:
        w = self.world
        counts = []
        command = self.client_for(w.command)
        for area in (w.district, w.town_a, w.grid_a1_1):
            with CaptureQueriesContext(connection) as captured:
                response = command.get(self.url("progress_area", area.pk))
            assert response.status_code == 200
            counts.append(len(captured.captured_queries))
        assert len(set(counts)) == 1, counts
        assert counts[0] <= 9, counts

    def test_it_answers_the_api_with_figures_and_children(self) -> None:
        w = self.world
        response = self.alice.get(f"/api/progress/{self.v.campaign.pk}/areas/{w.town_a.pk}")
        assert response.status_code == 200
        data = response.json()
        assert data["figures"]["households_visited"] == 3
        assert data["figures"]["households_unvisited"] == 1
        assert {c["area_name"]: c["persons_abnormal"] for c in data["children"]} == {
            "Village A1": 0, "Village A2": 1}
        assert [d["households_visited"] for d in data["days"]] == [1, 2]
        bob = self.client_for(w.bob)
        assert bob.get(f"/api/progress/{self.v.campaign.pk}/areas/{w.town_a.pk}"
                       ).status_code == 404
