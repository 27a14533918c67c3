from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from epigrid.areas.models import Area, Checkpoint, Facility
from epigrid.core.access import CAPABILITIES, Capability, Role, can, require
from tests.base import BaseTestCase


class RestrictTests(BaseTestCase):
    def names(self, user: object) -> set[str]:
        return set(Area.objects.restrict(user).values_list("name", flat=True))  # type: ignore[arg-type]

    def test_it_shows_an_officer_her_town_and_everything_below(self) -> None:
        assert self.names(self.world.alice) == {
            "Dongcheng Town", "Village A1", "Village A2", "Grid A1-1", "Grid A1-2", "Grid A2-1"}

    def test_it_shows_a_grid_worker_only_his_grid(self) -> None:
        assert self.names(self.world.li) == {"Grid A1-1"}

    def test_it_shows_the_command_its_whole_district_but_not_the_city(self) -> None:
        names = self.names(self.world.command)
        assert "Jinhe City" not in names and {"Xihe Town", "Grid A2-1"} <= names

    def test_it_shows_the_administrator_everything(self) -> None:
        assert len(self.names(self.world.admin)) == Area.objects.count()

    def test_it_shows_nothing_to_a_user_without_area_or_login(self) -> None:
        assert self.names(self.world.stranger) == set()
        assert self.names(AnonymousUser()) == set()

    def test_it_hides_an_inactive_users_records(self) -> None:
        self.world.alice.is_active = False
        assert self.names(self.world.alice) == set()

    def test_it_scopes_sites_through_their_area(self) -> None:
        w = self.world
        assert list(Checkpoint.objects.restrict(w.bob).values_list("code", flat=True)) == [
            "CP-B-001"]
        assert list(Facility.objects.restrict(w.li).values_list("code", flat=True)) == []

    def test_it_does_not_take_a_sibling_with_a_longer_id_for_a_child(self) -> None:
        # Paths are fixed-width, so town 1's range never covers town 12's rows.
        w = self.world
        assert not w.town_b.path.startswith(w.town_a.path)
        assert "Xihe Town" not in self.names(w.alice)


class CapabilityTests(BaseTestCase):
    def test_it_gives_capabilities_by_role(self) -> None:
        w = self.world
        assert can(w.command, Capability.CHANGE_RISK)
        assert not can(w.alice, Capability.CHANGE_RISK)
        assert can(w.alice, Capability.IMPORT)
        assert not can(w.li, Capability.EXPORT)
        assert can(w.admin, Capability.VIEW_AUDIT) and not can(w.command, Capability.VIEW_AUDIT)

    def test_it_gives_nothing_to_the_anonymous(self) -> None:
        assert not any(can(AnonymousUser(), cap) for cap in Capability)  # type: ignore[arg-type]

    def test_it_lists_every_role(self) -> None:
        assert set(CAPABILITIES) == set(Role.values)


class RequireTests(BaseTestCase):
    def test_it_lets_a_role_with_the_capability_through_and_refuses_the_others(self) -> None:
        require(self.world.command, Capability.EXPORT)  # no error
        require(self.world.admin, Capability.REVEAL_IDENTITY)
        with self.assertRaises(PermissionDenied) as refused:
            require(self.world.li, Capability.EXPORT)
        self.assertEqual(str(refused.exception),
                         f"Your role may not do this: {Capability.EXPORT.label}.")
        with self.assertRaises(PermissionDenied):
            require(AnonymousUser(), Capability.EXPORT)  # type: ignore[arg-type]
        self.world.command.is_active = False
        with self.assertRaises(PermissionDenied):
            require(self.world.command, Capability.EXPORT)
