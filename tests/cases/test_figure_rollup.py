"""The roll-up of leaf figures up the area tree, and the serial-interval parser, by property."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from epigrid.areas.models import path_segment
from epigrid.cases import rt
from epigrid.cases.figures import roll_up

# Paths of a small tree: 1 city, 2 districts, 2 towns each, 3 grids each (any node holds records).
CITY = path_segment(1)
NODES = [CITY]
for d in (2, 3):
    district = CITY + path_segment(d)
    NODES.append(district)
    for t in (1, 2):
        town = district + path_segment(d * 10 + t)
        NODES += [town, *(town + path_segment(d * 100 + t * 10 + g) for g in (1, 2, 3))]
leaf_sets = st.dictionaries(st.sampled_from(NODES), st.dictionaries(
    st.sampled_from(["new_confirmed", "current_fever", "tests_done"]),
    st.integers(min_value=-50, max_value=500), max_size=3), max_size=12)


@settings(max_examples=100, deadline=None)
@given(leaf_sets)
def test_it_gives_every_area_the_sum_of_its_subtree(leaves: dict[str, dict[str, int]]) -> None:
    summed = roll_up(leaves, "")
    for node in NODES:
        for code in ("new_confirmed", "current_fever", "tests_done"):
            expected = sum(figures.get(code, 0) for path, figures in leaves.items()
                           if path.startswith(node))
            assert summed.get(node, {}).get(code, 0) == expected


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=30)
       .filter(lambda weights: sum(weights) > 0))
def test_it_reads_back_any_list_of_probabilities(weights: list[int]) -> None:
    probabilities = [0.0] + [w / sum(weights) for w in weights]
    spec = ",".join(repr(p) for p in probabilities)
    assert rt.parse_serial_interval(spec) == tuple(probabilities)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=30))
def test_it_parses_or_says_why_never_crashes(spec: str) -> None:
    try:
        weights = rt.parse_serial_interval(spec)
    except rt.SerialIntervalError as error:
        assert str(error)
    else:
        assert weights[0] == 0 and all(w >= 0 for w in weights)
