"""Writing behind: a batch is looked up before the batch before it is written, and that write
finishes only after the batch is cleaned; a refusal still names its rows and keeps the others."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from django.db import IntegrityError
from django.test import override_settings

from epigrid.areas.models import Area, Warehouse
from epigrid.core.imports import registry
from epigrid.core.imports.base import Cells, CleanRow, Importer, Pending, WriteResult
from epigrid.core.imports.errors import RowError
from epigrid.core.imports.readers import ImportColumn, RawRow
from epigrid.core.models import ImportRun
from tests.base import BaseTestCase
from tests.core.test_imports_support import csv_bytes, errors_of, import_bytes


class BehindWarehouseImporter(Importer):
    """Writes a batch when asked, finishes it when the runner says; notes the order of both.
    A name "refused" is refused by the database at finish(), as a COPY's duplicate would be;
    a name "crash" breaks the cleaning."""

    name = "warehouses_behind"
    label = "warehouses behind"
    model = Warehouse
    columns = (ImportColumn("code", "code", required=True),
               ImportColumn("name", "name", required=True))
    writes_behind = True
    events: ClassVar[list[tuple[str, int]]] = []

    def prepare(self, rows: Sequence[RawRow]) -> None:
        self.events.append(("prepare", rows[0].number))

    def clean_row(self, row: RawRow) -> CleanRow | list[RowError]:
        if row.values["name"] == "crash":
            raise RuntimeError("a bug in the cleaning")
        cells = Cells(row)
        if not cells.raw("name"):
            cells.error("name", "empty")
        self.events.append(("clean", row.number))
        return cells.errors or CleanRow(row.number, dict(row.values))

    def write_batch(self, rows: Sequence[CleanRow]) -> Pending:
        first = rows[0].number
        self.events.append(("start", first))
        area = Area.objects.get(code="420102001000")
        made = [Warehouse(area=area, **row.data) for row in rows]

        def wait() -> None:
            self.events.append(("finish", first))

        def finish() -> WriteResult:
            wait()
            if any(row.data["name"] == "refused" for row in rows):
                raise IntegrityError("duplicate key value violates unique constraint")
            Warehouse.objects.bulk_create(made)
            return WriteResult(created=len(rows))
        return Pending(finish, wait)


registry.register_importer(BehindWarehouseImporter)


def run(names: list[str], **kwargs: Any) -> ImportRun:
    BehindWarehouseImporter.events = []
    rows = [[f"WB{index:03d}", name] for index, name in enumerate(names)]
    return import_bytes("warehouses_behind", csv_bytes([["code", "name"], *rows]), None,
                        **kwargs)


def stored() -> set[str]:
    return set(Warehouse.objects.filter(code__startswith="WB").values_list("name", flat=True))


@override_settings(IMPORT_BATCH_SIZE=2)
class WritingBehindTests(BaseTestCase):
    def test_it_cleans_a_batch_while_the_one_before_is_written(self) -> None:
        result = run(["a", "b", "c", "d", "e"])
        assert (result.status, result.rows_created) == ("done", 5)
        assert BehindWarehouseImporter.events == [
            ("prepare", 2), ("clean", 2), ("clean", 3),
            ("prepare", 4), ("start", 2), ("clean", 4), ("clean", 5), ("finish", 2),
            ("prepare", 6), ("start", 4), ("clean", 6), ("finish", 4),
            ("start", 6), ("finish", 6)]
        assert stored() == {"a", "b", "c", "d", "e"}

    def test_it_writes_a_refused_batch_again_row_by_row_and_names_the_row(self) -> None:
        result = run(["a", "b", "c", "refused", "e"])
        assert (result.status, result.rows_created, result.rows_failed) == ("partial", 4, 1)
        [(row, column, message)] = errors_of(result)
        assert (row, column) == (5, "")
        assert message.startswith("This row could not be saved (duplicate key")
        assert stored() == {"a", "b", "c", "e"}

    def test_it_refuses_a_whole_file_with_a_refused_row_in_all_or_nothing_mode(self) -> None:
        result = run(["a", "refused"], mode=ImportRun.Mode.ALL_OR_NOTHING)
        assert (result.status, result.rows_created, result.rows_failed) == ("rolled_back", 0, 1)
        assert stored() == set()

    def test_it_finishes_the_write_under_way_before_a_crash_fails_the_run(self) -> None:
        try:
            run(["a", "b", "crash"])
        except RuntimeError:
            pass
        else:
            raise AssertionError("the cleaning's error must reach the caller")
        assert ("finish", 2) in BehindWarehouseImporter.events
        assert stored() == set()
        assert ImportRun.objects.get(importer="warehouses_behind").status == "failed"
