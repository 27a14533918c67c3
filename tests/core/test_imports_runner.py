"""The runner: batches, savepoints, the two modes, the cap on stored errors, the report."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.test import override_settings
from django.utils import translation

from epigrid.areas.models import Area, Warehouse
from epigrid.core.imports import registry
from epigrid.core.imports.base import Cells, CleanRow, Importer, WriteResult
from epigrid.core.imports.errors import RowError
from epigrid.core.imports.readers import ImportColumn, RawRow
from epigrid.core.imports.report import write_error_report
from epigrid.core.models import ImportRun
from tests.base import BaseTestCase
from tests.core.test_imports_support import (
    AREA_HEADER,
    csv_bytes,
    errors_of,
    import_bytes,
    read_xlsx,
)


class CarelessWarehouseImporter(Importer):
    """Checks nothing about codes, so that the database refuses the duplicates at write time."""

    name = "careless_warehouses"
    label = "careless warehouses"
    model = Warehouse
    columns = (ImportColumn("code", "code", required=True),
               ImportColumn("name", "name", required=True))

    def clean_row(self, row: RawRow) -> CleanRow | list[RowError]:
        cells = Cells(row)
        if not cells.raw("name"):
            cells.error("name", "empty")
        return cells.errors or CleanRow(row.number, dict(row.values))

    def write_batch(self, rows: Sequence[CleanRow]) -> WriteResult:
        area = Area.objects.get(code="420102001000")
        Warehouse.objects.bulk_create([Warehouse(area=area, **row.data) for row in rows])
        return WriteResult(created=len(rows))


registry.register_importer(CarelessWarehouseImporter)


def careless(content: list[list[Any]], mode: str = ImportRun.Mode.VALID_ROWS) -> ImportRun:
    return import_bytes("careless_warehouses", csv_bytes([["code", "name"], *content]), None,
                        mode=mode)


class RunnerTests(BaseTestCase):
    def test_it_reports_rows_the_database_refuses_and_keeps_the_others(self) -> None:
        run = careless([["WH-N-1", "New 1"], ["WH-A-001", "Taken code"], ["WH-N-2", "New 2"]])
        assert (run.status, run.rows_created, run.rows_failed) == ("partial", 2, 1)
        [(row, column, message)] = errors_of(run)
        assert (row, column) == (3, "")
        assert message.startswith("This row could not be saved (")
        assert set(Warehouse.objects.filter(code__startswith="WH-N").values_list(
            "code", flat=True)) == {"WH-N-1", "WH-N-2"}
        assert Warehouse.objects.get(code="WH-A-001").name == "Dongcheng Depot"

    def test_it_leaves_nothing_after_a_database_refusal_in_all_or_nothing_mode(self) -> None:
        run = careless([["WH-N-1", "New 1"], ["WH-A-001", "Taken code"]],
                       mode=ImportRun.Mode.ALL_OR_NOTHING)
        assert (run.status, run.rows_created, run.rows_failed) == ("rolled_back", 0, 1)
        assert not Warehouse.objects.filter(code="WH-N-1").exists()

    @override_settings(IMPORT_MAX_STORED_ERRORS=5, IMPORT_BATCH_SIZE=4)
    def test_it_counts_every_error_but_stores_only_the_first_ones(self) -> None:
        run = careless([[f"WH-X-{i}", ""] for i in range(12)] + [["WH-X-ok", "Fine"]])
        assert (run.rows_total, run.rows_failed, run.errors_total, len(run.errors)) == (
            13, 12, 12, 5)
        assert [e["row"] for e in run.errors] == [2, 3, 4, 5, 6]
        report = read_xlsx(self.report(run))
        assert report[-1] == (None, None, None, "7 more errors are not listed; fix these and "
                                                "import again.")

    def test_it_writes_the_error_report_as_xlsx(self) -> None:
        content = csv_bytes([AREA_HEADER, ["=1+1", "Formula", "village", "420102001000"],
                             ["420102001004", "Lost", "village", "420102009999"]])
        run = import_bytes("areas", content, self.world.alice)
        rows = read_xlsx(self.report(run))
        assert rows == [
            ("Row", "Column", "Value", "Message"),
            (2, "code", "=1+1", "A code may contain only letters, digits, dots, hyphens and "
                                "underscores."),
            (3, "parent_code", "420102009999",
             "There is no area with the code 420102009999 in your area."),
        ]
        summary = dict(read_xlsx(self.report(run), sheet="Summary"))
        assert (summary["Rows read"], summary["Rows refused"]) == (2, 2)

    def test_it_writes_the_report_of_a_file_error(self) -> None:
        run = import_bytes("areas", b"", self.world.alice, name="empty.csv")
        assert read_xlsx(self.report(run))[1] == (None, None, "empty.csv", "The file is empty.")

    def test_it_records_the_language_of_the_run(self) -> None:
        with translation.override("zh-hans"):
            run = import_bytes("areas", b"", self.world.alice)
        assert run.language == "zh-hans"

    def report(self, run: ImportRun) -> bytes:
        target = io.BytesIO()
        write_error_report(run, target)
        return target.getvalue()


def test_it_collects_cycles_less_often_during_a_run_and_restores_the_collector() -> None:
    import gc

    from epigrid.core.imports.runner import GC_THRESHOLD, few_collections

    before = gc.get_threshold()
    with few_collections():
        assert gc.get_threshold()[0] == GC_THRESHOLD > before[0]
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
    try:
        with few_collections():
            raise RuntimeError
    except RuntimeError:
        pass
    assert gc.get_threshold() == before
