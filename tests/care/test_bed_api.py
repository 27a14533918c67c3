"""The bed API: scoped bed lists by key, an update with its refusals answered 422 on the field
(a count above the total, a negative one), 404 for a facility elsewhere and 403 for a role that
may not; area totals; the exports; the waiting list, its requests and cancelling."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from django.db import connection
from django.test.utils import CaptureQueriesContext

from epigrid.accounts.models import User
from epigrid.care import beds, have
from epigrid.care.models import AdmissionRequest, BedStock
from epigrid.cases import services
from epigrid.cases.states import State
from tests.base import BaseTestCase
from tests.care.bed_helpers import hospital, hotel, hours_ago, open_case, stock

API = "/api/beds"


class BedApiTests(BaseTestCase):
    def setUp(self) -> None:
        w = self.world
        self.hospital, self.hotel = hospital(w), hotel(w)
        self.icu = stock(self.hospital, "icu", 10, 7, 1)
        stock(self.hotel, "quarantine", 200, 150, hours=10)
        self.b_rooms = stock(w.facility_b, "quarantine", 80, 20)

    def call(self, user: User, method: str, url: str, data: Any = None) -> Any:
        return self.client_for(user).generic(method, API + url, json.dumps(data or {}),
                                             content_type="application/json")

    def errors(self, response: Any) -> dict[str, str]:
        assert response.status_code == 422, response.content
        return {d["loc"][-1]: d["msg"] for d in response.json()["detail"]}

    def test_it_lists_bed_figures_in_scope_with_stale_flags(self) -> None:
        w = self.world
        items = self.call(w.alice, "GET", "/stocks").json()["items"]
        assert [(i["facility_code"], i["bed_type"], i["available"], i["stale"]) for i in items] \
            == [("H-DC-01", "icu", 2, False), ("Q-DC-01", "quarantine", 50, True)]
        assert [i["facility_code"] for i in self.call(w.bob, "GET", "/stocks").json()["items"]] \
            == ["FA-B-001"]
        assert self.call(w.stranger, "GET", "/stocks").json()["items"] == []
        stale = self.call(w.medic, "GET", "/stocks?stale=true").json()["items"]
        assert [i["facility_code"] for i in stale] == ["Q-DC-01"]
        only_b = self.call(w.medic, "GET", f"/stocks?area={w.town_b.pk}").json()["items"]
        assert [i["id"] for i in only_b] == [self.b_rooms.pk]
        assert self.call(w.bob, "GET", f"/stocks/{self.icu.pk}").status_code == 404
        assert self.call(w.alice, "GET", f"/stocks/{self.icu.pk}").json()["total"] == 10

    def test_it_pages_the_list_by_key_in_bounded_queries(self) -> None:
        w = self.world
        with CaptureQueriesContext(connection) as queries:
            first = self.call(w.medic, "GET", "/stocks?limit=2").json()
        assert len(first["items"]) == 2 and first["next_after"]
        rest = self.call(w.medic, "GET", f"/stocks?limit=2&after={first['next_after']}").json()
        assert [i["id"] for i in rest["items"]] == [self.b_rooms.pk]
        assert len(queries) <= 4

    def test_it_updates_one_bed_type_and_names_the_field_it_refuses(self) -> None:
        w = self.world
        url = f"/facilities/{self.hospital.pk}/icu"
        done = self.call(w.medic, "PUT", url, {"total": 12, "occupied": 11, "reserved": 1})
        assert done.status_code == 200 and done.json()["available"] == 0
        above = self.errors(self.call(w.medic, "PUT", url, {"total": 12, "occupied": 13}))
        assert "above the total" in above["occupied"]
        both = self.errors(self.call(w.medic, "PUT", url, {"total": 12, "occupied": 10,
                                                          "reserved": 3}))
        assert "above the total" in both["reserved"]
        negative = self.errors(self.call(w.medic, "PUT", url, {"total": -4}))
        assert "negative" in negative["total"]
        assert BedStock.objects.get(pk=self.icu.pk).occupied == 11

    def test_it_refuses_a_facility_elsewhere_and_a_role_that_may_not(self) -> None:
        w = self.world
        url = f"/facilities/{self.hospital.pk}/icu"
        assert self.call(w.bob, "PUT", url, {"total": 99}).status_code == 404
        assert self.call(w.alice, "PUT", url, {"total": 99}).status_code == 403
        assert self.call(w.medic, "PUT", f"/facilities/{self.hospital.pk}/sofa",
                         {"total": 1}).status_code == 422
        assert BedStock.objects.get(pk=self.icu.pk).total == 10

    def test_it_sets_several_bed_types_at_once_or_none(self) -> None:
        w = self.world
        url = f"/facilities/{self.hospital.pk}"
        bad = self.call(w.medic, "POST", url, {"beds": [
            {"bed_type": "icu", "total": 10, "occupied": 3},
            {"bed_type": "general", "total": 5, "occupied": 6}]})
        assert "general-occupied" in self.errors(bad)
        assert BedStock.objects.get(pk=self.icu.pk).occupied == 7
        good = self.call(w.medic, "POST", url, {"beds": [
            {"bed_type": "icu", "total": 10, "occupied": 3},
            {"bed_type": "general", "total": 50, "occupied": 6, "reserved": 4}]})
        assert [(i["bed_type"], i["available"]) for i in good.json()] == [("general", 40),
                                                                           ("icu", 7)]

    def test_it_sums_an_area_by_bed_type(self) -> None:
        w = self.world
        got = self.call(w.medic, "GET", f"/totals?area={w.district.pk}").json()
        assert [(t["bed_type"], t["facilities"], t["available"], t["stale"]) for t in got] == [
            ("icu", 1, 2, 0), ("quarantine", 2, 110, 1)]
        assert self.call(w.bob, "GET", f"/totals?area={w.town_a.pk}").status_code == 422
        assert [t["total"] for t in self.call(w.bob, "GET", "/totals").json()] == [80]

    def test_it_exports_edxl_have_and_json(self) -> None:
        w = self.world
        xml = self.call(w.medic, "GET", f"/have.xml?area={w.town_a.pk}")
        assert xml.status_code == 200 and xml["Content-Type"] == "application/xml"
        root = ET.fromstring(xml.content)  # noqa: S314 - our own export
        assert len(root.findall(f"{{{have.HAVE_NS}}}Organisation")) == 2
        data = self.call(w.bob, "GET", "/have.json").json()
        assert [f["name"] for f in data["facilities"]] == ["Xihe Quarantine Hotel"]
        assert self.call(w.li, "GET", "/have.json").status_code == 403


class RequestApiTests(BaseTestCase):
    def setUp(self) -> None:
        w = self.world
        self.jun = open_case(w.person_a, State.CONFIRMED, "critical")
        self.min = open_case(w.person_b, State.CLOSE_CONTACT)

    def post(self, user: User, url: str, data: Any) -> Any:
        return self.client_for(user).post(API + url, json.dumps(data),
                                          content_type="application/json")

    def test_it_creates_lists_and_cancels_requests(self) -> None:
        w = self.world
        made = self.post(w.alice, "/requests", {"case_id": self.jun.pk, "note": "ventilator",
                                                "waiting_since": hours_ago(26).isoformat()})
        assert made.status_code == 201, made.content
        body = made.json()
        assert (body["person_name"], body["severity"], body["pickup_area_id"]) == (
            "Wang Jun", "critical", w.grid_a1_1.pk)
        assert body["hours_waiting"] >= 26
        beds.request_admission(self.min, None, "", w.medic)
        client = self.client_for(w.medic)
        assert [r["person_name"] for r in client.get(API + "/requests").json()["items"]] == [
            "Wang Jun", "Zhao Min"]
        assert [r["person_name"] for r in client.get(
            API + "/requests?over_24h=true").json()["items"]] == ["Wang Jun"]
        assert client.get(API + "/requests/figures").json() == {"awaiting": 2, "over_24h": 1}
        assert self.client_for(w.bob).get(API + f"/requests/{body['id']}").status_code == 404
        cancelled = self.post(w.medic, f"/requests/{body['id']}/cancel", {})
        assert cancelled.json()["status"] == "cancelled"
        again = self.post(w.medic, f"/requests/{body['id']}/cancel", {})
        assert again.status_code == 422

    def test_it_refuses_twice_a_closed_case_and_another_town_s_case(self) -> None:
        w = self.world
        assert self.post(w.medic, "/requests", {"case_id": self.jun.pk}).status_code == 201
        twice = self.post(w.medic, "/requests", {"case_id": self.jun.pk})
        assert twice.status_code == 422 and "already waits" in twice.content.decode()
        assert self.post(w.alice, "/requests", {"case_id": self.min.pk}).status_code == 404
        services.transition(self.min, State.EXCLUDED, reason="not a contact")
        closed = self.post(w.medic, "/requests", {"case_id": self.min.pk})
        assert closed.status_code == 422 and "does not wait" in closed.content.decode()
        far = self.post(w.alice, "/requests", {"case_id": self.jun.pk,
                                              "pickup_area_id": w.town_b.pk})
        assert far.status_code == 422
        assert AdmissionRequest.objects.count() == 1
        assert self.post(w.li, "/requests", {"case_id": self.jun.pk}).status_code == 403
