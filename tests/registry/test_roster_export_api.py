"""The roster export through the API: masked by default, full values with the right and a
reason (logged), an area of the caller's alone; the file then through /api/exports."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.test import Client

from epigrid.core.models import AuditEntry, ExportRun
from tests.base import ID_A, BaseTestCase

URL = "/api/registry/roster-exports"


def rows_of(client: Client, answer: dict[str, Any]) -> list[list[str]]:
    assert answer["status"] == "done" and answer["file_url"]  # no broker: written at once
    body = b"".join(client.get(answer["file_url"]).streaming_content)  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(body.decode("utf-8").lstrip("\ufeff"))))


class RosterExportApiTests(BaseTestCase):
    def post(self, user: Any, **body: Any) -> tuple[Client, Any]:
        client = self.client_for(user)
        return client, client.post(URL, {"format": "csv", **body},
                                   content_type="application/json")

    def test_it_writes_the_callers_roster_masked_and_logs_the_export(self) -> None:
        client, response = self.post(self.world.alice)
        assert response.status_code == 201
        rows = rows_of(client, response.json())
        assert {row[5] for row in rows[1:]} == {"Wang Jun", "Wang Lei", "Sun Li"}
        assert ID_A not in str(rows)
        entry = AuditEntry.objects.get(action="export", model="registry.Person")
        assert (entry.actor, entry.changes["unmasked"]) == (self.world.alice, False)

    def test_it_narrows_to_an_area_the_caller_sees_and_refuses_another(self) -> None:
        w = self.world
        client, response = self.post(w.alice, area=w.grid_a1_2.pk)
        assert [row[5] for row in rows_of(client, response.json())[1:]] == ["Sun Li"]
        _client, refused = self.post(w.bob, area=w.town_a.pk)
        assert refused.status_code == 422
        assert refused.json()["detail"][0]["loc"] == ["body", "area"]
        assert not ExportRun.objects.filter(user=w.bob).exists()

    def test_it_gives_full_values_only_with_the_right_and_a_reason(self) -> None:
        w = self.world
        _client, officer = self.post(w.alice, unmasked=True, reason="tracing")
        assert officer.status_code == 403  # an officer may not reveal identities
        _client, unexplained = self.post(w.command, unmasked=True, reason="  ")
        assert unexplained.status_code == 422
        assert unexplained.json()["detail"][0]["loc"] == ["body", "reason"]
        client, response = self.post(w.command, unmasked=True, reason="transfer")
        assert response.status_code == 201 and ID_A in str(rows_of(client, response.json()))
        entry = AuditEntry.objects.get(action="export", model="registry.Person")
        assert entry.changes["unmasked"] is True and entry.reason == "transfer"

    def test_it_refuses_a_role_that_may_not_export_and_a_format_it_does_not_write(self) -> None:
        _client, worker = self.post(self.world.li)
        assert worker.status_code == 403
        _client, pdf = self.post(self.world.alice, format="pdf")
        assert pdf.status_code == 422
        assert not ExportRun.objects.exists()
