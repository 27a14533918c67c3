"""Transmission chains 传播链 and clusters 聚集性疫情: pure algorithms over exposure edges.

Nothing here touches the database: `chain_queries` fetches the edges (one query) and hands them
in, so the algorithms are tested on their own (tests/cases/test_chain_algorithms.py, with
hypothesis). A person is an int id; an unidentified contact is a leaf that has no person id.
"""

from __future__ import annotations

import datetime
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# A connected group of at least this many infected persons is a cluster 聚集性疫情.
CLUSTER_MIN_SIZE = 2
# How deep a chain may be asked for, each way; deeper asks are cut to this.
MAX_GENERATIONS = 10
DEFAULT_GENERATIONS = 3


@dataclass(frozen=True)
class Edge:
    """One exposure: `source` met `contact` (None while the contact is not identified)."""

    id: int
    source: int
    contact: int | None
    exposed_on: datetime.date


@dataclass
class Walk:
    """What a chain walk reached: each person's generation (0 the start, +n downstream, -n
    upstream) and the edges walked, in the order found."""

    generations: dict[int, int] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)


def _index(edges: Iterable[Edge]) -> tuple[dict[int, list[Edge]], dict[int, list[Edge]]]:
    down: dict[int, list[Edge]] = defaultdict(list)
    up: dict[int, list[Edge]] = defaultdict(list)
    for edge in edges:
        down[edge.source].append(edge)
        if edge.contact is not None:
            up[edge.contact].append(edge)
    return down, up


def _bfs(start: int, depth: int, step: Mapping[int, list[Edge]], downstream: bool,
         seen: dict[int, int], walked: dict[int, Edge]) -> None:
    """Breadth first from `start`, `depth` generations one way. A person keeps the generation
    first given (downstream before upstream) but is walked through either way."""
    sign = 1 if downstream else -1
    visited = {start}
    frontier = deque([(start, 0)])
    while frontier:
        person, level = frontier.popleft()
        if level >= depth:
            continue
        for edge in step.get(person, ()):
            walked.setdefault(edge.id, edge)
            other = edge.contact if downstream else edge.source
            if other is None or other in visited:
                continue
            visited.add(other)
            seen.setdefault(other, sign * (level + 1))
            frontier.append((other, level + 1))


def walk(edges: Iterable[Edge], start: int, generations: int) -> Walk:
    """The chain around `start`: whom it infected, and whom they infected, `generations` deep;
    and who infected it, that deep upstream. Cycles end where a person was already reached.

    A person reached both ways keeps its downstream generation. Edges between two reached
    persons that the walk did not take (a second exposure, a cycle) are kept too, so the graph
    shows every known link among its persons; an unidentified contact is a leaf one generation
    below its source, shown down to the last generation.
    """
    generations = max(0, min(generations, MAX_GENERATIONS))
    down, up = _index(edges)
    seen: dict[int, int] = {start: 0}
    walked: dict[int, Edge] = {}
    _bfs(start, generations, down, True, seen, walked)
    _bfs(start, generations, up, False, seen, walked)
    for person in list(seen):
        for edge in down.get(person, ()):
            if edge.contact is not None and edge.contact in seen:
                walked.setdefault(edge.id, edge)
    kept = [edge for edge in walked.values()
            if edge.source in seen and (edge.contact is None or edge.contact in seen)]
    return Walk(generations=seen, edges=sorted(kept, key=lambda e: e.id))


class UnionFind:
    """Disjoint sets with path halving and union by size."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}
        self.size: dict[int, int] = {}

    def add(self, item: int) -> None:
        if item not in self.parent:
            self.parent[item] = item
            self.size[item] = 1

    def find(self, item: int) -> int:
        self.add(item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return
        if self.size[root_a] < self.size[root_b]:
            root_a, root_b = root_b, root_a
        self.parent[root_b] = root_a
        self.size[root_a] += self.size[root_b]


def components(pairs: Iterable[tuple[int, int]], among: Iterable[int] = ()) -> list[list[int]]:
    """The connected components of the persons in `among` and the pairs' ends, each sorted,
    largest first (then by smallest member)."""
    sets = UnionFind()
    for item in among:
        sets.add(item)
    for a, b in pairs:
        sets.union(a, b)
    groups: dict[int, list[int]] = defaultdict(list)
    for item in sets.parent:
        groups[sets.find(item)].append(item)
    found = [sorted(group) for group in groups.values()]
    return sorted(found, key=lambda group: (-len(group), group[0]))


@dataclass(frozen=True)
class Infected:
    """A person with a confirmed or asymptomatic case: when first found, whether confirmed."""

    person: int
    found_on: datetime.date
    confirmed: bool
    area_path: str


@dataclass
class Cluster:
    """A cluster: its persons, how many confirmed, the first and last dates it was found."""

    key: int  # its smallest person id: stable while the cluster only grows
    persons: list[int]
    confirmed: int
    first_on: datetime.date
    last_on: datetime.date
    area_paths: list[str]

    @property
    def size(self) -> int:
        return len(self.persons)

    @property
    def span_days(self) -> int:
        return (self.last_on - self.first_on).days + 1


def clusters(edges: Iterable[Edge], infected: Mapping[int, Infected],
             min_size: int = CLUSTER_MIN_SIZE) -> list[Cluster]:
    """Connected components of the exposures between infected persons, of `min_size` or more.

    An exposure with an end not infected (a close contact who stayed negative) links nothing.
    """
    pairs = [(e.source, e.contact) for e in edges
             if e.contact is not None and e.source in infected and e.contact in infected]
    found = []
    for group in components(pairs):
        if len(group) < min_size:
            continue
        members = [infected[person] for person in group]
        days = [member.found_on for member in members]
        found.append(Cluster(key=group[0], persons=group,
                             confirmed=sum(member.confirmed for member in members),
                             first_on=min(days), last_on=max(days),
                             area_paths=sorted({member.area_path for member in members})))
    return found
