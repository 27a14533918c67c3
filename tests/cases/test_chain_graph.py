"""Transmission chains and clusters read from the database: the one recursive query agrees with
the pure walk, persons outside the user's area stay anonymous, and the query count is flat."""

from __future__ import annotations

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from epigrid.cases import chain_queries, chains, services
from epigrid.cases.models import Exposure
from epigrid.cases.states import State
from tests.base import BaseTestCase, World
from tests.cases.contact_helpers import days_ago, exposure, infected, resident


class CrossTownChain(BaseTestCase):
    """Wang Jun (town A) met Zhao Min (town B), who met Sun Li (town A) and an unknown driver;
    Sun Li met Wang Lei (town A)."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        cls.case_a = infected(w.person_a)
        cls.case_b = infected(w.person_b, State.ASYMPTOMATIC)
        cls.case_v = infected(w.visitor_a)
        cls.case_a2 = services.open_case(w.person_a2, State.CLOSE_CONTACT, reason="traced")
        exposure(w.person_a, w.person_b, days=6)
        exposure(w.person_b, w.visitor_a, days=4)
        exposure(w.person_b, None, days=4, name="Taxi driver Liu")
        exposure(w.visitor_a, w.person_a2, days=2)


class ChainGraphTests(CrossTownChain):
    def graph(self, user: object, case: object, n: int = 3) -> dict:
        return chain_queries.chain_graph(user, case, n)  # type: ignore[arg-type]

    def test_it_gives_every_person_their_generation_and_state(self) -> None:
        w = self.world
        graph = self.graph(w.command, self.case_b)
        nodes = {n["name"]: (n["generation"], n["state"], n["outside"]) for n in graph["nodes"]}
        self.assertEqual(nodes, {
            "Zhao Min": (0, "asymptomatic", False), "Wang Jun": (-1, "confirmed", False),
            "Sun Li": (1, "confirmed", False), "Wang Lei": (2, "close_contact", False),
            "Taxi driver Liu": (1, "unidentified", False)})
        self.assertEqual(len(graph["edges"]), 4)
        start = next(n for n in graph["nodes"] if n["start"])
        self.assertEqual((start["id"], start["case_id"]), (f"p{w.person_b.pk}", self.case_b.pk))

    def test_it_stops_at_the_generations_asked(self) -> None:
        names = {n["name"] for n in self.graph(self.world.command, self.case_a, 1)["nodes"]}
        self.assertEqual(names, {"Wang Jun", "Zhao Min"})

    def test_it_shows_persons_of_another_town_without_name_grid_or_case(self) -> None:
        w = self.world
        graph = self.graph(w.bob, self.case_b)
        text = json.dumps(graph, ensure_ascii=False)
        for secret in ("Wang Jun", "Sun Li", "Wang Lei", "Grid A1"):
            self.assertNotIn(secret, text)
        self.assertEqual({n["case_id"] for n in graph["nodes"]}, {self.case_b.pk, None})
        outside = [n for n in graph["nodes"] if n["outside"]]
        self.assertEqual(len(outside), 3)
        for node in outside:
            self.assertEqual((node["name"], node["case_id"], node["grid"]),
                             ("Outside your area", None, ""))
            self.assertTrue(node["id"].startswith("o"))
        # Their states stay: Bob learns his case came from a confirmed case outside his town.
        self.assertEqual(sorted(n["generation"] for n in outside), [-1, 1, 2])
        self.assertIn("Taxi driver Liu", text)  # Zhao Min's own contact, recorded in town B

    def test_it_hides_the_unidentified_contact_of_an_outside_source(self) -> None:
        graph = self.graph(self.world.alice, self.case_a)
        text = json.dumps(graph, ensure_ascii=False)
        self.assertNotIn("Taxi driver Liu", text)
        self.assertNotIn("Zhao Min", text)
        self.assertIn("Sun Li", text)  # the chain comes back into town A: named again
        ids = [n["id"] for n in graph["nodes"]]
        self.assertEqual(len(ids), len(set(ids)))
        self.assertTrue({e["source"] for e in graph["edges"]} <= set(ids))
        self.assertTrue({e["target"] for e in graph["edges"]} <= set(ids))

    def test_it_costs_the_same_few_queries_for_a_longer_chain(self) -> None:
        w = self.world
        with CaptureQueriesContext(connection) as short:
            self.graph(w.command, self.case_a, 1)
        previous = w.person_a2
        for i in range(8):
            person = resident(w.grid_a2_1, f"Chain {i}")
            exposure(previous, person, days=1)
            previous = person
        with CaptureQueriesContext(connection) as long:
            graph = self.graph(w.command, self.case_a, 10)
        # Wang Jun, Zhao Min, the driver, Sun Li, Wang Lei and 7 of the 8 new links (the 8th is
        # the 11th generation).
        self.assertEqual(len(graph["nodes"]), 12)
        self.assertEqual(max(n["generation"] for n in graph["nodes"]), 10)
        self.assertEqual(len(long.captured_queries), len(short.captured_queries))
        self.assertEqual(len(long.captured_queries), 3)  # exposures, persons, their cases


class ClusterTests(CrossTownChain):
    def test_it_finds_the_cluster_of_the_infected_and_leaves_out_contacts(self) -> None:
        w = self.world
        with self.assertNumQueries(3):
            found = chain_queries.clusters_for(w.command)
        self.assertEqual(len(found), 1)
        cluster = found[0].cluster
        self.assertEqual(set(cluster.persons), {w.person_a.pk, w.person_b.pk, w.visitor_a.pk})
        self.assertEqual((cluster.size, cluster.confirmed), (3, 2))
        names = {area.name for area in found[0].areas}
        self.assertEqual(names, {"Dongcheng Town", "Xihe Town", "Village A1", "Village B1"})

    def test_it_shows_a_town_only_its_own_part(self) -> None:
        w = self.world
        # Seen from town A, the exposures recorded there link Wang Jun only to Zhao Min of town
        # B, whom town A does not count: no cluster, and no name of town B.
        self.assertEqual(chain_queries.clusters_for(w.alice), [])
        exposure(w.person_a, w.visitor_a, days=3)
        found = chain_queries.clusters_for(w.alice)
        self.assertEqual([v.cluster.persons for v in found],
                         [sorted([w.person_a.pk, w.visitor_a.pk])])
        self.assertEqual({a.name for a in found[0].areas}, {"Dongcheng Town", "Village A1"})
        self.assertIsNone(chain_queries.cluster_of(w.bob, w.person_a.pk))

    def test_it_lists_the_close_contacts_to_quarantine(self) -> None:
        w = self.world
        waiting = list(chain_queries.to_quarantine(w.alice))
        self.assertEqual([(c.person, c.last_exposed) for c in waiting],
                         [(w.person_a2, days_ago(2))])
        self.assertEqual(list(chain_queries.to_quarantine(w.bob)), [])
        self.assertEqual([e.contact_name for e in chain_queries.to_identify(w.bob)],
                         ["Taxi driver Liu"])
        self.assertEqual(list(chain_queries.to_identify(w.alice)), [])


class ReachQueryTests(HypothesisTestCase):
    """The recursive query fetches every edge the walk needs, on random graphs."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = World()
        cls.persons = [resident(cls.world.grid_a1_1, f"P{i}") for i in range(8)]

    @settings(max_examples=25, deadline=None)
    @given(st.lists(st.tuples(st.integers(0, 7), st.one_of(st.none(), st.integers(0, 7)))
                    .filter(lambda pair: pair[0] != pair[1]), max_size=20),
           st.integers(0, 7), st.integers(0, 4))
    def test_it_agrees_with_the_walk_over_every_edge(self, pairs: list[tuple[int, int | None]],
                                                     start: int, n: int) -> None:
        Exposure.objects.all().delete()
        people = self.persons
        for a, b in pairs:
            exposure(people[a], None if b is None else people[b], name="x" if b is None else "")
        everything = [chains.Edge(pk, s, c, d) for pk, s, c, d in Exposure.objects.values_list(
            "pk", "source_id", "contact_id", "exposed_on")]
        fetched = [edge for edge, _s, _n in chain_queries.chain_edges(people[start].pk, n)]
        self.assertEqual(chains.walk(fetched, people[start].pk, n),
                         chains.walk(everything, people[start].pk, n))
