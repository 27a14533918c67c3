from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.urls import reverse

from epigrid.core.access import Role
from epigrid.core.models import AuditEntry, ExportRun
from tests.base import ID_A, ID_B, BaseTestCase
from tests.core.test_export_jobs import a_broker
from tests.core.test_imports_support import read_xlsx
from tests.security.matrix import body_text

URL = "registry:roster_export"
MASKED_A = ID_A[:6] + "********" + ID_A[-4:]


def table(body: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))


class RosterExportTests(BaseTestCase):
    def export(self, user: object, **data: str) -> tuple[int, str]:
        """The POST's status and, when it started a run, the file the run wrote; else the
        POST's own answer."""
        client = self.client_for(user)  # type: ignore[arg-type]
        response = client.post(reverse(URL), {"format": "csv", **data})
        if response.status_code != 302:
            return response.status_code, body_text(response)
        run = ExportRun.objects.get(user=user)
        assert response["Location"] == reverse("exports:detail", args=[run.pk])
        assert run.status == ExportRun.Status.DONE
        self.file = client.get(reverse("exports:download", args=[run.pk]))
        run.delete()
        return 200, b"".join(self.file.streaming_content).decode("utf-8")  # type: ignore[attr-defined]

    def test_it_masks_id_numbers_and_phones_by_default(self) -> None:
        status, body = self.export(self.world.alice)
        rows = table(body)
        assert status == 200
        assert rows[0][:3] == ["grid code", "household number", "address"]
        wang = next(row for row in rows if row[5] == "Wang Jun")
        assert wang[:7] == ["420102001001-01", "A-0014", "No. 14, East Lane", "Wang Jun",
                            "138****8000", "Wang Jun", MASKED_A]
        assert wang[7] == "138****8000" and ID_A not in body and "13800138000" not in body
        assert {row[5] for row in rows[1:]} == {"Wang Jun", "Wang Lei", "Sun Li"}
        entry = AuditEntry.objects.get(action="export", model="registry.Person")
        assert entry.changes["unmasked"] is False and entry.actor == self.world.alice

    def test_bob_exports_nothing_of_town_a(self) -> None:
        w = self.world
        status, body = self.export(w.bob)
        assert status == 200
        assert [row[5] for row in table(body)[1:]] == ["Zhao Min"]
        assert "Wang" not in body and w.grid_a1_1.code not in body
        status, body = self.export(w.bob, area=str(w.town_a.pk))
        assert status == 400 and "Wang" not in body and w.town_a.name not in body

    def test_it_narrows_to_an_area_of_the_users_scope(self) -> None:
        w = self.world
        status, body = self.export(w.command, area=str(w.village_a2.pk))
        assert status == 200 and len(table(body)) == 1  # only the header: no one lives there
        status, body = self.export(w.command, area=str(w.town_b.pk))
        assert [row[5] for row in table(body)[1:]] == ["Zhao Min"]

    def test_full_values_need_the_right_and_a_reason_and_are_logged(self) -> None:
        w = self.world
        status, _body = self.export(w.alice, unmasked="on", reason="contact tracing")
        assert status == 403
        status, body = self.export(w.command, unmasked="on", reason="  ")
        assert status == 400 and "Say why the full ID numbers and phones are needed." in body
        assert not AuditEntry.objects.filter(action="export").exists()
        status, body = self.export(w.command, unmasked="on", reason="transfer to the hospital")
        assert status == 200 and ID_A in body and ID_B in body and "13800138000" in body
        entry = AuditEntry.objects.get(action="export", model="registry.Person")
        assert entry.changes["unmasked"] is True and entry.reason == "transfer to the hospital"
        assert entry.actor == w.command

    def test_a_run_waiting_for_a_worker_writes_full_values_only_while_the_right_holds(
            self) -> None:
        w = self.world
        with a_broker(), self.captureOnCommitCallbacks() as sent:
            response = self.client_for(w.command).post(reverse(URL), {
                "format": "csv", "unmasked": "on", "reason": "transfer to the hospital"})
        run = ExportRun.objects.get()
        assert (response.status_code, run.status, run.params) == (
            302, "queued", {"area": None, "unmasked": True})
        w.command.role = Role.AREA_OFFICER  # no longer may reveal identities
        w.command.save(update_fields=["role"])
        for callback in sent:
            callback()
        run.refresh_from_db()
        assert (run.status, run.file.name) == ("failed", "")
        assert "You may no longer export" in body_text(self.client_for(w.command).get(
            reverse("exports:detail", args=[run.pk])))

    def test_it_writes_xlsx_and_keeps_people_without_the_right_out(self) -> None:
        client = self.client_for(self.world.alice)
        client.post(reverse(URL), {"format": "xlsx"})
        run = ExportRun.objects.get()
        assert (run.rows, run.file_name.endswith(".xlsx")) == (3, True)
        # The export page lists her runs, to find one again; nobody else's.
        mine = f'href="{reverse("exports:detail", args=[run.pk])}"'
        assert mine in body_text(client.get(reverse(URL)))
        assert mine not in body_text(self.client_for(self.world.command).get(reverse(URL)))
        response = client.get(reverse("exports:download", args=[run.pk]))
        rows = read_xlsx(b"".join(response.streaming_content))  # type: ignore[attr-defined]
        assert rows[1][6] in {MASKED_A, ID_A[:6] + "********" + "0020"}
        assert self.client_for(self.world.li).get(reverse(URL)).status_code == 403
        assert self.client_for(self.world.alice).get(reverse(URL)).status_code == 200

    def test_the_command_line_export_is_masked(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "roster.csv"
            call_command("export_data", "roster", "--output", str(path), "--user", "bob")
            body = path.read_text(encoding="utf-8-sig")
        assert "Zhao Min" in body and ID_B not in body and "Wang" not in body
