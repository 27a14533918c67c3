"""Reading ahead: an importer that opts in gets each batch in a reading thread, one batch early."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any, ClassVar

from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext as _

from epigrid.areas.models import Area, Warehouse
from epigrid.core.imports import registry
from epigrid.core.imports.base import Cells, CleanRow, Importer, WriteResult
from epigrid.core.imports.errors import RowError
from epigrid.core.imports.readers import ImportColumn, RawRow
from epigrid.core.models import ImportRun
from tests.base import BaseTestCase
from tests.core.test_imports_support import csv_bytes, errors_of, import_bytes


class ReadingAheadWarehouseImporter(Importer):
    """Notes where and when each batch was read ahead, and what was written by then."""

    name = "warehouses_read_ahead"
    label = "warehouses read ahead"
    model = Warehouse
    columns = (ImportColumn("code", "code", required=True),
               ImportColumn("name", "name", required=True))
    reads_ahead = True
    events: ClassVar[list[tuple[str, Any]]] = []

    def __init__(self, user: Any) -> None:
        super().__init__(user)
        self.upper: dict[int, str] = {}

    def read_ahead(self, rows: Sequence[RawRow]) -> None:
        self.events.append(("ahead", (rows[0].number, threading.current_thread().name,
                                      _("This column must not be empty."))))
        self.upper.update({row.number: row.values["name"].upper() for row in rows})

    def prepare(self, rows: Sequence[RawRow]) -> None:
        self.events.append(("prepare", rows[0].number))

    def clean_row(self, row: RawRow) -> CleanRow | list[RowError]:
        cells = Cells(row)
        if not cells.raw("name"):
            cells.error("name", _("This column must not be empty."))
        return cells.errors or CleanRow(row.number, {"code": row.values["code"],
                                                     "name": self.upper.pop(row.number)})

    def write_batch(self, rows: Sequence[CleanRow]) -> WriteResult:
        area = Area.objects.get(code="420102001000")
        Warehouse.objects.bulk_create([Warehouse(area=area, **row.data) for row in rows])
        self.events.append(("written", rows[-1].number))
        return WriteResult(created=len(rows))


registry.register_importer(ReadingAheadWarehouseImporter)


def warehouses(count: int, blank: int | None = None) -> list[list[str]]:
    return [[f"RA{index:03d}", "" if index == blank else f"store {index}"]
            for index in range(count)]


def run(rows: list[list[str]], **kwargs: Any) -> ImportRun:
    ReadingAheadWarehouseImporter.events = []
    return import_bytes("warehouses_read_ahead", csv_bytes([["code", "name"], *rows]), None,
                        **kwargs)


@override_settings(IMPORT_BATCH_SIZE=3)
class ReadAheadTests(BaseTestCase):
    def test_it_reads_each_batch_in_a_thread_before_preparing_it(self) -> None:
        result = run(warehouses(8))
        assert (result.status, result.rows_created) == ("done", 8)
        events = ReadingAheadWarehouseImporter.events
        aheads = [value for kind, value in events if kind == "ahead"]
        assert [number for number, _thread, _message in aheads] == [2, 5, 8]
        assert {thread for _number, thread, _message in aheads} == {"import-read-ahead"}
        for first in (2, 5, 8):  # every batch was read ahead before it was prepared
            assert events.index(("ahead", next(a for a in aheads if a[0] == first))) < \
                events.index(("prepare", first))
        assert Warehouse.objects.get(code="RA007").name == "STORE 7"
        assert "import-read-ahead" not in {thread.name for thread in threading.enumerate()}

    def test_the_reading_thread_speaks_the_runs_language(self) -> None:
        with translation.override("zh-hans"):
            result = run(warehouses(4, blank=1))
        aheads = [value for kind, value in ReadingAheadWarehouseImporter.events
                  if kind == "ahead"]
        assert aheads[0][2] == result.errors[0]["message"] != "This column must not be empty."
        assert errors_of(result)[0][:2] == (3, "name")

    def test_a_malformed_line_stops_the_run_in_the_files_order_and_keeps_nothing(self) -> None:
        content = csv_bytes([["code", "name"], *warehouses(7)]) + b'RA100,"never closed\n'
        ReadingAheadWarehouseImporter.events = []
        result = import_bytes("warehouses_read_ahead", content, None)
        assert result.status == "failed"
        assert "row 9" in result.file_error, result.file_error
        assert not Warehouse.objects.filter(code__startswith="RA").exists()
        assert "import-read-ahead" not in {thread.name for thread in threading.enumerate()}

    def test_all_or_nothing_still_keeps_nothing_after_a_wrong_row(self) -> None:
        result = run(warehouses(7, blank=5), mode=ImportRun.Mode.ALL_OR_NOTHING)
        assert (result.status, result.rows_failed) == ("rolled_back", 1)
        assert not Warehouse.objects.filter(code__startswith="RA").exists()
