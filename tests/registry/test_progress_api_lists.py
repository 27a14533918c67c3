"""The progress API's lists behind the figures (abnormal persons, grid workers) and its
recompute: scoped like the pages, masked, paged by key."""

from __future__ import annotations

from typing import Any

from django.test import Client

from epigrid.accounts.models import User
from epigrid.accounts.services import create_user
from epigrid.core.access import Role
from epigrid.registry import services as registry
from epigrid.registry.models import Outcome, PersonScreening, ScreeningProgress
from epigrid.registry.progress import recompute
from tests.base import ID_A, PASSWORD, BaseTestCase
from tests.registry.progress_helpers import DAY1, Visited, visit


class ProgressApiListTests(BaseTestCase):
    def setUp(self) -> None:
        self.v = Visited(self.world)
        recompute(self.v.campaign)

    def url(self, area: Any, tail: str) -> str:
        return f"/api/progress/{self.v.campaign.pk}/areas/{area.pk}/{tail}"

    def get(self, user: User, url: str) -> Any:
        client: Client = self.client_for(user)
        return client.get(url)

    def test_it_lists_the_abnormal_persons_of_an_area_newest_first(self) -> None:
        w = self.world
        # Wang Jun screened again and sent home to quarantine: after Gao Ming, so first.
        again = visit(self.v.campaign, self.v.h3, DAY1, {})
        PersonScreening.objects.create(visit=again, person=w.person_a, temperature="37.9",
                                       symptoms="cough", outcome=Outcome.HOME_QUARANTINE)
        answer = self.get(w.alice, self.url(w.town_a, "abnormal"))
        assert answer.status_code == 200
        items = answer.json()["items"]
        assert [(i["person_name"], i["outcome"], i["household_address"]) for i in items] == [
            ("Wang Jun", "home_quarantine", "No. 16, East Lane"),
            ("Gao Ming", "fever_clinic", "No. 2, Hill Road")]
        assert (items[0]["temperature"], items[0]["symptoms"]) == ("37.9", "cough")
        assert items[0]["id_number_masked"] == "420102********001X"
        assert ID_A not in answer.content.decode()
        village = self.get(w.alice, self.url(w.village_a2, "abnormal")).json()["items"]
        assert [i["person_name"] for i in village] == ["Gao Ming"]

    def test_it_pages_the_abnormal_persons_by_key(self) -> None:
        w = self.world
        for n in range(3):
            household = registry.create_household(grid=w.grid_a1_2, address=f"No. {n}, Elm Row")
            made = visit(self.v.campaign, household, DAY1, {})
            PersonScreening.objects.create(visit=made, person=w.person_a2,
                                           outcome=Outcome.REPORT_VILLAGE)
        seen, after = [], ""
        for _page in range(5):
            page = self.get(w.alice, self.url(w.town_a, f"abnormal?limit=2{after}")).json()
            seen += [item["id"] for item in page["items"]]
            if page["next_after"] is None:
                break
            after = f"&after={page['next_after']}"
        assert len(seen) == 4 == len(set(seen)) and seen == sorted(seen, reverse=True)

    def test_it_lists_the_grid_workers_with_their_grids_figures(self) -> None:
        w = self.world
        create_user(username="ma", password=PASSWORD, role=Role.GRID_WORKER,
                    home_area=w.grid_b1_1)
        create_user(username="gone", password=PASSWORD, role=Role.GRID_WORKER,
                    home_area=w.grid_a2_1, is_active=False)
        rows = self.get(w.alice, self.url(w.town_a, "workers")).json()["items"]
        assert [(r["username"], r["grid"]["area_name"], r["grid"]["households_visited"],
                 r["grid"]["households_unvisited"]) for r in rows] == [
            ("li", "Grid A1-1", 2, 1)]
        district = self.get(w.command, self.url(w.district, "workers")).json()
        assert [r["username"] for r in district["items"]] == ["li", "ma"]
        assert district["next_after"] is None

    def test_it_pages_the_grid_workers_by_key(self) -> None:
        w = self.world
        for name, grid in (("an", w.grid_a1_1), ("ma", w.grid_b1_1), ("bo", w.grid_a2_1)):
            create_user(username=name, password=PASSWORD, role=Role.GRID_WORKER,
                        home_area=grid)
        seen, after = [], ""
        for _page in range(5):
            page = self.get(w.command, self.url(w.district, f"workers?limit=2{after}")).json()
            seen += [item["username"] for item in page["items"]]
            if page["next_after"] is None:
                break
            after = f"&after={page['next_after']}"
        # By grid (A1-1, A2-1, B1-1), then by name within one.
        assert seen == ["an", "li", "bo", "ma"]
        # An id that is no worker of the area (Bob's) starts no page.
        assert self.get(w.command, self.url(w.district, f"workers?after={w.bob.pk}")
                        ).json() == {"items": [], "next_after": None}

    def test_it_recomputes_for_campaign_managers_only(self) -> None:
        w = self.world
        ScreeningProgress.objects.all().delete()
        li = self.client_for(w.li)
        assert li.post(self.url(w.grid_a1_1, "recompute")).status_code == 403
        assert not ScreeningProgress.objects.exists()
        answer = self.client_for(w.alice).post(self.url(w.town_a, "recompute"))
        assert answer.status_code == 200 and answer.json()["figures"] > 0
        assert answer.json()["computed_at"] is not None
        assert ScreeningProgress.objects.get(area=w.town_a, day=None).households_visited == 3

    def test_it_hides_town_a_from_bob(self) -> None:
        w = self.world
        for tail in ("abnormal", "workers"):
            assert self.get(w.bob, self.url(w.town_a, tail)).status_code == 404
            assert self.get(w.stranger, self.url(w.town_a, tail)).status_code == 404
        assert self.client_for(w.bob).post(self.url(w.town_a, "recompute")).status_code == 404
        assert self.get(w.bob, self.url(w.town_b, "abnormal")).json()["items"] == []
