"""The exports API: my exports, one run, its file (each download logged); nobody else's."""

from __future__ import annotations

from epigrid.core.models import AuditEntry
from tests.base import BaseTestCase
from tests.core.export_helpers import export_run

EXPORTS = "/api/exports/"


class ExportApiTests(BaseTestCase):
    def test_it_lists_my_exports_newest_first_with_where_to_download_each(self) -> None:
        w = self.world
        older = export_run(w.alice, "older.csv", status="failed")
        newer = export_run(w.alice, "newer.csv")
        export_run(w.bob, "bobs.csv")
        items = self.client_for(w.alice).get(EXPORTS).json()["items"]
        assert [(i["id"], i["file_url"]) for i in items] == [
            (newer.pk, f"/api/exports/{newer.pk}/file"), (older.pk, None)]
        assert self.client_for(w.admin).get(EXPORTS).json()["items"] == []

    def test_it_pages_by_key(self) -> None:
        runs = [export_run(self.world.alice, f"{n}.csv", status="queued") for n in range(3)]
        client = self.client_for(self.world.alice)
        first = client.get(EXPORTS, {"limit": 2}).json()
        rest = client.get(EXPORTS, {"limit": 2, "after": first["next_after"]}).json()
        assert [i["id"] for i in first["items"] + rest["items"]] == [r.pk for r in runs[::-1]]
        assert rest["next_after"] is None

    def test_it_serves_my_file_and_logs_the_download(self) -> None:
        run = export_run(self.world.alice, "roster.csv")
        response = self.client_for(self.world.alice).get(f"{EXPORTS}{run.pk}/file")
        assert b"".join(response.streaming_content) == b"name\nWang Jun\n"
        assert response["Content-Disposition"] == 'attachment; filename="roster.csv"'
        entry = AuditEntry.objects.get(model="core.ExportRun")
        assert (entry.actor, entry.changes["download"]) == (self.world.alice, True)

    def test_it_answers_404_for_anyone_elses_run_and_for_a_file_not_there(self) -> None:
        w = self.world
        run = export_run(w.alice, "roster.csv")
        for other in (w.bob, w.command, w.admin):
            client = self.client_for(other)
            assert client.get(f"{EXPORTS}{run.pk}").json() == {"detail": "Not found."}
            assert client.get(f"{EXPORTS}{run.pk}/file").status_code == 404
        waiting = export_run(w.alice, "waiting.csv", status="running")
        purged = export_run(w.alice, "purged.csv", content=None)
        client = self.client_for(w.alice)
        for unready in (waiting, purged):
            assert client.get(f"{EXPORTS}{unready.pk}/file").status_code == 404
        assert client.get(f"{EXPORTS}{waiting.pk}").json()["finished"] is False
        assert not AuditEntry.objects.filter(model="core.ExportRun").exists()
