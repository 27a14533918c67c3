"""The imports API: a town's own system uploads a file with a token, follows the run, and reads
the rows refused, which row, which field, why; who may see which run."""

from __future__ import annotations

from typing import Any
from unittest import mock

from celery import current_app
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from epigrid.accounts.services import create_api_token
from epigrid.areas.models import Area
from epigrid.core.imports import jobs
from epigrid.core.models import ImportRun
from tests.base import BaseTestCase
from tests.core.test_imports_support import AREA_HEADER, csv_bytes, import_bytes

GOOD = csv_bytes([AREA_HEADER, ["420102001003", "Village A3", "village", "420102001000"],
                  ["420102001004", "Lost", "village", "420102009999"]])
IMPORTS = "/api/imports/"


def upload(content: bytes = GOOD, name: str = "areas.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


class ImportApiTests(BaseTestCase):
    def test_it_imports_an_uploaded_file_with_a_token_and_answers_the_finished_run(self) -> None:
        raw = create_api_token(self.world.alice, "town system")[1]
        system = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        response = system.post(IMPORTS, {"importer": "areas", "mode": "valid_rows",
                                          "file": upload()})
        assert response.status_code == 201
        run = response.json()
        assert (run["status"], run["finished"], run["rows_created"], run["rows_failed"]) == (
            "partial", True, 1, 1)
        assert run["errors"] == [{
            "row": 3, "column": "parent_code", "value": "420102009999",
            "message": "There is no area with the code 420102009999 in your area."}]
        assert Area.objects.filter(code="420102001003").exists()
        assert ImportRun.objects.get(pk=run["id"]).user == self.world.alice

    def test_it_says_which_field_of_the_form_is_wrong(self) -> None:
        client = self.client_for(self.world.alice)
        response = client.post(IMPORTS, {"importer": "lab_results_of_mars", "file": upload()})
        assert response.status_code == 422
        [error] = response.json()["detail"]
        assert error["loc"] == ["form", "importer"] and "lab_results_of_mars" in error["msg"]
        missing = client.post(IMPORTS, {"importer": "areas"})
        assert missing.status_code == 422 and "file" in str(missing.json()["detail"])
        assert not ImportRun.objects.exists()

    def test_it_refuses_a_file_too_large(self) -> None:
        with self.settings(IMPORT_MAX_UPLOAD_BYTES=10):
            response = self.client_for(self.world.alice).post(
                IMPORTS, {"importer": "areas", "file": upload()})
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["form", "file"]

    def test_it_refuses_a_role_that_imports_nothing(self) -> None:
        client = self.client_for(self.world.stranger)
        assert client.post(IMPORTS, {"importer": "areas", "file": upload()}).status_code == 403
        assert client.get(IMPORTS).status_code == 403
        assert client.get(f"{IMPORTS}importers").json() == []

    def test_it_lists_the_importers_a_user_may_run(self) -> None:
        names = [i["name"] for i in self.client_for(self.world.alice).get(
            f"{IMPORTS}importers").json()]
        assert "areas" in names and "roster" in names

    def test_it_lists_a_users_runs_newest_first_and_pages_by_key(self) -> None:
        w = self.world
        runs = [import_bytes("areas", GOOD, w.alice) for _ in range(3)]
        import_bytes("areas", GOOD, w.bob)
        client = self.client_for(w.alice)
        first = client.get(IMPORTS, {"limit": 2}).json()
        assert [r["id"] for r in first["items"]] == [runs[2].pk, runs[1].pk]
        rest = client.get(IMPORTS, {"limit": 2, "after": first["next_after"]}).json()
        assert [r["id"] for r in rest["items"]] == [runs[0].pk] and rest["next_after"] is None
        everyone = self.client_for(w.admin).get(IMPORTS).json()["items"]
        assert len(everyone) == 4  # an admin sees every run, as on the pages

    def test_it_answers_404_for_another_users_run_and_a_missing_one(self) -> None:
        w = self.world
        run = import_bytes("areas", GOOD, w.alice)
        for path in (f"{IMPORTS}{run.pk}", f"{IMPORTS}{run.pk}/errors"):
            assert self.client_for(w.bob).get(path).json() == {"detail": "Not found."}
            assert self.client_for(w.command).get(path).status_code == 404
        assert self.client_for(w.alice).get(f"{IMPORTS}{run.pk + 99}").status_code == 404
        assert self.client_for(w.alice).get(f"{IMPORTS}{run.pk}").json()["rows_failed"] == 1

    def test_it_pages_through_every_refused_row(self) -> None:
        rows: list[list[Any]] = [[f"42010200190{n}", f"Lost {n}", "village", "420102009999"]
                                 for n in range(5)]
        run = import_bytes("areas", csv_bytes([AREA_HEADER, *rows]), self.world.alice)
        client = self.client_for(self.world.alice)
        first = client.get(f"{IMPORTS}{run.pk}/errors", {"limit": 3}).json()
        assert [e["row"] for e in first["items"]] == [2, 3, 4] and first["next_page"] == 2
        second = client.get(f"{IMPORTS}{run.pk}/errors", {"limit": 3, "page": 2}).json()
        assert [e["row"] for e in second["items"]] == [5, 6] and second["next_page"] is None

    def test_it_tells_when_the_errors_were_removed(self) -> None:
        run = import_bytes("areas", GOOD, self.world.alice)
        ImportRun.objects.filter(pk=run.pk).update(errors=[])
        answer = self.client_for(self.world.alice).get(f"{IMPORTS}{run.pk}").json()
        assert answer["errors"] == [] and answer["errors_purged"] is True
        assert answer["errors_total"] == 1

    def test_it_answers_in_the_users_language(self) -> None:
        client = self.client_for(self.world.alice)
        client.cookies["django_language"] = "zh-hans"
        response = client.post(IMPORTS, {"importer": "areas", "file": upload()})
        assert "420102009999" in response.json()["errors"][0]["message"]
        assert response.json()["errors"][0]["message"] != (
            "There is no area with the code 420102009999 in your area.")

    def test_it_queues_a_large_file_for_a_worker_and_answers_how_far_it_is(self) -> None:
        client = self.client_for(self.world.alice)
        current_app.conf.task_always_eager = False
        try:
            with self.settings(CELERY_TASK_ALWAYS_EAGER=False), \
                    mock.patch.object(jobs, "INLINE_MAX_BYTES", 10), \
                    self.captureOnCommitCallbacks() as sent:
                response = client.post(IMPORTS, {"importer": "areas", "file": upload()})
        finally:
            current_app.conf.task_always_eager = True
        assert response.status_code == 201
        queued = response.json()
        assert (queued["status"], queued["finished"], queued["rows_created"]) == (
            "queued", False, 0)
        for callback in sent:
            callback()  # the worker's task, run eagerly here (tests/conftest.py)
        done = client.get(f"{IMPORTS}{queued['id']}").json()
        assert (done["status"], done["finished"], done["rows_created"]) == ("partial", True, 1)
