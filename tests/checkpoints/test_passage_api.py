"""The passage API as devices use it: bearer tokens, batches with per-item answers, resends,
the limit, the single route, and scoped lists."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.test import Client
from django.utils import timezone

from epigrid.accounts.services import create_api_token
from epigrid.checkpoints.models import Passage, PassageHour
from epigrid.checkpoints.passages import MAX_BATCH, record_passages
from tests.base import BaseTestCase
from tests.checkpoints.passage_helpers import east_road_staff, item, items

BATCH = "/api/passages/batch"


class PassageApiTests(BaseTestCase):
    def setUp(self) -> None:
        self.staff = east_road_staff(self.world)
        _token, self.key = create_api_token(self.staff, "East Road phone")
        self.device = Client(HTTP_AUTHORIZATION=f"Bearer {self.key}")

    def post(self, url: str, body: Any, client: Client | None = None) -> Any:
        return (client or self.device).post(url, json.dumps(body),
                                            content_type="application/json")

    def test_a_device_sends_a_batch_with_its_token_and_gets_an_answer_per_item(self) -> None:
        cp = self.world.checkpoint_a.pk
        batch = [*items(3), item(temperature="33.9"), item(kind="vehicle", plate="X")]
        response = self.post(BATCH, {"checkpoint_id": cp, "passages": batch})
        assert response.status_code == 200
        body = response.json()
        assert (body["stored"], body["duplicates"], body["errors"]) == (3, 0, 2)
        assert [r["result"] for r in body["results"]] == ["stored"] * 3 + ["error"] * 2
        assert body["results"][3]["errors"]["temperature"][0].startswith(
            "A body temperature lies between 34.0 and 43.0")
        assert list(body["results"][4]["errors"]) == ["plate"]
        assert body["results"][0]["client_id"] == batch[0]["client_id"]
        assert Passage.objects.filter(recorded_by=self.staff).count() == 3

    def test_a_batch_sent_twice_is_stored_once_and_counted_once(self) -> None:
        body = {"checkpoint_id": self.world.checkpoint_a.pk, "passages": items(40)}
        first = self.post(BATCH, body).json()
        again = self.post(BATCH, body).json()
        assert (first["stored"], again["stored"], again["duplicates"]) == (40, 0, 40)
        assert [r["id"] for r in again["results"]] == [r["id"] for r in first["results"]]
        assert Passage.objects.count() == 40
        assert sum(PassageHour.objects.values_list("passages_in", flat=True)) == 40

    def test_it_refuses_a_batch_over_the_limit_whole(self) -> None:
        response = self.post(BATCH, {"checkpoint_id": self.world.checkpoint_a.pk,
                                     "passages": items(MAX_BATCH + 1)})
        assert response.status_code == 413
        assert "at most 1000 passages; this one has 1001" in response.json()["detail"]
        assert not Passage.objects.exists()

    def test_a_batch_at_the_limit_is_taken(self) -> None:
        response = self.post(BATCH, {"checkpoint_id": self.world.checkpoint_a.pk,
                                     "passages": items(MAX_BATCH)})
        assert response.json()["stored"] == MAX_BATCH

    def test_items_may_name_their_own_checkpoint(self) -> None:
        w = self.world
        body = {"passages": [item(checkpoint_id=w.checkpoint_a.pk),
                             item(checkpoint_id=w.checkpoint_b.pk), item()]}
        results = self.post(BATCH, body).json()["results"]
        assert [r["result"] for r in results] == ["stored", "error", "error"]
        assert results[1]["errors"] == results[2]["errors"] == {"checkpoint_id": [
            "No such checkpoint, or you may not log passages there."]}

    def test_a_batch_for_a_checkpoint_not_assigned_refuses_every_item(self) -> None:
        body = {"checkpoint_id": self.world.checkpoint_b.pk, "passages": items(2)}
        answer = self.post(BATCH, body).json()
        assert (answer["stored"], answer["errors"]) == (0, 2)

    def test_one_passage_answers_201_then_200_and_422_with_the_field(self) -> None:
        one = item(checkpoint_id=self.world.checkpoint_a.pk)
        first = self.post("/api/passages", one)
        again = self.post("/api/passages", one)
        assert (first.status_code, again.status_code) == (201, 200)
        assert (first.json()["result"], again.json()["result"]) == ("stored", "duplicate")
        future = (timezone.now() + datetime.timedelta(hours=1)).isoformat()
        bad = self.post("/api/passages", item(checkpoint_id=self.world.checkpoint_a.pk,
                                              at=future))
        assert bad.status_code == 422
        assert bad.json()["detail"][0]["loc"] == ["body", "at"]
        assert "future" in bad.json()["detail"][0]["msg"]

    def test_who_may_not_log_is_told_so(self) -> None:
        anonymous = self.post(BATCH, {"passages": []}, Client())
        grid_worker = self.post(BATCH, {"passages": []}, self.client_for(self.world.li))
        assert (anonymous.status_code, grid_worker.status_code) == (401, 403)

    def test_the_browser_session_must_send_the_csrf_token(self) -> None:
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(self.staff)
        body = {"checkpoint_id": self.world.checkpoint_a.pk, "passages": items(1)}
        assert self.post(BATCH, body, browser).status_code == 403
        browser.get("/checkpoints/log/")  # sets the CSRF cookie
        token = browser.cookies["csrftoken"].value
        response = browser.post(BATCH, json.dumps(body), content_type="application/json",
                                HTTP_X_CSRFTOKEN=token)
        assert response.json()["stored"] == 1

    def test_lists_are_scoped_filtered_and_paged_by_key(self) -> None:
        w = self.world
        record_passages(self.staff, w.checkpoint_a, [*items(3), item(decision="turned_back")])
        record_passages(w.bob, w.checkpoint_b, items(2))
        alice = self.client_for(w.alice)
        with self.assertNumQueries(4):  # session, user, home area, the page (no count)
            page = alice.get("/api/passages?limit=2").json()
        assert len(page["items"]) == 2 and page["next_after"]
        rest = alice.get(f"/api/passages?after={page['next_after']}").json()
        assert len(rest["items"]) == 2 and rest["next_after"] is None
        today = timezone.localdate().isoformat()
        turned = alice.get(f"/api/passages?decision=turned_back&day={today}").json()["items"]
        assert [p["decision"] for p in turned] == ["turned_back"]
        assert alice.get(f"/api/passages?checkpoint={w.checkpoint_b.pk}").json()["items"] == []
        bob_sees = self.client_for(w.bob).get("/api/passages").json()["items"]
        assert {p["checkpoint_id"] for p in bob_sees} == {w.checkpoint_b.pk}

    def test_a_passage_of_another_town_is_not_found(self) -> None:
        [result] = record_passages(self.staff, self.world.checkpoint_a, [item()])
        url = f"/api/passages/{result.id}"
        assert self.device.get(url).json()["temperature"] == "36.5"
        assert self.client_for(self.world.bob).get(url).status_code == 404
        assert self.client_for(self.world.bob).get("/api/passages/999999").status_code == 404
