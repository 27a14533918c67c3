"""Who sees which problem: the origin's subtree or the current level's, for every persona; and
both copied paths follow a subtree that moves."""

from __future__ import annotations

from epigrid.areas import services as area_services
from epigrid.problems.escalation import escalate_overdue
from epigrid.problems.models import Problem
from tests.base import BaseTestCase
from tests.problems.helpers import at, days, raise_in, today


class ScopingTests(BaseTestCase):
    def test_each_persona_sees_the_problems_of_their_subtree(self) -> None:
        w = self.world
        grid = raise_in(w.grid_a1_1, w.li, "Grid A1-1 thermometers")
        village = raise_in(w.village_a1, w.alice, "Village A1 masks")
        town_b = raise_in(w.village_b1, w.bob, "Village B1 rice")
        district = raise_in(w.district, w.command, "District drivers")
        expected = {
            "alice": {grid, village},
            "bob": {town_b},
            "li": {grid},
            "zhou": {grid, village, town_b, district},
            "dr_he": {grid, village, town_b, district},
            "stranger": set(),
            "admin": {grid, village, town_b, district},
        }
        for user in (w.alice, w.bob, w.li, w.command, w.medic, w.stranger, w.admin):
            with self.subTest(user=user.username):
                assert set(Problem.objects.restrict(user)) == expected[user.username]

    def test_an_escalated_problem_reaches_the_upper_level_and_stays_with_its_origin(self) -> None:
        w = self.world
        late = raise_in(w.grid_a1_1, w.li, "Late", now=at(today() - days(9)), due_in=1)
        for day in (1, 2, 3):  # grid -> village -> town -> district
            escalate_overdue(at(late.due_on + days(day)))
        late.refresh_from_db()
        assert late.level_area == w.district
        for user, sees in ((w.li, True), (w.alice, True), (w.command, True), (w.bob, False),
                           (w.stranger, False)):
            with self.subTest(user=user.username):
                assert Problem.objects.restrict(user).filter(pk=late.pk).exists() == sees

    def test_both_paths_follow_a_moved_subtree(self) -> None:
        w = self.world
        late = raise_in(w.grid_a1_1, w.li, "Late", now=at(today() - days(9)), due_in=1)
        escalate_overdue(at(late.due_on + days(1)))  # at village A1
        area_services.move_area(w.village_a1, w.town_b)
        late.refresh_from_db()
        w.grid_a1_1.refresh_from_db()
        w.village_a1.refresh_from_db()
        assert (late.area_path, late.level_path) == (w.grid_a1_1.path, w.village_a1.path)
        assert Problem.objects.restrict(w.bob).filter(pk=late.pk).exists()
        assert not Problem.objects.restrict(w.alice).filter(pk=late.pk).exists()
