"""A large file is read batch by batch: the rows are never all in memory at once."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from typing import IO, ClassVar
from unittest import mock

from django.test import override_settings

from epigrid.areas.importers import AreaImporter
from epigrid.areas.models import Area
from epigrid.core.imports import plain_csv, registry
from epigrid.core.imports.base import CleanRow, WriteResult
from epigrid.core.imports.readers import RawRow
from epigrid.core.imports.runner import run_import
from tests.base import BaseTestCase
from tests.core.test_imports_support import AREA_HEADER, csv_bytes

VILLAGES = 200
GRIDS_PER_VILLAGE = 99  # 200 + 200 * 99 = 20,000 rows


class ProbeAreaImporter(AreaImporter):
    """The area importer, noting each batch's size and how far into the file the reader is."""

    name = "areas_probe"
    source: ClassVar[IO[bytes] | None] = None
    batches: ClassVar[list[tuple[int, int]]] = []  # (rows in the batch, file position)

    def prepare(self, rows: Sequence[RawRow]) -> None:
        assert self.source is not None
        self.batches.append((len(rows), self.source.tell()))
        super().prepare(rows)

    def write_batch(self, rows: Sequence[CleanRow]) -> WriteResult:
        return super().write_batch(rows)


registry.register_importer(ProbeAreaImporter)


def generated_rows() -> list[list[object]]:
    rows: list[list[object]] = [AREA_HEADER]
    for v in range(VILLAGES):
        code = f"420102001{100 + v:03d}"
        rows.append([code, f"Village {v}", "village", "420102001000", 1000, 300])
        rows += [[f"{code}-{g:02d}", f"Grid {v}-{g}", "grid", code]
                 for g in range(1, GRIDS_PER_VILLAGE + 1)]
    return rows


class StreamingTests(BaseTestCase):
    @override_settings(IMPORT_BATCH_SIZE=1000)
    # Read in blocks of 16 KB (a megabyte in a real run, more than this whole file).
    @mock.patch.object(plain_csv, "CHUNK", 1 << 14)
    def test_it_imports_20000_rows_in_batches_while_reading_the_file(self) -> None:
        with tempfile.TemporaryFile() as source:
            source.write(csv_bytes(generated_rows()))
            size = source.tell()
            source.seek(0)
            ProbeAreaImporter.source, ProbeAreaImporter.batches = source, []
            run = run_import("areas_probe", source, "valid_rows", self.world.alice,
                             file_name="big.csv")
        assert (run.status, run.rows_total, run.rows_created) == ("done", 20_000, 20_000)
        batches = ProbeAreaImporter.batches
        assert [rows for rows, _position in batches] == [1000] * 20
        positions = [position for _rows, position in batches]
        # When the first batch is cleaned, the reader has read about a twentieth of the file.
        assert positions[0] < size / 10
        assert positions == sorted(positions) and positions[-1] <= size
        assert Area.objects.within(self.world.town_a.path).filter(level=5).count() == 19_800 + 3
