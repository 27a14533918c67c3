"""`epigrid import` and `epigrid export` (import_data, export_data)."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from epigrid.areas.models import Area, Checkpoint, Facility, Warehouse
from epigrid.core.models import AuditEntry, ImportRun
from tests.base import BaseTestCase
from tests.core.test_imports_support import AREA_HEADER, csv_bytes, read_xlsx


class CommandTests(BaseTestCase):
    def setUp(self) -> None:
        self.folder = Path(tempfile.mkdtemp())

    def file(self, name: str, content: bytes) -> str:
        target = self.folder / name
        target.write_bytes(content)
        return str(target)

    def call(self, *args: str) -> tuple[str, str]:
        out, err = io.StringIO(), io.StringIO()
        call_command(*args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    def test_it_imports_a_file_and_prints_the_counts(self) -> None:
        path = self.file("areas.csv", csv_bytes(
            [AREA_HEADER, ["420102001003", "Village A3", "village", "420102001000"]]))
        out, err = self.call("import_data", "areas", path, "--user", "alice")
        assert "rows 1, created 1, updated 0, unchanged 0, refused 0" in out
        assert err == ""
        assert ImportRun.objects.get().user == self.world.alice

    def test_it_fails_with_the_errors_when_rows_are_wrong(self) -> None:
        path = self.file("areas.csv", csv_bytes(
            [AREA_HEADER, ["420102001003", "Village A3", "village", "420102001000"],
             ["420102001004", "Lost", "village", "420102009999"]]))
        out, err = io.StringIO(), io.StringIO()
        with pytest.raises(CommandError) as caught:
            call_command("import_data", "areas", path, "--mode", "all_or_nothing",
                         stdout=out, stderr=err)
        assert caught.value.returncode == 1
        assert "refused 1" in out.getvalue()
        assert ("row 3 [parent_code] '420102009999': There is no area with the code "
                "420102009999 in your area.") in err.getvalue()
        assert not Area.objects.filter(code="420102001003").exists()

    def test_it_refuses_unknown_kinds_users_and_files(self) -> None:
        path = self.file("a.csv", b"code\n")
        for args in (("people", path), ("areas", path, "--user", "nobody"),
                     ("areas", str(self.folder / "missing.csv")),
                     ("areas", path, "--user", "li")):
            with pytest.raises(CommandError):
                call_command("import_data", *args, stdout=io.StringIO(), stderr=io.StringIO())
        assert not ImportRun.objects.exists()

    def test_it_exports_a_subtree_as_csv_with_the_import_headers(self) -> None:
        output = str(self.folder / "areas.csv")
        self.call("export_data", "areas", "--format", "csv", "--output", output,
                  "--within", "420102001000")
        lines = Path(output).read_text(encoding="utf-8-sig").splitlines()
        assert lines[0] == ("code,name,level,parent code,population,households,latitude,"
                            "longitude")
        assert lines[1].startswith("420102001000,Dongcheng Town,town,420102000000,50000,17000")
        assert len(lines) == 1 + 6
        assert AuditEntry.objects.filter(action="export", model="areas.Area").count() == 1

    def test_it_exports_only_what_the_user_sees(self) -> None:
        output = str(self.folder / "cp.xlsx")
        self.call("export_data", "checkpoints", "--format", "xlsx", "--output", output,
                  "--user", "bob")
        rows = read_xlsx(Path(output).read_bytes())
        assert [row[0] for row in rows] == ["code", "CP-B-001"]
        with pytest.raises(CommandError):
            self.call("export_data", "areas", "--output", output, "--within", "999")

    def test_it_reimports_its_own_exports_unchanged(self) -> None:
        w = self.world
        Area.objects.filter(pk=w.village_a1.pk).update(latitude="30.5", longitude="114.25")
        for kind in ("areas", "checkpoints", "facilities", "warehouses"):
            for fmt in ("csv", "xlsx"):
                for language in ("en", "zh-hans"):
                    output = str(self.folder / f"{kind}-{language}.{fmt}")
                    with translation.override(language):
                        self.call("export_data", kind, "--format", fmt, "--output", output)
                        run = ImportRun.objects.get(pk=self.reimport(kind, output))
                    assert (run.status, run.rows_created, run.rows_updated) == ("done", 0, 0), (
                        kind, fmt, language, run.errors, run.file_error)
                    assert run.rows_unchanged == run.rows_total > 0
        assert Area.objects.count() == 11
        assert (Checkpoint.objects.count(), Facility.objects.count(),
                Warehouse.objects.count()) == (2, 2, 2)

    def test_it_recreates_deleted_records_from_an_export(self) -> None:
        output = str(self.folder / "warehouses.xlsx")
        self.call("export_data", "warehouses", "--format", "xlsx", "--output", output)
        Warehouse.objects.filter(code="WH-B-001").delete()
        run = ImportRun.objects.get(pk=self.reimport("warehouses", output))
        assert (run.rows_created, run.rows_unchanged) == (1, 1)
        assert Warehouse.objects.get(code="WH-B-001").area == self.world.town_b

    def reimport(self, kind: str, path: str) -> int:
        self.call("import_data", kind, path)
        return ImportRun.objects.latest("id").pk
