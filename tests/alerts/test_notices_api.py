"""The API of notices sent by hand: send, list, one notice's readers by area, who waits; 422
naming the field, 404 out of sight, 403 without the capability."""

from __future__ import annotations

from typing import Any

from django.test import Client

from epigrid.alerts.models import Notice, Receipt
from epigrid.alerts.sending import send_notice
from epigrid.core.access import Role
from tests.base import BaseTestCase

URL = "/api/alerts/notices"


def post(client: Client, data: dict[str, Any]) -> Any:
    return client.post(URL, data, content_type="application/json")


def errors_of(response: Any) -> dict[str, str]:
    return {detail["loc"][-1]: detail["msg"] for detail in response.json()["detail"]}


class NoticesApiTests(BaseTestCase):
    def test_it_sends_and_answers_the_readers_by_area(self) -> None:
        w = self.world
        response = post(self.client_for(w.command), {
            "area_ids": [w.town_a.pk], "roles": ["grid_worker", "area_officer"],
            "title": "Round two", "body": "08:00"})
        self.assertEqual(response.status_code, 201)
        body = response.json()
        self.assertEqual({key: body[key] for key in ("title", "body", "sent_by", "area_ids",
                                                     "roles", "recipients", "read")},
                         {"title": "Round two", "body": "08:00", "sent_by": "zhou",
                          "area_ids": [w.town_a.pk], "roles": ["area_officer", "grid_worker"],
                          "recipients": 2, "read": 0})
        self.assertEqual(body["by_area"], [
            {"area": "Dongcheng Town", "recipients": 1, "read": 0, "waiting": 1},
            {"area": "Village A1", "recipients": 1, "read": 0, "waiting": 1}])
        # Li acknowledges it through her inbox API; the command sees who still waits.
        receipt = Receipt.objects.get(user=w.li)
        self.assertEqual(self.client_for(w.li).post(
            f"/api/alerts/inbox/{receipt.pk}/read").json()["sent_by"], "zhou")
        waiting = self.client_for(w.command).get(f"{URL}/{body['id']}/waiting").json()
        self.assertEqual([(row["username"], row["area"]) for row in waiting["items"]],
                         [("alice", "Dongcheng Town")])
        again = self.client_for(w.command).get(f"{URL}/{body['id']}").json()
        self.assertEqual((again["recipients"], again["read"]), (2, 1))

    def test_it_names_each_wrong_field(self) -> None:
        w = self.world
        response = post(self.client_for(w.command), {
            "area_ids": [], "roles": ["grid_worker"], "title": "", "body": ""})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(errors_of(response), {
            "area_ids": "Choose the areas whose users the notice is for.",
            "title": "Give the notice a title."})
        response = post(self.client_for(w.command), {
            "area_ids": [w.town_a.pk], "roles": ["mayor"], "title": "x"})
        self.assertEqual((response.status_code, response.json()["detail"][0]["loc"]),
                         (422, ["body", "payload", "roles", 0]))
        self.assertFalse(Notice.objects.exists())

    def test_it_refuses_texting_where_no_gateway_is_set_up(self) -> None:
        w = self.world
        response = post(self.client_for(w.command), {
            "area_ids": [w.town_a.pk], "roles": ["grid_worker"], "title": "x", "by_sms": True})
        self.assertEqual(response.status_code, 422)
        self.assertIn("not set up", errors_of(response)["by_sms"])
        self.assertFalse(Notice.objects.exists())

    def test_it_answers_a_missing_area_as_one_out_of_sight(self) -> None:
        w = self.world
        client = self.client_for(w.alice)
        for area_ids in ([w.town_b.pk], [10**6]):
            response = post(client, {"area_ids": area_ids, "roles": ["area_officer"],
                                     "title": "Hello"})
            self.assertEqual((response.status_code, errors_of(response)),
                             (422, {"area_ids": "No such area among the areas you may see."}))

    def test_it_refuses_a_role_that_may_not_send(self) -> None:
        w = self.world
        response = post(self.client_for(w.li), {"area_ids": [w.grid_a1_1.pk],
                                                "roles": ["grid_worker"], "title": "Hi"})
        self.assertEqual(response.status_code, 403)

    def test_it_lists_only_the_notices_in_sight_and_hides_the_others_alike(self) -> None:
        w = self.world
        both = send_notice(w.command, [w.town_a, w.town_b], [Role.AREA_OFFICER], "Both")
        mine = send_notice(w.alice, [w.village_a1], [Role.GRID_WORKER], "Lanes")
        client = self.client_for(w.alice)
        listed = client.get(URL).json()
        self.assertEqual([row["title"] for row in listed["items"]], ["Lanes"])
        self.assertEqual(client.get(f"{URL}/{mine.pk}").status_code, 200)
        for pk in (both.pk, 10**6):
            self.assertEqual(client.get(f"{URL}/{pk}").status_code, 404)
            self.assertEqual(client.get(f"{URL}/{pk}/waiting").status_code, 404)
