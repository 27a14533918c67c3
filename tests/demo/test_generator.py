"""Writing the demo world: exact rows at tiny scale, the district's counts, paths and sums.

These start from an empty database (django's TestCase, not the persona world of tests.base),
because the generator fills only a database without areas; the refusal is tested on that world.
"""

from __future__ import annotations

from io import StringIO

from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.test import TestCase

from epigrid.areas.models import Area, Checkpoint, Facility, Level, Warehouse, path_segment
from epigrid.core.models import AuditEntry
from epigrid.demo.generator import AUDIT_MODEL, DatabaseNotEmptyError, generate
from epigrid.demo.plan import plan
from tests.base import BaseTestCase

Row = tuple[object, ...]


def area_rows() -> list[Row]:
    return list(Area.objects.order_by("code").values_list(
        "level", "code", "name", "population", "households", "latitude", "longitude",
        "parent__code"))


def site_rows() -> list[Row]:
    rows: list[Row] = []
    for model in (Checkpoint, Facility, Warehouse):
        rows += model.objects.order_by("code").values_list(
            "code", "name", "area__code", "address", "latitude", "longitude", "phone")
    return rows


def planned_area_rows(scale: str, seed: int) -> list[Row]:
    p = plan(scale, seed)
    rows = []
    for level in range(1, 6):
        for spec in p.levels[level]:
            parent = p.levels[level - 1][spec.parent].code if spec.parent is not None else None
            rows.append((level, spec.code, spec.name, spec.population, spec.households,
                         spec.latitude, spec.longitude, parent))
    return sorted(rows, key=lambda row: str(row[1]))


def wipe() -> None:
    for model in (Checkpoint, Facility, Warehouse):
        model.objects.all().delete()
    for level in (5, 4, 3, 2, 1):
        Area.objects.filter(level=level).delete()


class TinyGenerationTests(TestCase):
    def test_it_writes_exactly_the_tiny_tree_and_its_sites(self) -> None:
        summary = generate("tiny", 2020)
        counts = [Area.objects.filter(level=level).count() for level in Level]
        assert counts == [1, 1, 2, 6, 18]
        assert (Checkpoint.objects.count(), Facility.objects.count(),
                Warehouse.objects.count()) == (4, 7, 2)
        assert set(Checkpoint.objects.values_list("kind", flat=True)) == set(Checkpoint.Kind)
        assert set(Checkpoint.objects.values_list("area__level", flat=True)) == {Level.VILLAGE}
        assert (summary["grids"], summary["checkpoints"]) == (18, 4)

    def test_it_writes_the_rows_it_planned(self) -> None:
        generate("tiny", 11)
        assert area_rows() == planned_area_rows("tiny", 11)

    def test_it_writes_the_same_rows_from_the_same_seed_twice(self) -> None:
        generate("district", 5)
        first_areas, first_sites = area_rows(), site_rows()
        wipe()
        generate("district", 5)
        assert area_rows() == first_areas
        assert site_rows() == first_sites
        assert len(first_sites) == 1028 + 112 + 20

    def test_it_writes_each_path_as_the_parent_path_and_its_own_id(self) -> None:
        generate("tiny", 2020)
        paths = dict(Area.objects.values_list("pk", "path"))
        for pk, parent_id, path in Area.objects.values_list("pk", "parent_id", "path"):
            own = path_segment(pk)
            assert path == (paths[parent_id] if parent_id else "") + own
        town = Area.objects.filter(level=Level.TOWN).first()
        assert town is not None
        assert Area.objects.within(town.path).count() == 1 + 3 + 9

    def test_it_stores_each_area_as_the_sum_of_its_children(self) -> None:
        generate("tiny", 2020)
        for area in Area.objects.exclude(level=Level.GRID):
            sums = Area.objects.filter(parent=area).aggregate(p=Sum("population"),
                                                              h=Sum("households"))
            assert (area.population, area.households) == (sums["p"], sums["h"])
        grids = Area.objects.filter(level=Level.GRID).aggregate(p=Sum("population"))
        assert Area.objects.get(level=Level.CITY).population == grids["p"] > 0

    def test_it_logs_one_audit_entry_not_one_per_row(self) -> None:
        generate("tiny", 2020)
        entry = AuditEntry.objects.get()
        assert (entry.model, entry.action, entry.object_repr) == (
            AUDIT_MODEL, "import", "demo tiny seed 2020")
        assert entry.changes["grids"] == [None, 18]


class DistrictGenerationTests(TestCase):
    def test_it_generates_the_district_with_the_issue_counts_quickly(self) -> None:
        out = StringIO()
        call_command("demo_data", "--scale", "district", "--seed", "2020", "--no-residents",
                     stdout=out)
        counts = [Area.objects.filter(level=level).count() for level in Level]
        assert counts == [1, 1, 17, 274, 3000]
        assert Checkpoint.objects.count() == 1028
        assert Facility.objects.filter(kind=Facility.Kind.FEVER_CLINIC).count() == 17
        assert Warehouse.objects.count() == 20
        assert "17 towns, 274 villages, 3000 grids, 1028 checkpoints" in out.getvalue()
        seconds = float(out.getvalue().split(" in ")[1].split(" s")[0])
        assert seconds < 30


class RefusalTests(BaseTestCase):
    def test_it_refuses_to_generate_into_a_database_with_areas(self) -> None:
        before = Area.objects.count()
        with self.assertRaisesMessage(DatabaseNotEmptyError, f"already has {before} areas"):
            generate("tiny", 1)
        with self.assertRaisesMessage(CommandError, "only into a database without areas"):
            call_command("demo_data", "--scale", "tiny", stdout=StringIO())
        assert Area.objects.count() == before
        assert not AuditEntry.objects.filter(model=AUDIT_MODEL).exists()

    def test_it_refuses_an_unknown_scale_on_the_command_line(self) -> None:
        with self.assertRaisesMessage(CommandError, "invalid choice: 'province'"):
            call_command("demo_data", "--scale", "province", stdout=StringIO())
