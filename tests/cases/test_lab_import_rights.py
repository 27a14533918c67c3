"""Who may load a lab's result sheet: the medical team (LAB_RESULTS), not every officer who
may import; and the medical team loads lab sheets only, not rosters."""

from __future__ import annotations

import io

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from epigrid.cases.models import LabTest
from epigrid.core.imports.runner import run_import
from epigrid.core.models import ImportRun
from tests.base import BaseTestCase
from tests.cases.lab_helpers import ID_A, hours_ago, sheet, stamp, town_lab

VALID = ImportRun.Mode.VALID_ROWS


def result_sheet() -> io.BytesIO:
    return sheet([["S1", ID_A, "王军", stamp(hours_ago(10)), stamp(hours_ago(2)), "阴性",
                   "LAB-A"]])


class LabImportRightsTests(BaseTestCase):
    def setUp(self) -> None:
        town_lab(self.world)

    def test_it_lets_the_medical_team_upload_a_result_sheet_on_the_page(self) -> None:
        client = self.client_for(self.world.medic)
        page = client.get(reverse("imports:new") + "?importer=lab_results")
        assert page.status_code == 200
        choices = [name for name, _label in page.context["form"].fields["importer"].choices]
        assert choices == ["lab_results"]
        upload = SimpleUploadedFile("results.csv", result_sheet().getvalue(), "text/csv")
        with self.captureOnCommitCallbacks(execute=True):
            response = client.post(reverse("imports:new"), {
                "importer": "lab_results", "mode": "valid_rows", "file": upload})
        run = ImportRun.objects.get()
        self.assertRedirects(response, reverse("imports:detail", args=[run.pk]))
        assert (run.status, run.rows_created) == (ImportRun.Status.DONE, 1)
        assert LabTest.objects.get().person == self.world.person_a

    def test_it_keeps_result_sheets_from_an_officer_who_may_import_rosters(self) -> None:
        with self.assertRaises(PermissionDenied):
            run_import("lab_results", result_sheet(), VALID, self.world.alice)
        client = self.client_for(self.world.alice)
        choices = [name for name, _label in
                   client.get(reverse("imports:new")).context["form"].fields["importer"].choices]
        assert "lab_results" not in choices and "roster" in choices
        upload = SimpleUploadedFile("results.csv", result_sheet().getvalue(), "text/csv")
        response = client.post(reverse("imports:new"), {
            "importer": "lab_results", "mode": "valid_rows", "file": upload})
        assert "importer" in response.context["form"].errors
        assert not ImportRun.objects.exists() and not LabTest.objects.exists()

    def test_it_keeps_rosters_from_the_medical_team(self) -> None:
        with self.assertRaises(PermissionDenied):
            run_import("roster", io.BytesIO(b"name\n"), VALID, self.world.medic)
        assert not ImportRun.objects.exists()

    def test_it_links_the_labs_page_to_the_upload(self) -> None:
        page = self.client_for(self.world.medic).get(reverse("cases:lab_list"))
        self.assertContains(page, reverse("imports:new") + "?importer=lab_results")
