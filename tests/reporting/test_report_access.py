"""Who may write an area's daily report 日报: one rule (report_access.may_submit_report)."""

from __future__ import annotations

from epigrid.accounts.services import create_user
from epigrid.core.access import Role
from epigrid.reporting.report_access import may_submit_report
from tests.base import PASSWORD, BaseTestCase


class ReportAccessTests(BaseTestCase):
    def test_it_lets_a_town_officer_write_the_town_and_its_villages(self) -> None:
        w = self.world
        self.assertTrue(may_submit_report(w.alice, w.town_a))
        self.assertTrue(may_submit_report(w.alice, w.village_a1))
        self.assertTrue(may_submit_report(w.alice, w.village_a2))

    def test_it_keeps_a_town_officer_out_of_other_towns_and_the_levels_above(self) -> None:
        w = self.world
        self.assertFalse(may_submit_report(w.alice, w.town_b))
        self.assertFalse(may_submit_report(w.alice, w.village_b1))
        self.assertFalse(may_submit_report(w.bob, w.village_a1))
        self.assertFalse(may_submit_report(w.alice, w.district))  # not a reporting level either

    def test_it_lets_a_village_officer_write_only_the_village(self) -> None:
        w = self.world
        xu = create_user(username="xu", password=PASSWORD, role=Role.AREA_OFFICER,
                         home_area=w.village_a1)
        self.assertTrue(may_submit_report(xu, w.village_a1))
        self.assertFalse(may_submit_report(xu, w.town_a))  # the level above is not the home's
        self.assertFalse(may_submit_report(xu, w.village_a2))

    def test_it_lets_the_command_and_admins_write_any_town_or_village_of_theirs(self) -> None:
        w = self.world
        for user in (w.command, w.admin):
            with self.subTest(user=user.username):
                self.assertTrue(may_submit_report(user, w.town_b))
                self.assertTrue(may_submit_report(user, w.village_a2))

    def test_it_refuses_the_other_roles_even_at_home(self) -> None:
        w = self.world
        self.assertFalse(may_submit_report(w.medic, w.town_a))  # district-wide, not an officer
        self.assertFalse(may_submit_report(w.li, w.village_a1))  # a grid worker
        self.assertFalse(may_submit_report(w.stranger, w.village_a1))  # no home area
        volunteer = create_user(username="fang", password=PASSWORD, role=Role.VOLUNTEER,
                                home_area=w.village_a1)
        self.assertFalse(may_submit_report(volunteer, w.village_a1))

    def test_it_refuses_grids_districts_and_cities_to_everyone(self) -> None:
        w = self.world
        for area in (w.grid_a1_1, w.district, w.city):
            with self.subTest(area=area.name):
                self.assertFalse(may_submit_report(w.admin, area))
                self.assertFalse(may_submit_report(w.command, area))

    def test_it_refuses_an_inactive_officer(self) -> None:
        w = self.world
        w.alice.is_active = False
        self.assertFalse(may_submit_report(w.alice, w.town_a))
