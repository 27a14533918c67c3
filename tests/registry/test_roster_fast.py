"""The roster import's fast path decides every row exactly as the full cleaning does.

These tests need no database: the importer's grids and households are set by hand, as prepare()
would load them.
"""

from __future__ import annotations

import datetime
import struct
import unicodedata
from collections import OrderedDict
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg._copy_base import parse_row_binary
from psycopg.adapt import Transformer
from psycopg.pq import Format

from epigrid.core import crypto
from epigrid.core.identity import check_char, mask_id_number, mask_phone, parse_id_number
from epigrid.core.imports.base import CleanRow
from epigrid.core.imports.errors import CellError
from epigrid.core.imports.readers import RawRow
from epigrid.registry import bulk, copy_rows, roster_parsing, roster_rows, roster_writes
from epigrid.registry.copy_rows import TailEncoder
from epigrid.registry.fields import Sealer
from epigrid.registry.importers import RosterImporter
from epigrid.registry.models import Person
from epigrid.registry.roster_rows import TEXT_LIMITS, is_plain

GRIDS = {"420102001001-01": (11, "/1/2/"), "420102001001-02": (12, "/1/3/"),
         "12.0": (13, "/1/4/")}
ID_1 = "42010219900215001" + check_char("42010219900215001")
ID_2 = "42010219920308002" + check_char("42010219920308002")
WRONG = ID_1[:17] + ("1" if ID_1[17] != "1" else "2")
TODAY = datetime.date(2026, 1, 1)
NOW = datetime.datetime(2026, 1, 1, 8, tzinfo=datetime.UTC)

CELLS: dict[str, list[str]] = {
    "grid_code": ["420102001001-01", "420102001001-02", " 420102001001-01", "420102009999-01",
                  "12.0", "12", ""],
    "household_number": ["", "A-1", "B-2", " A-1", "Ａ-1"],
    "address": ["", "No. 1, West Lane", "东街100号", "东街  100号", "x" * 301],
    "head_name": ["", "Liu Yang", "刘洋 "],
    "household_phone": ["", "13700000001", "+86 137 0000 0001", "12345", "137٠٠٠٠٠٠٠١"],
    "name": ["Liu Yang", "刘洋", "", " 刘洋", "刘\u3000洋", "ｌｉｕ", "n" * 101, "Ma Li"],
    "id_number": ["", ID_1, ID_2, WRONG, " " + ID_1, "420102800101004", "4201021990"],
    "phone": ["", "13700000001", "13900000002", "+86 139 0000 0002", "999",
              "139٠٠٠٠٠٠٠٢"],  # Arabic-Indic digits: no phone
    "occupation": ["", "teacher", "\tnurse"],
    "is_medical_staff": ["", "否", "是", "1", "yes", "maybe", "N"],
    "tags": ["", "慢性病", "返乡、孕妇", "VIP", "重点地区返乡人员,独居老人", " "],
    "residency": ["", "常住", "访客", "外来务工", "暂住", "流动人口", "tourist"],
    "returnee_origin": ["", "Wuhan"],
    "returned_on": ["", "2020-01-23", "2020/1/23", "2020年1月24日", "43853", "2020-02-30",
                    "2030-01-01"],
    # A door's location takes its row the full way: both readings must agree on which.
    "latitude": ["", "", "", "30.5928", "91"],
    "longitude": ["", "", "", "114.3055", "east"],
}


def importer(ids: dict[int, int] | None = None) -> RosterImporter:
    made = RosterImporter(None)
    made.today = TODAY
    made.cache = roster_rows.ParsedCells(TODAY)
    made._grids = dict(GRIDS)
    made.clean_grids = {code: found for code, found in GRIDS.items()
                        if roster_rows.is_clean_code(code)}
    made.households = OrderedDict({11: {"#A-1": 101, "@No. 1, West Lane": 102}, 12: {}})
    made.ids = dict(ids or {})
    made.encode_tail = TailEncoder()  # as on PostgreSQL: its tails are checked on SQLite too
    # Liu Yang (ID_2) lives in household 101; a baby without an ID in household 102.
    person = (crypto.keyed_hash(ID_2, "id_number"), 7, 101, 11, "Liu Yang", "", "", "",
              "teacher", False, "resident", "", "", None)
    made.known = {person[0]: person}
    made.unnamed = {(102, "Ma Li"): ("", 8, 102, 11, "Ma Li", "", "", "", "", False,
                                     "resident", "", "", None)}
    return made


def sealers() -> tuple[Sealer, Sealer]:
    return Sealer("id_number", mask_id_number), Sealer("phone", mask_phone)


def decoded(tail: bytes) -> tuple[Any, ...]:
    """A tail's values, as the server would read them."""
    transformer = Transformer()
    transformer.set_loader_types([psycopg.adapters.types.get_oid(name) for name in
                                  bulk.pg_types(Person, copy_rows.TAIL)], Format.BINARY)
    return tuple(parse_row_binary(struct.pack(">h", len(copy_rows.TAIL)) + tail, transformer))


def prepared(made: RosterImporter, row: RawRow) -> RosterImporter:
    _codes, made.parsed, made.ready, made.placed = made._read([row])
    return made


# How many leading values of each column above are in their common clean form.
CLEAN = {"grid_code": 2, "household_number": 3, "address": 3, "head_name": 2,
         "household_phone": 2, "name": 2, "id_number": 3, "phone": 3, "occupation": 2,
         "is_medical_staff": 4, "tags": 3, "residency": 4, "returnee_origin": 2,
         "returned_on": 4, "latitude": 3, "longitude": 3}


@st.composite
def rows(draw: st.DrawFn) -> dict[str, str]:
    """A clean row, with up to three cells of it replaced by any value of their column."""
    values = {name: draw(st.sampled_from(CELLS[name][:CLEAN[name]])) for name in CELLS}
    for name in draw(st.lists(st.sampled_from(list(CELLS)), max_size=3)):
        values[name] = draw(st.sampled_from(CELLS[name]))
    # A file may lack a column: its cells read as empty.
    empty = [name for name in CELLS if not values[name]]
    for name in draw(st.lists(st.sampled_from(empty), max_size=3)) if empty else ():
        values.pop(name, None)
    return values


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=rows(), seen=st.booleans())
def test_a_row_the_fast_path_takes_cleans_as_the_full_path_cleans_it(
        values: dict[str, str], seen: bool) -> None:
    row = RawRow(5, values)
    ids = {int(ID_1[:17]): 2} if seen else {}
    fast_importer, full_importer = prepared(importer(ids), row), prepared(importer(ids), row)
    fast = roster_rows.fast_row(fast_importer, row)
    full = full_importer.full_clean(row)
    if fast is None:
        # Refused, or a cell not in its common form: the full path decides, state untouched.
        assert (fast_importer.ids, fast_importer.pending) == (ids, set())
        return
    assert isinstance(full, CleanRow), full
    # The household's phone, as the writer stores it, whichever way the row was read.
    phone_hashes = [roster_writes.household_phone(clean.data, sealers()[1].seal)[1]
                    for clean in (fast, full)]
    assert phone_hashes[0] == phone_hashes[1]
    if fast.data["person"] is None:
        # Read lean: the person and the sealed forms are in the tail (the phone's stored forms
        # only), the ID is its first 17 digits and its hash.
        assert fast.data["id"] == (int(full.data["id"][0][:17]), full.data["id_hash"])
        assert fast.data["same_phone"] == (full.data["household_phone"]
                                           == full.data["person"][1])
        roster_writes.unpack(fast.data)
        assert fast.data["person"][1] is None
        fast.data.update(id=full.data["id"], same_phone=False, person=(
            fast.data["person"][0], full.data["person"][1], *fast.data["person"][2:]))
    sealed, tail = fast.data.pop("sealed"), fast.data.pop("tail")
    assert (full.data.pop("sealed"), full.data.pop("tail")) == (None, None)
    assert fast.data == full.data
    # The tail encoded ahead holds what the full path's writer would write after the head.
    written = roster_writes.person_row(*sealers(), {**full.data, "sealed": sealed, "tail": None},
                                       101, NOW)
    assert decoded(tail) == written[len(copy_rows.HEAD):]
    assert (fast_importer.ids, fast_importer.pending) == (full_importer.ids,
                                                          full_importer.pending)
    # The ID and phone were sealed ahead as the full path's writer would seal them.
    (id_enc, id_hash, id_masked), (phone_enc, phone_hash, phone_masked) = sealed
    phone = fast.data["person"][1]
    assert (phone_hash, phone_masked) == ((crypto.keyed_hash(phone, "phone"),
                                           mask_phone(phone)) if phone else ("", ""))
    assert crypto.decrypt(phone_enc, "phone") == phone if phone else phone_enc == ""
    if fast.data["id"]:
        value = fast.data["id"][0]
        assert (id_hash, id_masked) == (crypto.keyed_hash(value, "id_number"),
                                        mask_id_number(value))
        assert crypto.decrypt(id_enc, "id_number") == value


def test_the_fast_path_takes_the_common_clean_row() -> None:
    row = RawRow(3, {"grid_code": "420102001001-01", "household_number": "A-1", "name": "刘洋",
                     "id_number": ID_1, "phone": "13700000001", "is_medical_staff": "否",
                     "residency": "常住", "tags": "慢性病", "returned_on": "2020-01-23"})
    made = prepared(importer(), row)
    clean = roster_rows.fast_row(made, row)
    assert clean is not None
    assert clean.data["household"] == ("#A-1", 101, "")
    assert made.ids == {int(ID_1[:17]): 3}
    # Read lean (as on PostgreSQL): the person comes back from its tail when asked for.
    assert clean.data["person"] is None and clean.data["id"] == (int(ID_1[:17]),
                                                                 clean.data["id_hash"])
    roster_writes.unpack(clean.data)
    assert clean.data["person"][0] == "刘洋" and clean.data["person"][5] == ",chronic,"
    assert clean.data["sealed"][1][1] == crypto.keyed_hash("13700000001", "phone")


def test_the_fast_path_leaves_a_phone_in_other_digits_to_the_full_path() -> None:
    row = RawRow(3, {"grid_code": "420102001001-01", "household_number": "A-1", "name": "刘洋",
                     "id_number": ID_1, "phone": "139٠٠٠٠٠٠٠٢"})
    assert roster_rows.fast_row(prepared(importer(), row), row) is None
    assert not isinstance(importer().full_clean(row), CleanRow)


@given(texts=st.lists(st.text(st.characters(blacklist_characters="\x00"), max_size=40),
                      min_size=6, max_size=6))
def test_one_check_of_the_joined_texts_says_what_a_check_of_each_says(
        texts: list[str]) -> None:
    each = all(not text or is_plain(text, limit)
               for text, limit in zip(texts, TEXT_LIMITS.values(), strict=True))
    assert roster_rows._all_plain(texts) == each


@given(st.sampled_from(["  a", "a ", "a  b", "\u3000", "ｌ", "e\u0301", "\u0301"]))
def test_odd_spaces_and_unnormalized_text_are_never_plain(text: str) -> None:
    plain = unicodedata.is_normalized("NFKC", text) and text.strip() == text and \
        "  " not in text and "\u3000" not in text
    assert roster_rows._all_plain([text, "", "", "", "", ""]) == plain


@given(st.text("0123456789", min_size=17, max_size=17), st.sampled_from("0123456789X"))
def test_the_id_fast_check_agrees_with_the_full_parser(first17: str, last: str) -> None:
    text = first17 + last
    try:
        expected: Any = parse_id_number(text, TODAY)
        expected = (expected.value, expected.birth_date, expected.sex)
    except Exception:  # noqa: BLE001 - the full parser's refusal, whatever its kind
        expected = None
    try:
        found: Any = roster_parsing.parse_id(text, TODAY)
    except CellError:
        found = None
    assert found == expected


@given(st.text(max_size=30))
def test_a_sealer_makes_what_crypto_makes(value: str) -> None:
    sealer = Sealer("phone", mask_phone)
    enc, hashed, masked = sealer.seal(value)
    if not value:
        assert (enc, hashed, masked) == ("", "", "")
        return
    assert hashed == crypto.keyed_hash(value, "phone") and masked == mask_phone(value)
    assert crypto.decrypt(enc, "phone") == value and not crypto.needs_rotation(enc)
    with pytest.raises(Exception):  # noqa: B017, PT011 - bound to its field: InvalidTag
        crypto.decrypt(enc, "id_number")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(rows(), min_size=1, max_size=8), seen=st.booleans())
def test_a_batch_cleaned_in_one_loop_is_its_rows_cleaned_in_turn(
        values: list[dict[str, str]], seen: bool) -> None:
    # Rows of one household and repeated IDs meet in a batch: each row sees the ones before.
    batch = [RawRow(number, row) for number, row in enumerate(values, 2)]
    ids = {int(ID_1[:17]): 1} if seen else {}
    at_once, in_turn = importer(ids), importer(ids)
    _codes, at_once.parsed, at_once.ready, at_once.placed = at_once._read(batch)
    in_turn.parsed, in_turn.ready = dict(at_once.parsed), dict(at_once.ready)
    in_turn.placed = dict(at_once.placed)
    assert at_once.clean_rows(batch) == [in_turn.clean_row(row) for row in batch]
    assert (at_once.ids, at_once.pending) == (in_turn.ids, in_turn.pending)
