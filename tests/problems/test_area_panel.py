"""The open problems on the area page (10:00 in SCENARIOS.md): the village officer sees the
problems raised in her village and not closed, oldest first, the one open since yesterday
among them."""

from __future__ import annotations

from django.urls import reverse

from epigrid.core.access import Role
from epigrid.problems.area_panel import PANEL_LIMIT
from epigrid.problems.models import Problem, Status
from tests.base import PASSWORD, BaseTestCase, create_user
from tests.problems.helpers import at, days, raise_in, today


class AreaProblemPanelTests(BaseTestCase):
    def panel(self, user: object, area: object) -> str:
        url = reverse("areas:detail", args=[area.pk])  # type: ignore[attr-defined]
        body = self.client_for(user).get(url).content.decode()  # type: ignore[arg-type]
        start = body.index('id="area-problems"')
        return body[start:body.index("</section>", start)]

    def test_it_lists_the_open_problems_raised_in_the_area_oldest_first(self) -> None:
        w = self.world
        masks = raise_in(w.village_a1, w.alice, "Masks for the volunteers run out tomorrow",
                         now=at(today() - days(1)))
        gloves = raise_in(w.grid_a1_1, w.alice, "Gloves at the gate", now=at(today(), 8))
        closed = raise_in(w.village_a1, w.alice, "Thermometer broken", now=at(today(), 7))
        Problem.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
        raise_in(w.village_a2, w.alice, "Elsewhere in town A")
        raise_in(w.village_b1, w.bob, "Town B's")
        panel = self.panel(w.alice, w.village_a1)
        assert "2 open problems" in panel
        assert panel.index(masks.title) < panel.index(gloves.title)
        assert f"open since {(today() - days(1)).isoformat()}" in panel
        for title in ("Thermometer broken", "Elsewhere in town A", "Town B's"):
            assert title not in panel
        assert f'href="{reverse("problems:raise")}?area={w.village_a1.pk}"' in panel

    def test_it_counts_them_all_and_shows_the_oldest_few(self) -> None:
        w = self.world
        for n in range(PANEL_LIMIT + 2):
            raise_in(w.village_a1, w.alice, f"Problem {n}", now=at(today(), 8, n))
        panel = self.panel(w.alice, w.village_a1)
        assert f"{PANEL_LIMIT + 2} open problems" in panel
        assert panel.count('<li id="problem-') == PANEL_LIMIT
        assert "Problem 0" in panel and f"Problem {PANEL_LIMIT}" not in panel
        assert f"The oldest {PANEL_LIMIT} are shown." in panel

    def test_it_says_when_none_is_open_and_offers_no_raising_to_a_role_that_may_not(
            self) -> None:
        w = self.world
        panel = self.panel(w.command, w.village_b1)
        assert "0 open problems" in panel and "No problem is open here." in panel
        assert reverse("problems:raise") in panel
        supervisor = create_user(username="inspector", password=PASSWORD,
                                 role=Role.SUPERVISOR, home_area=w.district)
        panel = self.panel(supervisor, w.village_b1)
        assert "0 open problems" in panel and reverse("problems:raise") not in panel
