"""Importers of the cases app, registered with the core import framework.

`lab_results`: a lab's sheet of nucleic-acid results 核酸检测结果, one sample a row. A row is
refused (naming the column and why) for an unknown lab, a bad ID number, an impossible or
future time, a result time before the sample time, an unknown result, a sample id given twice
in the file, or a sample whose stored final result differs; the other rows go in. Resending a
sheet changes nothing ("unchanged"); a pending sample sent again with its result is updated.

The hot path handles plain tuples: each batch is matched in one query by ID hash and its stored
samples fetched in one query, written in bulk (lab_bulk), and only positive matched rows run the
positive workflow.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Sequence
from functools import cached_property
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from epigrid.cases import lab_bulk
from epigrid.cases.lab_parsing import check_times, parse_result, parse_time
from epigrid.cases.labs import NAME_MAX, SAMPLE_ID_MAX
from epigrid.cases.models import Lab, LabTest
from epigrid.core.access import Capability
from epigrid.core.identity import mask_id_number
from epigrid.core.imports import parsers
from epigrid.core.imports.base import (
    INVALID,
    Cells,
    CleanRow,
    Importer,
    Pending,
    WriteResult,
)
from epigrid.core.imports.errors import RowError
from epigrid.core.imports.readers import ImportColumn, RawRow
from epigrid.registry import roster_parsing
from epigrid.registry.fields import Sealer
from epigrid.registry.hash_index import PersonMatcher
from epigrid.registry.services import ID_FIELD

R = LabTest.Result
M = LabTest.Match
_UNSEALED = ("", "", "")
# What a batch's ID cell gave: (ID, ciphertext, keyed hash, masked form), or its error.
Parsed = tuple[str, str, str, str] | parsers.CellError
TIMES_KEPT = 20_000  # distinct time texts remembered at once (a three-day sheet has ~8,000)


def _column(name: str, label: str, aliases: tuple[str, ...], required: bool = False
            ) -> ImportColumn:
    return ImportColumn(name, gettext_lazy(label), aliases, required)


LAB_COLUMNS = (
    _column("sample_id", "sample id", ("样本编号", "样本号", "样本条码", "条码号", "sample"),
            required=True),
    _column("id_number", "ID number", ("身份证号", "身份证号码", "身份证", "证件号码", "id")),
    _column("name", "name", ("姓名", "受检者姓名", "名字")),
    _column("sampled_at", "sample time", ("采样时间", "采样日期", "采集时间", "sampled"),
            required=True),
    _column("resulted_at", "result time", ("检测时间", "结果时间", "报告时间", "resulted")),
    _column("result", "result", ("检测结果", "结果", "核酸结果"), required=True),
    _column("lab_code", "lab code", ("检测机构编码", "实验室编码", "机构编码", "检测机构",
                                     "lab"), required=True),
)


class LabResultImporter(Importer):
    name = "lab_results"
    label = gettext_lazy("Lab results (nucleic-acid tests)")
    model = LabTest
    columns = LAB_COLUMNS
    capability = Capability.LAB_RESULTS
    masked_columns = {"id_number": mask_id_number}

    # A sheet that has asked for 100,000 IDs, a tenth of its scope's registry or more, is
    # matched from memory from then on (registry.hash_index): cheaper than a probe per ID.
    index_after = 100_000
    index_share = 0.1

    def __init__(self, user: Any) -> None:
        super().__init__(user)
        # One zone object for every time of the run: parsing skips the per-cell look-up, and
        # times sharing their tzinfo compare without computing offsets.
        self.zone = timezone.get_current_timezone()
        self.now = timezone.localtime(timezone.now(), self.zone)
        self.today = self.now.date()
        self._labs: dict[str, tuple[int, str]] | None = None  # code -> (id, area path)
        # hash((lab id, sample id)) -> its row: finds repeats in the file in ~100 bytes/row.
        self._samples: dict[int, int] = {}
        self._parsed: dict[int, Parsed] = {}  # row -> (ID, *sealed) or the ID's error
        self._ahead: dict[tuple[int, int], dict[int, Parsed]] = {}  # read_ahead()'s batches
        self._persons: dict[str, tuple[int, str] | None] = {}
        self._matcher = PersonMatcher(self.scope_path, self.unrestricted, self._probe,
                                      after=self.index_after, share=self.index_share)
        self._stored: dict[tuple[int, str], lab_bulk.Stored] = {}
        self.positives: list[tuple[int, str]] = []  # written this run, for the caller to count
        self._times: dict[str, datetime.datetime] = {}  # raw text -> parsed time (see _time)

    @cached_property
    def id_sealer(self) -> Sealer:  # made on first use: a missing key fails inside the run
        return Sealer(ID_FIELD, mask_id_number)

    # --- what a batch refers to ------------------------------------------------------------

    def _lab_map(self) -> dict[str, tuple[int, str]]:
        if self._labs is None:
            labs = Lab.objects.all()
            if not self.unrestricted:
                labs = labs.within(self.scope_path) if self.scope_path else labs.none()
            self._labs = {code: (pk, path) for pk, code, path in
                          labs.values_list("pk", "code", "area__path")}
        return self._labs

    # The IDs of a batch are parsed, hashed and sealed by the runner's reading process while
    # this one writes the batch before (see Importer.read_ahead).
    reads_ahead = True
    ahead_in_process = True

    def read_ahead(self, rows: Sequence[RawRow]) -> dict[int, Parsed]:
        return self._read_ids(rows)

    def take_ahead(self, rows: Sequence[RawRow], found: Any) -> None:
        if rows:
            self._ahead[(rows[0].number, len(rows))] = found

    def _read_ids(self, rows: Sequence[RawRow]) -> dict[int, Parsed]:
        parsed: dict[int, Parsed] = {}
        for row in rows:
            raw = row.values.get("id_number", "")
            try:
                found = roster_parsing.parse_id(raw, self.today)
            except parsers.CellError as error:
                parsed[row.number] = error
                continue
            if found is not None:
                parsed[row.number] = (found[0], *self.id_sealer.seal(found[0]))
        return parsed

    def prepare(self, rows: Sequence[RawRow]) -> None:
        labs = self._lab_map()
        ahead = self._ahead.pop((rows[0].number, len(rows)), None) if rows else None
        self._parsed = ahead if ahead is not None else self._read_ids(rows)
        hashes = {found[2] for found in self._parsed.values() if isinstance(found, tuple)}
        self._persons = self._matcher.find(hashes)
        keys = {(labs[code][0], row.values.get("sample_id", "").strip()) for row in rows
                if (code := row.values.get("lab_code", "").strip()) in labs}
        self._stored = lab_bulk.stored_tests(keys)

    def _probe(self, hashes: set[str]) -> dict[str, tuple[int, str] | None]:
        return lab_bulk.persons_by_hash(hashes, self.scope_path, self.unrestricted)

    # --- one row ---------------------------------------------------------------------------

    def clean_row(self, row: RawRow) -> CleanRow | list[RowError]:
        cells = Cells(row)
        sample_id = cells.parse("sample_id", _sample_id)
        lab = self._lab(cells)
        id_value, id_hash, sealed = self._id(cells)
        name = _name(cells)
        result = cells.parse("result", parse_result)
        sampled_at = cells.parse("sampled_at", self._sampled)
        resulted_at = cells.parse("resulted_at", self._resulted)
        if sampled_at is not INVALID and resulted_at is not INVALID:
            for field, message in check_times(sampled_at, resulted_at, self.now).items():
                cells.error(field, message)
            if result not in (INVALID, R.PENDING) and resulted_at is None:
                cells.error("resulted_at", _("A final result needs the time it was made."))
        if result == R.PENDING:
            resulted_at = None
        key = self._repeat(cells, lab, sample_id)
        if cells.errors:
            return cells.errors
        values = {"id_number_hash": id_hash, "name": name, "sampled_at": sampled_at,
                  "resulted_at": resulted_at, "result": result}
        stored = self._stored.get((lab[0], sample_id))
        if stored is not None and not stored.same(values):
            why = stored.conflict(values)
            if why is not None:
                cells.error("result" if result != stored.result else "sample_id", why)
                return cells.errors
        if key is not None:
            self._samples[key] = row.number
        # The person is taken now, from this batch's look-up: the batch is written after the
        # next one is prepared (writes_behind).
        person = self._persons.get(id_hash) if id_hash else None
        return CleanRow(row.number, {"lab": lab, "sample_id": sample_id, "id": id_value,
                                     "sealed": sealed, "values": values, "stored": stored,
                                     "key": key, "person": person})

    def _sampled(self, raw: str) -> datetime.datetime:
        found = self._times.get(raw) or self._time(raw, required=True)
        assert found is not None  # noqa: S101 - a required time is never None
        return found

    def _resulted(self, raw: str) -> datetime.datetime | None:
        return self._times.get(raw) or self._time(raw, required=False)

    def _time(self, raw: str, required: bool) -> datetime.datetime | None:
        """A sheet's times repeat (to the minute, from a few runs a day): each text is parsed
        once, in a memo emptied when it grows past TIMES_KEPT."""
        found = parse_time(raw, required=required, zone=self.zone)
        if found is not None:
            if len(self._times) >= TIMES_KEPT:
                self._times.clear()
            self._times[raw] = found
        return found

    def _lab(self, cells: Cells) -> Any:
        raw = cells.raw("lab_code")
        found = self._lab_map().get(raw)
        if found is not None:
            return found
        code = cells.parse("lab_code", parsers.parse_code)
        if code is INVALID:
            return INVALID
        found = self._lab_map().get(code)
        if found is None:
            cells.error("lab_code", _("There is no lab with the code %(code)s in your area.")
                        % {"code": code})
            return INVALID
        return found

    def _id(self, cells: Cells) -> tuple[str, str, tuple[str, str, str]]:
        """(ID, its hash, its sealed columns), all empty without an ID."""
        found = self._parsed.get(cells.row.number)
        if isinstance(found, parsers.CellError):
            cells.error("id_number", found.message)
        if found is None or isinstance(found, parsers.CellError):
            return "", "", _UNSEALED
        return found[0], found[2], found[1:]

    def _repeat(self, cells: Cells, lab: Any, sample_id: Any) -> int | None:
        if lab is INVALID or sample_id is INVALID:
            return None
        key = hash((lab[0], sample_id))
        if key in self._samples:
            cells.error("sample_id", _("This sample id appears twice in the file for this lab; "
                                       "row %(row)s has it already.")
                        % {"row": self._samples[key]})
            return None
        return key

    # --- writing ---------------------------------------------------------------------------

    # The COPY of a batch runs while the next batch is cleaned (core.imports.behind): a batch's
    # look-ups (persons, stored samples) never depend on the batches before it.
    writes_behind = True

    def write_batch(self, rows: Sequence[CleanRow]) -> Pending:
        now = timezone.now()
        new: list[tuple[Any, ...]] = []
        updates: list[tuple[int, tuple[Any, ...]]] = []
        positives: list[tuple[int, str]] = []
        result = WriteResult()
        for row in rows:
            data = row.data
            values, stored = data["values"], data["stored"]
            if stored is not None and stored.same(values):
                result.unchanged += 1
                continue
            person, match, path = self._match(data, stored)
            sealed = data["sealed"]
            if stored is None:
                new.append((data["lab"][0], data["sample_id"], person, path, values["name"],
                            *sealed, values["sampled_at"], values["resulted_at"],
                            values["result"], match, now))
            else:
                updates.append((stored.pk, (person, path, values["name"], *sealed,
                                            values["sampled_at"], values["resulted_at"],
                                            values["result"], match)))
            if values["result"] == R.POSITIVE and person is not None and (
                    stored is None or stored.result != R.POSITIVE):
                positives.append((data["lab"][0], data["sample_id"]))
        copying = lab_bulk.insert_tests_behind(new)

        def finish() -> WriteResult:
            result.created = copying.finish()[0]
            result.updated = lab_bulk.update_tests(updates)
            lab_bulk.run_positives(positives, self.user)
            self.positives.extend(positives)
            return result
        return Pending(finish, wait=copying.finish)

    def _match(self, data: dict[str, Any], stored: lab_bulk.Stored | None
               ) -> tuple[int | None, str, str]:
        """(person id, match, area path): a resend keeps a match made by hand or a discard."""
        id_hash = data["values"]["id_number_hash"]
        if stored is not None and (stored.match in (M.RESOLVED, M.DISCARDED)
                                   or stored.id_number_hash == id_hash):
            return stored.person_id, stored.match, stored.area_path
        person = data["person"]
        if person is None:
            return None, M.UNMATCHED, data["lab"][1]
        return person[0], M.MATCHED, person[1]


def _sample_id(raw: str) -> str:
    text = raw.strip()
    if not (text.isascii() and text.isprintable()) or " " in text:
        text = "".join(parsers.normalize(raw).split())  # as labs.clean_sample_id does
    text = text.lstrip("'")
    if not text:
        raise parsers.CellError(_("A sample id is required."))
    if len(text) > SAMPLE_ID_MAX:
        raise parsers.CellError(_("A sample id has at most %(max)s characters.")
                                % {"max": SAMPLE_ID_MAX})
    return text


def _name(cells: Cells) -> Any:
    raw = cells.raw("name")
    if not raw or (len(raw) <= NAME_MAX and unicodedata.is_normalized("NFKC", raw)
                   and raw == raw.strip() and "  " not in raw):
        return raw
    return cells.parse("name", lambda value: parsers.parse_text(value, max_length=NAME_MAX))


IMPORTERS: list[type[Importer]] = [LabResultImporter]
