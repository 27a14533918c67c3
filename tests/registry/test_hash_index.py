"""The persons of a scope by ID hash, in memory: the same answers as the database's probes."""

from __future__ import annotations

import os

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from epigrid.cases.lab_bulk import persons_by_hash
from epigrid.core import crypto
from epigrid.registry import services
from epigrid.registry.hash_index import AMBIGUOUS, PersonHashIndex, PersonMatcher
from tests.base import ID_A, ID_A2, ID_B, BaseTestCase
from tests.cases.lab_helpers import ID_NOBODY


def hash_of(id_number: str) -> str:
    return crypto.keyed_hash(id_number, "id_number")


class HashIndexTests(BaseTestCase):
    def setUp(self) -> None:
        w = self.world
        # ID_A2 also in another household of town A: a duplicate awaiting resolution.
        elm = services.create_household(grid=w.grid_a1_2, address="No. 1, Elm Row")
        services.create_person(grid=w.grid_a1_2, household=elm, name="Wang Lei",
                               id_number=ID_A2)
        self.asked = {hash_of(n) for n in (ID_A, ID_A2, ID_B, ID_NOBODY)}

    def test_it_answers_what_the_probes_answer_for_every_scope(self) -> None:
        w = self.world
        for path, unrestricted in ((None, True), (w.town_a.path, False),
                                   (w.town_b.path, False), (w.grid_a1_1.path, False)):
            with self.subTest(path=path):
                index = PersonHashIndex.load(path, unrestricted)
                self.assertEqual(index.find(self.asked),
                                 persons_by_hash(self.asked, path, unrestricted))

    def test_it_matches_a_person_and_no_one_for_a_shared_id(self) -> None:
        w = self.world
        found = PersonHashIndex.load(w.town_a.path, False).find(self.asked)
        self.assertEqual(found, {hash_of(ID_A): (w.person_a.pk, w.person_a.area_path),
                                 hash_of(ID_A2): None})

    def test_it_holds_nobody_for_a_user_without_a_scope(self) -> None:
        index = PersonHashIndex.load(None, False)
        self.assertEqual((len(index), index.find(self.asked)), (0, {}))

    def test_it_reads_the_index_once_the_sheet_is_big_beside_the_scope(self) -> None:
        w = self.world
        probed: list[int] = []

        def probe(hashes: set[str]) -> dict[str, tuple[int, str] | None]:
            probed.append(len(hashes))
            return persons_by_hash(hashes, w.town_a.path, False)

        # Town A holds 3 persons with an ID: the index is read once 2 IDs were asked for.
        matcher = PersonMatcher(w.town_a.path, False, probe, after=2, share=0.5, most=10)
        first = matcher.find({hash_of(ID_A)})
        self.assertIsNone(matcher.index)
        with self.assertNumQueries(2):  # counting the scope's persons, then reading them
            second = matcher.find({hash_of(ID_A2)})
        with self.assertNumQueries(0):
            third = matcher.find(self.asked)
        self.assertEqual(probed, [1])
        self.assertEqual((first, second), ({hash_of(ID_A): (w.person_a.pk, w.person_a.area_path)},
                                           {hash_of(ID_A2): None}))
        self.assertEqual(third, persons_by_hash(self.asked, w.town_a.path, False))

    def test_it_keeps_probing_a_scope_too_big_to_hold(self) -> None:
        matcher = PersonMatcher(self.world.town_a.path, False,
                                lambda hashes: {}, after=1, share=0.0, most=2)
        matcher.find(self.asked)
        matcher.find(self.asked)
        self.assertEqual((matcher.persons, matcher.index), (3, None))

    def test_it_only_says_when_to_read_the_index_without_a_probe(self) -> None:
        matcher = PersonMatcher(self.world.town_a.path, False, after=2, share=0.5, most=10)
        self.assertIsNone(matcher.index_for(1))
        self.assertEqual(len(matcher.index_for(1) or []), 3)
        with self.assertRaises(TypeError):
            matcher.find(self.asked)

    def test_it_reads_the_index_at_once_when_asked_unless_the_scope_is_too_big(self) -> None:
        matcher = PersonMatcher(self.world.town_a.path, False, after=100, share=1.0, most=10)
        self.assertEqual(len(matcher.read_now() or []), 3)
        self.assertEqual(matcher.asked, 0)
        too_big = PersonMatcher(self.world.town_a.path, False, after=2, most=2)
        self.assertIsNone(too_big.read_now())
        self.assertEqual(too_big.persons, 3)


def index_of(keys: list[bytes]) -> PersonHashIndex:
    """An index of these keys (persons 1, 2, ... in this order), as load() builds it."""
    array = np.array(keys, dtype="S32")
    order = np.argsort(array, kind="stable")
    ids = np.arange(1, len(keys) + 1, dtype=np.int64)[order]
    array = array[order]
    shared = array[1:] == array[:-1]
    ids[1:][shared] = AMBIGUOUS
    ids[:-1][shared] = AMBIGUOUS
    return PersonHashIndex(array, ids, np.zeros(len(keys), np.int32), ["/1/"])


# Keys that often share their first 8 bytes (the index searches by those first), end in zero
# bytes, or repeat (one ID in two persons).
prefix = st.sampled_from([b"\x00" * 8, b"\xff" * 8, b"\x12" * 8, os.urandom(8)])
key = st.one_of(st.binary(min_size=32, max_size=32),
                st.builds(lambda head, tail: head + tail, prefix,
                          st.binary(min_size=24, max_size=24)),
                st.builds(lambda head: head + b"\x00" * 24, prefix))


@settings(max_examples=200, deadline=None)
@given(keys=st.lists(key, max_size=60), others=st.lists(key, max_size=20))
def test_it_finds_exactly_the_keys_it_holds(keys: list[bytes], others: list[bytes]) -> None:
    index = index_of(keys)
    expected: dict[str, tuple[int, str] | None] = {}
    for number, value in enumerate(keys, start=1):
        expected[value.hex()] = None if value.hex() in expected else (number, "/1/")
    found = index.find([value.hex() for value in keys + others])
    assert found == expected
