"""The demo world as planned (no database): counts, codes, names, and the seed's determinism."""

from __future__ import annotations

import random
import re
from collections import Counter

from django.test import SimpleTestCase

from epigrid.demo.plan import plan, split
from epigrid.demo.sites import checkpoint_kinds
from epigrid.demo.specs import Plan

STATISTICAL = re.compile(r"^\d{12}$")
# How many leading digits a code shares with its parent's code, by the child's level.
PARENT_PREFIX = {2: 4, 3: 6, 4: 9}


def parent_of(p: Plan, level: int, index: int) -> str:
    parent = p.levels[level][index].parent
    assert parent is not None
    return p.levels[level - 1][parent].code


class PlanCountTests(SimpleTestCase):
    def test_it_plans_the_district_with_the_counts_of_the_issue(self) -> None:
        summary = plan("district", 2020).summary()
        assert (summary["districts"], summary["towns"], summary["villages"], summary["grids"],
                summary["checkpoints"], summary["warehouses"]) == (1, 17, 274, 3000, 1028, 20)
        assert 400_000 <= int(str(summary["population"])) <= 600_000

    def test_it_plans_the_district_facilities_one_fever_clinic_per_town(self) -> None:
        p = plan("district", 2020)
        kinds = Counter(site.kind for site in p.sites if site.model == "facility")
        assert kinds == {"designated_hospital": 3, "shelter_hospital": 2, "fever_clinic": 17,
                         "quarantine_site": 20, "nursing_home": 30, "market": 40}
        clinic_towns = [site.area for site in p.sites if site.kind == "fever_clinic"]
        assert sorted(clinic_towns) == list(range(17))

    def test_it_plans_checkpoints_of_the_four_kinds_on_villages(self) -> None:
        p = plan("district", 2020)
        checkpoints = [site for site in p.sites if site.model == "checkpoint"]
        assert Counter(site.kind for site in checkpoints) == {
            "community_gate": 616, "road": 257, "persuasion_return": 134, "station": 21}
        assert {site.level for site in checkpoints} == {4}

    def test_it_plans_the_city_with_the_counts_of_the_issue(self) -> None:
        summary = plan("city", 2020).summary()
        assert (summary["districts"], summary["towns"], summary["villages"],
                summary["grids"]) == (13, 200, 3200, 32_000)
        assert 9_000_000 <= int(str(summary["population"])) <= 13_000_000

    def test_it_plans_the_tiny_tree_evenly(self) -> None:
        p = plan("tiny", 1)
        assert [len(p.levels[level]) for level in range(1, 6)] == [1, 1, 2, 6, 18]
        assert Counter(village.parent for village in p.levels[4]) == {0: 3, 1: 3}
        assert set(Counter(grid.parent for grid in p.levels[5]).values()) == {3}
        assert Counter(site.kind for site in p.sites if site.model == "checkpoint") == {
            "road": 1, "station": 1, "persuasion_return": 1, "community_gate": 1}

    def test_it_refuses_an_unknown_scale(self) -> None:
        with self.assertRaisesMessage(ValueError, "unknown scale 'province'"):
            plan("province", 1)


class PlanShapeTests(SimpleTestCase):
    p: Plan

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.p = plan("district", 2020)

    def test_it_gives_every_area_a_valid_code_under_its_parent(self) -> None:
        p = self.p
        assert p.levels[1][0].code == "420100000000"
        for level, digits in PARENT_PREFIX.items():
            for index, spec in enumerate(p.levels[level]):
                assert STATISTICAL.match(spec.code), spec.code
                assert spec.code[:digits] == parent_of(p, level, index)[:digits]
                assert spec.code[digits:].strip("0") != ""  # its own number is not zero
        for index, grid in enumerate(p.levels[5]):
            assert re.fullmatch(rf"{parent_of(p, 5, index)}-\d\d", grid.code), grid.code

    def test_it_never_repeats_a_code_or_a_sibling_name(self) -> None:
        p = self.p
        codes = [spec.code for level in range(1, 6) for spec in p.levels[level]]
        assert len(codes) == len(set(codes))
        site_codes = [site.code for site in p.sites]
        assert len(site_codes) == len(set(site_codes))
        for level in range(2, 6):
            siblings = Counter((spec.parent, spec.name) for spec in p.levels[level])
            assert max(siblings.values()) == 1

    def test_it_sums_population_and_households_up_the_tree(self) -> None:
        p = self.p
        for level in range(1, 5):
            for index, spec in enumerate(p.levels[level]):
                children = [c for c in p.levels[level + 1] if c.parent == index]
                assert spec.population == sum(c.population for c in children)
                assert spec.households == sum(c.households for c in children)
        assert all(grid.population > grid.households > 0 for grid in p.levels[5])

    def test_it_names_places_in_chinese_with_their_kind(self) -> None:
        p = self.p
        assert p.levels[2][0].name.endswith("区")
        assert all(town.name.endswith(("街道", "镇", "乡")) for town in p.levels[3])
        assert all(village.name.endswith(("村", "社区")) for village in p.levels[4])
        assert all("网格" in grid.name for grid in p.levels[5])


class DeterminismTests(SimpleTestCase):
    def test_it_plans_the_same_world_from_the_same_seed(self) -> None:
        assert plan("district", 7).fingerprint() == plan("district", 7).fingerprint()

    def test_it_plans_another_world_from_another_seed(self) -> None:
        one, other = plan("district", 7), plan("district", 8)
        assert one.fingerprint() != other.fingerprint()
        assert [t.name for t in one.levels[3]] != [t.name for t in other.levels[3]]


class SplitTests(SimpleTestCase):
    def test_it_shares_exactly_the_total_with_at_least_half_the_mean_each(self) -> None:
        rng = random.Random(3)
        for total, parts in [(274, 17), (3000, 274), (3200, 200), (7, 7), (18, 6)]:
            shares = split(total, parts, rng, 0.5)
            assert sum(shares) == total and len(shares) == parts
            assert min(shares) >= max(1, total // parts // 2)

    def test_it_refuses_too_few_checkpoints_for_the_four_kinds(self) -> None:
        assert sum(checkpoint_kinds(1028).values()) == 1028
        with self.assertRaises(ValueError):
            checkpoint_kinds(2)
