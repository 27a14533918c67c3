from __future__ import annotations

import datetime
import io
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from epigrid.core.identity import parse_id_number, parse_mobile
from epigrid.registry import synthetic

GRIDS = ["420102001001-01", "420102001001-02", "420102002001-01"]


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**32), region=st.sampled_from(synthetic.REGIONS),
       birth=st.dates(datetime.date(1900, 1, 1), datetime.date(2019, 12, 31)),
       sex=st.sampled_from(["male", "female"]))
def test_it_makes_ids_that_always_parse_with_their_birth_date_and_sex(
        seed: int, region: str, birth: datetime.date, sex: str) -> None:
    parsed = parse_id_number(synthetic.valid_id(random.Random(seed), region, birth, sex))
    assert (parsed.region, parsed.birth_date, parsed.sex) == (region, birth, sex)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32), count=st.integers(1, 60))
def test_it_makes_the_same_people_from_the_same_seed(seed: int, count: int) -> None:
    first = list(synthetic.persons(random.Random(seed), GRIDS, count))
    assert first == list(synthetic.persons(random.Random(seed), GRIDS, count))
    assert len(first) == count
    assert len({person["id_number"] for person in first}) == count
    for person in first:
        parsed = parse_id_number(person["id_number"])
        assert (parsed.birth_date, parsed.sex) == (person["birth_date"], person["sex"])
        assert person["grid_code"] in GRIDS and person["name"]
        if person["phone"]:
            assert parse_mobile(person["phone"]) == person["phone"]
        assert (person["returned_on"] is not None) == ("returnee" in person["tags"])


def test_households_keep_their_members_together_with_one_head() -> None:
    people = list(synthetic.persons(random.Random(7), GRIDS, 500))
    households: dict[tuple[str, str], list[dict[str, object]]] = {}
    for person in people:
        households.setdefault((person["grid_code"], person["household_number"]), []).append(
            person)
    assert all(1 <= len(members) <= 5 for members in households.values())
    assert all(members[0]["name"] == members[0]["head_name"] for members in households.values())
    assert len({members[0]["address"] for members in households.values()}) > 1


def test_it_writes_a_roster_with_chinese_headers() -> None:
    target = io.StringIO()
    written = synthetic.write_roster_csv(synthetic.persons(random.Random(1), GRIDS, 3), target)
    lines = target.getvalue().splitlines()
    assert written == 3 and len(lines) == 4
    assert lines[0].split(",")[:3] == ["网格编码", "户号", "地址"]
