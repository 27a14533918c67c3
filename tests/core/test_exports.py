from __future__ import annotations

import csv
import io

from django.test import RequestFactory
from openpyxl import load_workbook

from epigrid.areas.models import Checkpoint
from epigrid.core.exports import Column, export_response, field
from epigrid.core.models import AuditEntry
from tests.base import BaseTestCase

COLUMNS = [Column("code", field("code")), Column("name", field("name")),
           Column("kind", field("kind")), Column("area", field("area.name"))]


class ExportTests(BaseTestCase):
    def export(self, fmt: str) -> bytes:
        request = RequestFactory().get("/areas/checkpoints/", {"export": fmt})
        request.user = self.world.alice
        response = export_response(request, Checkpoint.objects.restrict(self.world.alice)
                                   .select_related("area").order_by("code"), COLUMNS, fmt,
                                   "checkpoints")
        return b"".join(response.streaming_content)  # type: ignore[union-attr]

    def test_it_writes_csv_with_labels_and_a_bom(self) -> None:
        body = self.export("csv").decode("utf-8")
        assert body.startswith("\ufeff")
        assert list(csv.reader(io.StringIO(body.lstrip("\ufeff")))) == [
            ["code", "name", "kind", "area"],
            ["CP-A-001", "East Road Checkpoint", "road checkpoint", "Village A1"]]

    def test_it_writes_xlsx_rows(self) -> None:
        sheet = load_workbook(io.BytesIO(self.export("xlsx"))).active
        assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
            ["code", "name", "kind", "area"],
            ["CP-A-001", "East Road Checkpoint", "road checkpoint", "Village A1"]]

    def test_it_keeps_a_formula_looking_name_as_text(self) -> None:
        Checkpoint.objects.filter(pk=self.world.checkpoint_a.pk).update(
            name='=HYPERLINK("http://x.invalid","click")')
        sheet = load_workbook(io.BytesIO(self.export("xlsx"))).active
        cell = sheet["B2"]
        assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
        assert "'=HYPERLINK" in self.export("csv").decode("utf-8")

    def test_it_logs_every_export(self) -> None:
        self.export("csv")
        entry = AuditEntry.objects.filter(action="export").latest("id")
        assert entry.model == "areas.Checkpoint" and entry.object_repr == "checkpoints.csv"
