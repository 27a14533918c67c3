from __future__ import annotations

from django.core.exceptions import ValidationError

from epigrid.areas import services
from epigrid.areas.models import SEGMENT_WIDTH, Area, Level, RiskLevel
from epigrid.core.models import AuditEntry
from tests.base import BaseTestCase, make_area


class AreaTreeTests(BaseTestCase):
    def test_it_writes_each_path_as_the_ancestors_ids(self) -> None:
        w = self.world
        ids = [w.city.pk, w.district.pk, w.town_a.pk, w.village_a1.pk, w.grid_a1_1.pk]
        assert w.grid_a1_1.path == "".join(f"{pk:0{SEGMENT_WIDTH}d}/" for pk in ids)
        assert w.grid_a1_1.ancestor_ids() == ids[:-1]
        assert w.grid_a1_1.depth == 5

    def test_it_selects_a_subtree_by_path_range(self) -> None:
        w = self.world
        names = set(Area.objects.within(w.town_a.path).values_list("name", flat=True))
        assert names == {"Dongcheng Town", "Village A1", "Village A2", "Grid A1-1", "Grid A1-2",
                         "Grid A2-1"}

    def test_it_keeps_paths_right_when_a_village_moves(self) -> None:
        w = self.world
        services.move_area(w.village_a2, w.town_b)
        w.grid_a2_1.refresh_from_db()
        w.village_a2.refresh_from_db()
        assert w.village_a2.parent_id == w.town_b.pk
        assert w.grid_a2_1.path.startswith(w.town_b.path)
        assert w.grid_a2_1.path == w.village_a2.path + f"{w.grid_a2_1.pk:0{SEGMENT_WIDTH}d}/"
        assert not Area.objects.within(w.town_a.path).filter(name="Grid A2-1").exists()

    def test_it_keeps_paths_when_an_area_is_renamed(self) -> None:
        w = self.world
        before = w.village_a1.path
        services.update_area(w.village_a1, name="Willow Village", code="420102001009")
        w.village_a1.refresh_from_db()
        assert (w.village_a1.name, w.village_a1.path) == ("Willow Village", before)

    def test_it_refuses_a_move_into_the_own_subtree(self) -> None:
        w = self.world
        with self.assertRaises(ValidationError):
            services.move_area(w.town_a, w.village_a1)

    def test_it_refuses_a_parent_of_the_wrong_level(self) -> None:
        w = self.world
        with self.assertRaises(ValidationError) as caught:
            make_area(w.district, Level.VILLAGE, "420102009001", "Lost Village")
        assert "parent" in caught.exception.message_dict
        with self.assertRaises(ValidationError):
            services.move_area(w.village_a1, w.district)

    def test_it_keeps_a_dated_history_of_risk_levels(self) -> None:
        w = self.world
        change = services.change_risk_level(w.town_a, RiskLevel.HIGH, reason="cluster",
                                            changed_by=w.command)
        w.town_a.refresh_from_db()
        assert w.town_a.risk_level == RiskLevel.HIGH
        assert (change.previous, change.level, change.changed_by) == ("low", "high", w.command)
        assert list(w.town_a.risk_changes.values_list("level", flat=True)) == ["high"]

    def test_it_needs_a_reason_for_a_risk_change(self) -> None:
        with self.assertRaises(ValidationError):
            services.change_risk_level(self.world.town_a, RiskLevel.HIGH, reason=" ",
                                       changed_by=self.world.command)

    def test_it_audits_a_rename_field_by_field(self) -> None:
        w = self.world
        services.update_area(w.village_b1, name="Plum Village")
        entry = AuditEntry.objects.filter(model="areas.Area", object_pk=str(w.village_b1.pk),
                                          action="update").get()
        assert entry.changes == {"name": ["Village B1", "Plum Village"]}
        assert entry.area_path == w.village_b1.path
