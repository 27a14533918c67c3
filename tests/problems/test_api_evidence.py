"""Closing a problem through the API with an evidence file (a multipart form): the same close
as the page's, its file served back by the problem's evidence link to those who see the problem,
its refusals answering 422 naming the field, 404 outside the area and 403 without the
capability."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from epigrid.accounts.services import create_api_token
from epigrid.problems import services
from epigrid.problems.models import Problem, ProblemEvent, Status, Step
from tests.base import BaseTestCase
from tests.problems.helpers import raise_in


@contextmanager
def media_in_a_temporary_folder() -> Iterator[None]:
    with tempfile.TemporaryDirectory() as media, override_settings(STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                        "OPTIONS": {"location": media}},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}):
        yield


def close_with(client: Client, problem: Problem, **form: Any) -> Any:
    """POST the multipart form (the test client encodes files as multipart/form-data)."""
    return client.post(f"/api/problems/{problem.pk}/close-with-evidence", form)


def receipt(content: bytes = b"signed: 500 masks, Dongcheng depot") -> SimpleUploadedFile:
    return SimpleUploadedFile("delivery receipt.PDF", content, content_type="application/pdf")


class CloseWithEvidenceTests(BaseTestCase):
    def test_it_closes_and_the_evidence_link_serves_the_same_bytes(self) -> None:
        w = self.world
        problem = raise_in(w.grid_a1_1, w.li)
        client = self.client_for(w.alice)
        content = b"%PDF-1.4 signed: 500 masks \x00\xff"
        with media_in_a_temporary_folder():
            response = close_with(client, problem, note="500 masks delivered",
                                  evidence=receipt(content))
            assert response.status_code == 200, response.content
            body = response.json()
            assert (body["status"], body["close_note"]) == ("closed", "500 masks delivered")
            closing = body["history"][-1]
            assert (closing["step"], closing["by"], closing["evidence_name"]) == (
                "closed", "alice", "delivery receipt.PDF")
            served = client.get(closing["evidence_url"])
            assert served.status_code == 200
            assert b"".join(served.streaming_content) == content  # type: ignore[attr-defined]
            assert 'filename="delivery receipt.PDF"' in served["Content-Disposition"]
            # The link is scoped like the problem: town B's officer learns nothing.
            assert self.client_for(w.bob).get(closing["evidence_url"]).status_code == 404
            assert self.client_for(w.command).get(closing["evidence_url"]).status_code == 200
            assert client.get(f"/problems/{problem.pk}/evidence/999999/").status_code == 404
        problem.refresh_from_db()
        assert problem.status == Status.CLOSED and problem.close_note == "500 masks delivered"

    def test_it_takes_the_form_from_a_script_with_a_token(self) -> None:
        w = self.world
        problem = raise_in(w.grid_a1_1, w.li)
        _token, key = create_api_token(w.alice, "office scanner")
        script = Client(HTTP_AUTHORIZATION=f"Bearer {key}", enforce_csrf_checks=True)
        with media_in_a_temporary_folder():
            response = close_with(script, problem, note="masks delivered", evidence=receipt())
            assert response.status_code == 200, response.content
            event = ProblemEvent.objects.get(problem=problem, step=Step.CLOSED)
            assert (event.by, event.evidence_name) == (w.alice, "delivery receipt.PDF")

    def test_it_closes_without_a_file_too(self) -> None:
        w = self.world
        problem = raise_in(w.grid_a1_1, w.li)
        response = close_with(self.client_for(w.alice), problem, note="solved by phone")
        assert response.status_code == 200
        closing = response.json()["history"][-1]
        assert (closing["step"], closing["evidence_name"], closing["evidence_url"]) == (
            "closed", "", None)

    def test_it_refuses_a_file_over_ten_megabytes_with_its_message(self) -> None:
        w = self.world
        problem = raise_in(w.grid_a1_1, w.li)
        big = receipt(b"x" * (services.EVIDENCE_MAX_BYTES + 1))
        with media_in_a_temporary_folder():
            response = close_with(self.client_for(w.alice), problem, note="done", evidence=big)
        assert response.status_code == 422
        assert response.json()["detail"] == [{
            "loc": ["body", "evidence"], "msg": "The evidence file is larger than 10 MB.",
            "type": "value_error"}]
        problem.refresh_from_db()
        assert problem.status == Status.OPEN
        assert not ProblemEvent.objects.filter(problem=problem, step=Step.CLOSED).exists()

    def test_it_names_each_bad_input(self) -> None:
        w = self.world
        problem = raise_in(w.grid_a1_1, w.li)
        client = self.client_for(w.alice)
        with media_in_a_temporary_folder():
            no_note = close_with(client, problem, note="  ", evidence=receipt())
            assert no_note.status_code == 422
            assert [e["loc"] for e in no_note.json()["detail"]] == [["body", "note"]]
            assert "closing needs a note" in no_note.json()["detail"][0]["msg"]
            too_long = close_with(client, problem, note="x" * 2001)
            assert too_long.status_code == 422
            assert too_long.json()["detail"][0]["loc"] == ["form", "note"]
            assert close_with(client, problem, note="done").status_code == 200
            twice = close_with(client, problem, note="done", evidence=receipt())
            assert twice.status_code == 422
            assert twice.json()["detail"][0]["loc"] == ["body", "status"]
            assert "reopen it first" in twice.json()["detail"][0]["msg"]
        assert ProblemEvent.objects.filter(problem=problem, step=Step.CLOSED).count() == 1
        assert not ProblemEvent.objects.exclude(evidence="").exists()

    def test_it_answers_404_outside_the_area_and_403_without_the_capability(self) -> None:
        w = self.world
        problem = raise_in(w.grid_a1_1, w.li)
        with media_in_a_temporary_folder():
            outsider = close_with(self.client_for(w.bob), problem, note="x", evidence=receipt())
            assert outsider.status_code == 404
            assert outsider.json() == {"detail": "Not found."}
            missing = self.client_for(w.alice).post(
                "/api/problems/999999/close-with-evidence", {"note": "x"})
            assert missing.status_code == 404 and missing.json() == outsider.json()
            # Li, a grid worker, raises problems but may not close them.
            grid_worker = close_with(self.client_for(w.li), problem, note="x",
                                     evidence=receipt())
            assert grid_worker.status_code == 403
            assert "Assign and close problems" in grid_worker.json()["detail"]
        problem.refresh_from_db()
        assert problem.status == Status.OPEN
        assert not ProblemEvent.objects.exclude(evidence="").exists()
