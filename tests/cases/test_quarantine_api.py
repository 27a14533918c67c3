"""The quarantine API: list, detail, start, release, extend, follow-ups and today's round."""

from __future__ import annotations

from typing import Any

from django.test import Client

from epigrid.cases.models import Case, LabTest, Quarantine
from epigrid.cases.states import State
from tests.base import BaseTestCase
from tests.cases.quarantine_helpers import (
    at,
    close_contact,
    days_ago,
    home_quarantine,
    lab_result,
    room_of_site_b,
)

API = "/api/quarantine"


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data, content_type="application/json")


class ApiTests(BaseTestCase):
    def test_it_lists_pages_and_filters_by_area(self) -> None:
        w = self.world
        home_quarantine(w)
        home_quarantine(w, w.visitor_a)
        home_quarantine(w, w.person_b)
        client = self.client_for(w.alice)
        with self.assertNumQueries(4):  # session, user, home area, rows
            first = client.get(f"{API}?limit=1").json()
        assert [item["person_name"] for item in first["items"]] == ["Wang Jun"]
        rest = client.get(f"{API}?after={first['next_after']}").json()
        assert [item["person_name"] for item in rest["items"]] == ["Sun Li"]
        grid = client.get(f"{API}?area={w.grid_a1_2.pk}").json()["items"]
        assert [item["grid_name"] for item in grid] == ["Grid A1-2"]
        outside = client.get(f"{API}?area={w.town_b.pk}")
        assert outside.status_code == 422 and outside.json()["detail"][0]["loc"] == [
            "query", "area"]

    def test_it_starts_and_refuses_a_full_room_naming_the_field(self) -> None:
        w = self.world
        room = room_of_site_b(w)
        client = self.client_for(w.command)
        first = post(client, API, {"case_id": close_contact(w.person_a).pk,
                                   "kind": "centralized", "site_id": w.facility_b.pk,
                                   "room_id": room.pk})
        assert first.status_code == 201
        assert (first.json()["room_number"], first.json()["site_name"]) == (
            "101", "Xihe Quarantine Hotel")
        full = post(client, API, {"case_id": close_contact(w.person_b).pk,
                                  "kind": "centralized", "site_id": w.facility_b.pk,
                                  "room_id": room.pk})
        assert full.status_code == 422
        assert full.json()["detail"] == [{"loc": ["body", "room"], "msg": "Room 101 is full "
                                          "(1 places).", "type": "value_error"}]

    def test_it_refuses_a_grid_worker_to_start_and_town_b_to_see(self) -> None:
        w = self.world
        case = close_contact(w.person_a)
        assert post(self.client_for(w.li), API, {"case_id": case.pk,
                                                 "kind": "home"}).status_code == 403
        assert post(self.client_for(w.bob), API, {"case_id": case.pk,
                                                  "kind": "home"}).status_code == 404
        quarantine = home_quarantine(w, w.person_a2, started=14)
        assert self.client_for(w.bob).get(f"{API}/{quarantine.pk}").status_code == 404
        assert post(self.client_for(w.bob), f"{API}/{quarantine.pk}/follow-ups", {
            "slot": "am", "temperature": "36.5"}).status_code == 404

    def test_it_records_follow_ups_releases_and_extends(self) -> None:
        w = self.world
        quarantine = home_quarantine(w, started=14)
        li, alice = self.client_for(w.li), self.client_for(w.alice)
        recorded = post(li, f"{API}/{quarantine.pk}/follow-ups",
                        {"slot": "am", "temperature": "37.2"})
        assert recorded.status_code == 201
        assert (recorded.json()["abnormal"], recorded.json()["escalated"]) == (False, False)
        resent = post(li, f"{API}/{quarantine.pk}/follow-ups",
                      {"slot": "am", "temperature": "37.2"})
        assert resent.status_code == 200 and resent.json()["resent"] is True
        assert resent.json()["follow_up"]["id"] == recorded.json()["follow_up"]["id"]
        twice = post(li, f"{API}/{quarantine.pk}/follow-ups",
                     {"slot": "am", "temperature": "37.4"})
        assert twice.status_code == 422 and twice.json()["detail"][0]["loc"] == ["body", "slot"]
        today = li.get(f"{API}/today").json()
        assert [(row["quarantine"]["id"], row["due"]) for row in today["items"]] == [
            (quarantine.pk, ["pm"])]
        assert today["next_after"] is None
        assert post(li, f"{API}/{quarantine.pk}/release", {}).status_code == 403
        short = post(alice, f"{API}/{quarantine.pk}/release", {})
        assert short.status_code == 422 and "1 found" not in short.json()["detail"][0]["msg"]
        extended = post(alice, f"{API}/{quarantine.pk}/extend",
                        {"exposure_date": days_ago(0).isoformat(), "reason": "visitor"})
        assert extended.json()["extensions"] == 1
        detail = alice.get(f"{API}/{quarantine.pk}").json()
        assert [row["temperature"] for row in detail["follow_ups"]] == ["37.2"]

    def test_it_releases_with_two_negatives(self) -> None:
        w = self.world
        quarantine = home_quarantine(w, started=14)
        for hour in (8, 9):
            lab_result(w, w.person_a, LabTest.Result.NEGATIVE, at(days_ago(1), hour))
        released = post(self.client_for(w.alice), f"{API}/{quarantine.pk}/release", {})
        assert released.status_code == 200 and released.json()["outcome"] == "released"
        assert Case.objects.get(pk=quarantine.case_id).state == State.RELEASED
        assert Quarantine.objects.get().ended_on == days_ago(0)

    def test_it_pages_the_round_of_today_by_id(self) -> None:
        w = self.world
        first, second = home_quarantine(w), home_quarantine(w, w.person_a2)
        li = self.client_for(w.li)
        page = li.get(f"{API}/today?limit=1").json()
        assert [row["quarantine"]["id"] for row in page["items"]] == [first.pk]
        assert page["next_after"] == first.pk
        rest = li.get(f"{API}/today?limit=1&after={first.pk}").json()
        assert [row["quarantine"]["id"] for row in rest["items"]] == [second.pk]
        assert rest["next_after"] is None
        assert [row["due"] for row in rest["items"]] == [["am", "pm"]]
