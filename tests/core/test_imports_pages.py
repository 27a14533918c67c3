"""The import pages: upload, result, error report, list; who may see what."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import NoReverseMatch, include, path, reverse
from django.utils import timezone

from epigrid.areas.models import Area, Checkpoint
from epigrid.config.urls import urlpatterns as project_urlpatterns
from epigrid.core.models import ImportRun
from epigrid.core.tasks import run_import_task
from tests.base import BaseTestCase
from tests.core.test_imports_support import (
    AREA_HEADER,
    csv_bytes,
    import_bytes,
    read_xlsx,
    xlsx_bytes,
)

try:  # the project mounts the pages at /imports/; until it does, these tests mount them
    reverse("imports:list")
    urlpatterns = project_urlpatterns
except NoReverseMatch:
    urlpatterns = [*project_urlpatterns, path("imports/", include("epigrid.core.imports.urls"))]

GOOD = csv_bytes([AREA_HEADER, ["420102001003", "Village A3", "village", "420102001000"],
                  ["420102001004", "Lost", "village", "420102009999"]])


def upload(content: bytes = GOOD, name: str = "areas.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


@override_settings(ROOT_URLCONF=__name__)
class ImportPageTests(BaseTestCase):
    def test_it_imports_an_uploaded_file_and_shows_the_result(self) -> None:
        client = self.client_for(self.world.alice)
        assert client.get(reverse("imports:new")).status_code == 200
        response = client.post(reverse("imports:new"), {
            "importer": "areas", "mode": "valid_rows", "sheet": "", "file": upload()})
        run = ImportRun.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("imports:detail", args=[run.pk])
        assert (run.user, run.status, run.rows_created, run.rows_failed) == (
            self.world.alice, "partial", 1, 1)
        assert not run.file  # the uploaded file is not kept
        assert Area.objects.filter(code="420102001003").exists()
        page = client.get(response["Location"]).content.decode()
        assert "There is no area with the code 420102009999 in your area." in page
        assert reverse("imports:report", args=[run.pk]) in page
        # The refused rows in the pages' own table, the moment it started as the pages show one.
        assert '<table class="data import-errors">' in page
        assert timezone.localtime(run.started_at).strftime("%Y-%m-%d %H:%M:%S") in page

    def test_it_imports_a_chosen_sheet_of_an_uploaded_workbook(self) -> None:
        content = xlsx_bytes({"README": [["see the next sheet"]],
                              "Checkpoints": [["编码", "名称", "所属区域编码", "类型"],
                                              ["CP-A-301", "南门", "420102001001", "小区门岗"]]})
        response = self.client_for(self.world.alice).post(reverse("imports:new"), {
            "importer": "checkpoints", "mode": "all_or_nothing", "sheet": "Checkpoints",
            "file": upload(content, "sites.xlsx")})
        run = ImportRun.objects.get()
        assert response.status_code == 302
        assert (run.status, run.mode, run.sheet, run.rows_created) == (
            "done", "all_or_nothing", "Checkpoints", 1)
        assert Checkpoint.objects.get(code="CP-A-301").kind == "community_gate"

    def test_it_serves_the_error_report(self) -> None:
        run = import_bytes("areas", GOOD, self.world.alice)
        response = self.client_for(self.world.alice).get(reverse("imports:report",
                                                                 args=[run.pk]))
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        rows = read_xlsx(b"".join(response.streaming_content))  # type: ignore[attr-defined]
        assert rows[1] == (3, "parent_code", "420102009999",
                           "There is no area with the code 420102009999 in your area.")

    def test_it_refuses_a_wrong_form(self) -> None:
        client = self.client_for(self.world.alice)
        response = client.post(reverse("imports:new"), {"importer": "people", "mode": "x"})
        assert response.status_code == 200
        assert set(response.context["form"].errors) == {"importer", "mode", "file"}
        with override_settings(IMPORT_MAX_UPLOAD_BYTES=10):
            response = client.post(reverse("imports:new"), {
                "importer": "areas", "mode": "valid_rows", "file": upload()})
        assert response.context["form"].errors["file"] == ["The file is larger than 10\xa0bytes."]
        assert not ImportRun.objects.exists()

    def test_it_forbids_imports_to_users_without_the_capability(self) -> None:
        run = import_bytes("areas", GOOD, self.world.admin)
        client = self.client_for(self.world.li)
        for url in (reverse("imports:new"), reverse("imports:list"),
                    reverse("imports:detail", args=[run.pk]),
                    reverse("imports:report", args=[run.pk])):
            assert client.get(url).status_code == 403, url
        response = client.post(reverse("imports:new"), {
            "importer": "areas", "mode": "valid_rows", "file": upload()})
        assert response.status_code == 403
        assert ImportRun.objects.count() == 1

    def test_it_shows_a_run_only_to_its_user_and_to_those_who_see_everything(self) -> None:
        run = import_bytes("areas", GOOD, self.world.alice)
        bob = self.client_for(self.world.bob)
        assert bob.get(reverse("imports:detail", args=[run.pk])).status_code == 404
        assert bob.get(reverse("imports:report", args=[run.pk])).status_code == 404
        assert bob.get(reverse("imports:list")).context["runs"] == []
        admin = self.client_for(self.world.admin)
        assert admin.get(reverse("imports:detail", args=[run.pk])).status_code == 200
        alice_list = self.client_for(self.world.alice).get(reverse("imports:list"))
        assert [r.pk for r, _label in alice_list.context["runs"]] == [run.pk]

    def test_it_runs_a_queued_import_in_a_task(self) -> None:
        run = ImportRun.objects.create(user=self.world.alice, importer="areas",
                                       file_name="areas.csv", language="en")
        run.file.save("queued.csv", upload(), save=True)
        stored = run.file.name
        assert run_import_task(run.pk) == "partial"
        run.refresh_from_db()
        assert (run.rows_created, run.rows_failed, run.file.name) == (1, 1, "")
        assert not run.file.storage.exists(stored)
        # A second delivery of the same task does nothing.
        assert run_import_task(run.pk) == "partial"
        assert Area.objects.filter(code="420102001003").count() == 1
