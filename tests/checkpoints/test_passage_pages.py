"""The passage pages: the logging page and its service worker, the passage list (the figures'
drill-down target) and the fever referrals."""

from __future__ import annotations

import datetime
import json
import re
import uuid

from django.test import override_settings
from django.utils import timezone

from epigrid.checkpoints.models import Passage
from epigrid.checkpoints.passages import record_passages
from tests.base import ID_A, BaseTestCase
from tests.checkpoints.passage_helpers import east_road_staff, item, items


class LogPageTests(BaseTestCase):
    def setUp(self) -> None:
        self.staff = east_road_staff(self.world)
        self.page = f"/checkpoints/log/{self.world.checkpoint_a.pk}/"

    def test_staff_choose_among_their_own_checkpoints(self) -> None:
        body = self.client_for(self.staff).get("/checkpoints/log/").content.decode()
        assert "East Road Checkpoint" in body and "West Gate Checkpoint" not in body
        found = self.client_for(self.world.command).get("/checkpoints/log/?q=CP-B").content
        assert b"West Gate Checkpoint" in found and b"East Road" not in found

    def test_the_page_carries_its_settings_as_data_and_no_inline_script(self) -> None:
        response = self.client_for(self.staff).get(self.page)
        body = response.content.decode()
        config = json.loads(re.search(
            r'<script id="passage-config" type="application/json">(.*?)</script>', body,
            re.S).group(1))
        assert config == {"checkpoint": self.world.checkpoint_a.pk,
                          "batchUrl": "/api/passages/batch",
                          "workerUrl": "/checkpoints/log/sw.js", "scope": "/checkpoints/log/",
                          "threshold": "37.3", "batchSize": 500}
        scripts = re.findall(r"<script(?![^>]*(?:src=|type=\"application/json\"))[^>]*>", body)
        assert scripts == []
        assert "script-src 'self'" in response["Content-Security-Policy"]
        for words in ("36.5", "Persuaded to turn back", "Village A2", "waiting to send"):
            assert words.lower() in body.lower(), words

    def test_it_asks_who_passes_not_who_operates_in_chinese(self) -> None:
        # "Who" is the audit log's actor (操作人); here it is the one passing, a person or a car.
        client = self.client_for(self.staff)
        client.cookies["django_language"] = "zh-hans"
        body = client.get(self.page).content.decode()
        assert "<legend>通行对象</legend>" in body and "操作人" not in body
        # In and out, one character each, as the gate's own sign says them.
        assert "<span>进</span>" in body and "<span>出</span>" in body and "进入" not in body

    def test_the_service_worker_is_served_under_the_pages_it_keeps(self) -> None:
        response = self.client_for(self.staff).get("/checkpoints/log/sw.js")
        assert response["Content-Type"].startswith("text/javascript")
        assert response["Cache-Control"] == "no-cache"
        script = response.content.decode()
        assert 'var STATIC_URL = "/static/";' in script and "__STATIC_URL__" not in script
        assert 'var CACHE = "epigrid-passage-log-v1";' in script

    def test_others_cannot_log_here(self) -> None:
        w = self.world
        assert self.client_for(self.staff).get(
            f"/checkpoints/log/{w.checkpoint_b.pk}/").status_code == 404
        assert self.client_for(w.bob).get(self.page).status_code == 404
        assert self.client_for(w.li).get(self.page).status_code == 403
        assert self.client_for(w.li).get("/checkpoints/log/").status_code == 403

    def test_without_javascript_the_page_posts_one_passage(self) -> None:
        client = self.client_for(self.staff)
        data = {"client_id": str(uuid.uuid4()), "kind": "person", "direction": "in",
                "temperature": "36.5", "temperature_other": "37.6", "decision": "pass"}
        response = client.post(self.page, data, follow=True)
        assert b"Stored." in response.content
        passage = Passage.objects.get()
        assert (str(passage.temperature), passage.decision) == ("37.6", "fever")
        refused = client.post(self.page, data | {"client_id": str(uuid.uuid4()),
                                                 "temperature_other": "45"}, follow=True)
        assert b"temperature: A body temperature lies between" in refused.content


class ListPageTests(BaseTestCase):
    def setUp(self) -> None:
        w = self.world
        self.staff = east_road_staff(w)
        self.at = (timezone.now() - datetime.timedelta(hours=1)).replace(minute=10)
        when = self.at.isoformat()
        record_passages(self.staff, w.checkpoint_a, [
            *items(3, at=when), item(at=when, decision="turned_back", name="Liu Yang"),
            item(at=when, kind="vehicle", plate="鄂A12345", passengers=2),
            item(at=when, temperature="38.9", id_number=ID_A, name="Wang Jun")])
        record_passages(w.bob, w.checkpoint_b, items(2, name="Zhao Xihe"))

    def test_it_drills_down_by_checkpoint_day_hour_and_decision(self) -> None:
        local = timezone.localtime(self.at)
        url = (f"/checkpoints/passages/?checkpoint={self.world.checkpoint_a.pk}"
               f"&day={local.date().isoformat()}&hour={local.hour}&decision=turned_back")
        body = self.client_for(self.world.alice).get(url).content.decode()
        assert "Liu Yang" in body and "Wang Jun" not in body
        other_hour = url.replace(f"hour={local.hour}", f"hour={(local.hour + 1) % 24}")
        assert b"No passage found." in self.client_for(self.world.alice).get(other_hour).content

    def test_it_lists_newest_first_in_scope_with_a_fixed_number_of_queries(self) -> None:
        alice = self.client_for(self.world.alice)
        with self.assertNumQueries(5):  # session, user, home area, passages, checkpoint menu
            body = alice.get("/checkpoints/passages/").content.decode()
        assert "鄂A12345 ×2" in body and "420102********001X" in body
        assert "Zhao Xihe" not in body and ID_A not in body
        assert body.index("Wang Jun") < body.index("Liu Yang")

    @override_settings(PAGE_SIZE=4)
    def test_it_pages_newest_first_before_the_last_one_shown(self) -> None:
        alice = self.client_for(self.world.alice)
        first = alice.get("/checkpoints/passages/")
        shown = [passage.pk for passage in first.context["passages"]]
        second = alice.get("/checkpoints/passages/", {"before": first.context["next_before"]})
        shown += [passage.pk for passage in second.context["passages"]]
        mine = Passage.objects.filter(checkpoint=self.world.checkpoint_a)
        assert shown == sorted(mine.values_list("pk", flat=True), reverse=True)
        assert first.context["next_before"] == shown[3] and second.context["next_before"] is None
        checkpoint = {"checkpoint": self.world.checkpoint_a.pk}
        assert [passage.pk for passage in alice.get("/checkpoints/passages/", checkpoint | {
            "before": shown[1]}).context["passages"]] == shown[2:]

    def test_the_fever_referrals_show_the_case(self) -> None:
        body = self.client_for(self.world.alice).get("/checkpoints/referrals/").content.decode()
        assert "38.9" in body and "Wang Jun" in body and "/cases/" in body
        assert b"38.9" not in self.client_for(self.world.bob).get(
            "/checkpoints/referrals/").content
        assert b"No fever referral." in self.client_for(self.world.alice).get(
            "/checkpoints/referrals/?status=closed").content
