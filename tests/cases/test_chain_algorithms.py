"""The chain walk and the clusters, as pure functions: checked against a naive reference on
random graphs (hypothesis), and on the shapes that matter (depth, cycles, leaves)."""

from __future__ import annotations

import datetime
from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from epigrid.cases import chains
from epigrid.cases.chains import Edge, Infected

DAY = datetime.date(2020, 2, 1)


def edges_of(pairs: list[tuple[int, int | None]]) -> list[Edge]:
    return [Edge(i + 1, a, b, DAY + datetime.timedelta(days=i)) for i, (a, b) in
            enumerate(pairs)]


def distances(edges: list[Edge], start: int, downstream: bool) -> dict[int, int]:
    """Plain BFS distances one way: the reference the walk is checked against."""
    step: dict[int, list[int]] = defaultdict(list)
    for e in edges:
        if e.contact is not None:
            if downstream:
                step[e.source].append(e.contact)
            else:
                step[e.contact].append(e.source)
    dist = {start: 0}
    queue = [start]
    for person in queue:
        for other in step[person]:
            if other not in dist:
                dist[other] = dist[person] + 1
                queue.append(other)
    return dist


persons = st.integers(min_value=1, max_value=12)
graphs = st.lists(st.tuples(persons, st.one_of(st.none(), persons)).filter(
    lambda pair: pair[0] != pair[1]), max_size=40)


@settings(max_examples=300)
@given(graphs, persons, st.integers(min_value=0, max_value=6))
def test_it_reaches_everyone_within_n_generations_at_their_distance(
        pairs: list[tuple[int, int | None]], start: int, n: int) -> None:
    edges = edges_of(pairs)
    found = chains.walk(edges, start, n)
    down = {p: d for p, d in distances(edges, start, True).items() if d <= n}
    up = {p: d for p, d in distances(edges, start, False).items() if d <= n}
    expected = {**{p: -d for p, d in up.items()}, **down}
    assert found.generations == expected
    # Every link among the persons reached, and the unidentified leaves of those who are not on
    # the last generation downstream.
    expected_edges = {e.id for e in edges if e.source in expected and (
        e.contact in expected if e.contact is not None else down.get(e.source, n) < n)}
    assert {e.id for e in found.edges} == expected_edges


def test_it_walks_a_line_n_generations_each_way() -> None:
    line = edges_of([(i, i + 1) for i in range(1, 10)])  # 1 -> 2 -> ... -> 10
    found = chains.walk(line, 5, 2)
    assert found.generations == {5: 0, 6: 1, 7: 2, 4: -1, 3: -2}
    assert [(e.source, e.contact) for e in found.edges] == [(3, 4), (4, 5), (5, 6), (6, 7)]
    assert chains.walk(line, 5, 0).generations == {5: 0}


def test_it_ends_a_cycle_where_it_began() -> None:
    ring = edges_of([(1, 2), (2, 3), (3, 1)])
    found = chains.walk(ring, 1, 10)
    assert found.generations == {1: 0, 2: 1, 3: 2}
    assert len(found.edges) == 3  # the edge back to the start is shown, not walked again


def test_it_cuts_a_deeper_ask_to_the_maximum() -> None:
    line = edges_of([(i, i + 1) for i in range(1, 30)])
    assert max(chains.walk(line, 1, 99).generations.values()) == chains.MAX_GENERATIONS


def test_it_shows_an_unidentified_contact_as_a_leaf() -> None:
    found = chains.walk(edges_of([(1, 2), (2, None), (1, None)]), 1, 1)
    assert found.generations == {1: 0, 2: 1}
    assert [(e.source, e.contact) for e in found.edges] == [(1, 2), (1, None)]


def infected(*persons: int, confirmed: tuple[int, ...] = (), day: int = 0) -> dict[int, Infected]:
    return {p: Infected(p, DAY + datetime.timedelta(days=day + p), p in confirmed, f"/{p % 2}/")
            for p in persons}


def test_it_finds_clusters_of_two_or_more_infected_persons() -> None:
    edges = edges_of([(1, 2), (2, 3), (4, 5), (6, 7), (3, 8), (9, None)])
    # 7 and 8 are contacts who stayed negative: they link nothing.
    found = chains.clusters(edges, infected(1, 2, 3, 4, 5, 6, 9, confirmed=(1, 3, 5)))
    assert [(c.key, c.persons, c.confirmed) for c in found] == [(1, [1, 2, 3], 2),
                                                                (4, [4, 5], 1)]
    first = found[0]
    assert (first.first_on, first.last_on, first.span_days) == (
        DAY + datetime.timedelta(days=1), DAY + datetime.timedelta(days=3), 3)
    assert first.area_paths == ["/0/", "/1/"]
    assert chains.CLUSTER_MIN_SIZE == 2
    assert [c.key for c in chains.clusters(edges, infected(1, 2, 3, 4, 5), min_size=3)] == [1]


@settings(max_examples=300)
@given(st.lists(st.tuples(persons, persons), max_size=40), st.sets(persons, max_size=12))
def test_it_partitions_persons_into_connected_components(pairs: list[tuple[int, int]],
                                                         among: set[int]) -> None:
    groups = chains.components(pairs, among)
    everyone = among | {p for pair in pairs for p in pair}
    members = [p for group in groups for p in group]
    assert sorted(members) == sorted(everyone)  # each person in exactly one group
    where = {p: i for i, group in enumerate(groups) for p in group}
    for a, b in pairs:
        assert where[a] == where[b]
    # Each group is connected: a walk over its own pairs reaches all of it.
    for group in groups:
        reached = distances(edges_of([(a, b) for a, b in pairs if a in group] +
                                     [(b, a) for a, b in pairs if a in group]), group[0], True)
        assert set(reached) == set(group)
    assert [len(g) for g in groups] == sorted((len(g) for g in groups), reverse=True)
