"""The duty pages and API: planning a shift through a form or JSON, the refusals naming their
field, the roster, who is on duty now, gaps and hours; scoped (404) and guarded (403)."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.test import override_settings
from django.urls import reverse

from epigrid.checkpoints import duty
from epigrid.checkpoints.models import Assignment, DutyShift
from tests.base import BaseTestCase
from tests.checkpoints.duty_helpers import at, later, staff, staff_the_world

H = datetime.timedelta(hours=1)


class DutyPageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        cls.people = staff_the_world(w)
        cls.day = later(days=1).date()
        cls.shift = duty.create_shift(w.alice, w.checkpoint_a, cls.people["ma"],
                                      at(cls.day, 8), at(cls.day, 16))

    def form(self, start: str, end: str, person: str = "niu") -> dict[str, Any]:
        return {"user": self.people[person].pk, "starts_at": start, "ends_at": end, "note": ""}

    def test_it_plans_a_shift_through_the_form(self) -> None:
        w = self.world
        url = reverse("checkpoints:shift_create", args=[w.checkpoint_a.pk])
        d = self.day.isoformat()
        response = self.client_for(w.alice).post(url, self.form(f"{d}T16:00", f"{d}T23:30"))
        assert response.status_code == 302
        assert response["Location"].endswith(f"?day={d}")
        shift = DutyShift.objects.get(user=self.people["niu"])
        assert shift.ends_at - shift.starts_at == 7.5 * H

    def test_it_shows_the_refusal_on_its_field(self) -> None:
        w = self.world
        url = reverse("checkpoints:shift_create", args=[w.checkpoint_a.pk])
        d = self.day.isoformat()
        client = self.client_for(w.alice)
        response = client.post(url, self.form(f"{d}T08:00", f"{d}T07:00"))
        assert response.status_code == 200
        assert response.context["form"].errors["ends_at"] == ["A shift ends after it starts."]
        response = client.post(url, self.form(f"{d}T09:00", f"{d}T10:00", person="ma"))
        assert "Hua Ma is already on duty" in response.context["form"].errors["starts_at"][0]
        response = client.post(url, self.form(f"{d}T09:00", f"{d}T10:00", person="qin"))
        assert "user" in response.context["form"].errors  # not a choice at this checkpoint
        assert DutyShift.objects.count() == 1

    def test_it_edits_and_deletes_a_shift(self) -> None:
        w = self.world
        client = self.client_for(w.alice)
        d = self.day.isoformat()
        edit = reverse("checkpoints:shift_edit", args=[self.shift.pk])
        assert client.get(edit).status_code == 200
        assert client.post(edit, self.form(f"{d}T09:00", f"{d}T17:00", "ma")).status_code == 302
        self.shift.refresh_from_db()
        assert self.shift.starts_at == at(self.day, 9)
        response = client.post(reverse("checkpoints:shift_delete", args=[self.shift.pk]))
        assert response.status_code == 302
        assert not DutyShift.objects.exists()

    def test_it_keeps_other_towns_and_non_planners_out(self) -> None:
        w = self.world
        create = reverse("checkpoints:shift_create", args=[w.checkpoint_a.pk])
        edit = reverse("checkpoints:shift_edit", args=[self.shift.pk])
        delete = reverse("checkpoints:shift_delete", args=[self.shift.pk])
        for url in (create, edit):
            assert self.client_for(w.bob).get(url).status_code == 404
            assert self.client_for(w.medic).get(url).status_code == 403
        assert self.client_for(w.bob).post(delete).status_code == 404
        assert self.client_for(w.medic).post(delete).status_code == 403
        page = self.client_for(w.medic).get(reverse("checkpoints:duty_checkpoint",
                                                 args=[w.checkpoint_a.pk]))
        assert page.status_code == 200 and "Plan a shift" not in page.content.decode()
        assert DutyShift.objects.filter(pk=self.shift.pk).exists()

    def test_it_draws_the_checkpoint_roster_in_a_fixed_number_of_queries(self) -> None:
        w = self.world
        url = reverse("checkpoints:duty_checkpoint", args=[w.checkpoint_a.pk])
        client = self.client_for(w.alice)
        response = client.get(url + f"?day={self.day.isoformat()}")
        body = response.content.decode()
        assert response.status_code == 200
        assert "Hua Ma" in body and 'class="gap"' in body and "niu" in body
        for n in range(3):
            duty.create_shift(w.alice, w.checkpoint_a, self.people["niu"],
                              at(self.day, 16) + n * 8 * H, at(self.day, 16) + (n + 1) * 8 * H)
        with self.assertNumQueries(len(self.queries_of(client, url))):
            client.get(url)

    def queries_of(self, client: Any, url: str) -> list[Any]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        return captured.captured_queries

    def test_it_assigns_and_removes_people_on_the_checkpoint_page(self) -> None:
        w = self.world
        newcomer = staff("han", w.village_a1)
        client = self.client_for(w.alice)
        url = reverse("checkpoints:assignment_add", args=[w.checkpoint_a.pk])
        assert client.post(url, {"user": newcomer.pk}).status_code == 302
        assignment = Assignment.objects.get(user=newcomer)
        assert client.post(url, {"user": self.people["qin"].pk}).status_code == 302
        assert not Assignment.objects.filter(user=self.people["qin"],
                                             checkpoint=w.checkpoint_a).exists()
        assert self.client_for(w.bob).post(url, {"user": newcomer.pk}).status_code == 404
        remove = reverse("checkpoints:assignment_delete", args=[assignment.pk])
        assert self.client_for(w.medic).post(remove).status_code == 403
        assert client.post(remove).status_code == 302
        assert not Assignment.objects.filter(pk=assignment.pk).exists()

    def test_it_lists_who_is_on_duty_with_phones_gaps_and_hours(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        now = client.get(reverse("checkpoints:duty_area", args=[w.district.pk])).content.decode()
        assert "East Road Checkpoint" in now and "Nobody on duty" in now
        gaps = client.get(reverse("checkpoints:duty_gaps", args=[w.district.pk])).content
        assert "West Gate Checkpoint" in gaps.decode()
        hours = client.get(reverse("checkpoints:duty_hours", args=[w.district.pk]),
                           {"day": self.day.isoformat(), "days": "1"}).content.decode()
        assert "Hua Ma" in hours and "137****0001" in hours and "13700000001" not in hours
        bad = client.get(reverse("checkpoints:duty_hours", args=[w.district.pk]),
                         {"days": "40"})
        assert "between 1 and 31 days" in bad.content.decode()
        assert self.client_for(w.bob).get(
            reverse("checkpoints:duty_area", args=[w.town_a.pk])).status_code == 404
        index = self.client_for(w.alice).get(reverse("checkpoints:duty_index"))
        assert index["Location"] == reverse("checkpoints:duty_area", args=[w.town_a.pk])


    @override_settings(PAGE_SIZE=1)
    def test_it_shows_hours_and_gaps_a_page_at_a_time(self) -> None:
        w = self.world
        duty.create_shift(w.alice, w.checkpoint_a, self.people["niu"], at(self.day, 16),
                          at(self.day, 20))
        client = self.client_for(w.command)
        url = reverse("checkpoints:duty_hours", args=[w.district.pk])
        week = {"day": self.day.isoformat(), "days": "1"}
        first = client.get(url, week)
        assert [row.user.username for row in first.context["rows"]] == ["ma"]  # 8 h, then 4 h
        body = first.content.decode()
        assert "2 persons on duty" in body and "Page 1 of 2" in body
        second = client.get(url, {**week, "page": "2"})
        assert [(row.user.username, row.hours, row.shifts)
                for row in second.context["rows"]] == [("niu", 4.0, 1)]
        gaps = client.get(reverse("checkpoints:duty_gaps", args=[w.district.pk]))
        assert len(gaps.context["rows"]) == 1
        assert "2 checkpoints with times nobody is on duty" in gaps.content.decode()
        last = client.get(reverse("checkpoints:duty_gaps", args=[w.district.pk]),
                          {"page": "99"})  # past the end: the last page
        assert [row[0].name for row in last.context["rows"]] == ["West Gate Checkpoint"]


class DutyApiTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.people = staff_the_world(cls.world)
        cls.day = later(days=1).date()

    def post(self, user: Any, url: str, body: dict[str, Any], method: str = "post") -> Any:
        return self.client_for(user).generic(method.upper(), url, json.dumps(body),
                                             content_type="application/json")

    def body(self, person: str, start: datetime.datetime, hours: float) -> dict[str, Any]:
        return {"user_id": self.people[person].pk, "starts_at": start.isoformat(),
                "ends_at": (start + hours * H).isoformat()}

    def test_it_plans_changes_and_deletes_a_shift(self) -> None:
        w = self.world
        url = f"/api/duty/checkpoints/{w.checkpoint_a.pk}/shifts"
        made = self.post(w.alice, url, self.body("ma", at(self.day, 8), 8))
        assert made.status_code == 201, made.content
        shift = made.json()
        assert shift["person"] == {"id": self.people["ma"].pk, "name": "Hua Ma",
                                   "phone_masked": "137****0001"}
        listed = self.client_for(w.alice).get(url, {"day": self.day.isoformat(), "days": "1"})
        assert [s["id"] for s in listed.json()] == [shift["id"]]
        changed = self.post(w.alice, f"/api/duty/shifts/{shift['id']}",
                            {"ends_at": at(self.day, 18).isoformat()}, "patch")
        assert changed.status_code == 200 and changed.json()["ends_at"].startswith(
            f"{self.day.isoformat()}T18:00")
        assert self.post(w.bob, f"/api/duty/shifts/{shift['id']}", {}, "delete").status_code \
            == 404
        assert self.post(w.medic, f"/api/duty/shifts/{shift['id']}", {}, "delete").status_code \
            == 403
        assert self.post(w.alice, f"/api/duty/shifts/{shift['id']}", {}, "delete").status_code \
            == 204

    def test_it_answers_422_naming_the_field(self) -> None:
        w = self.world
        url = f"/api/duty/checkpoints/{w.checkpoint_a.pk}/shifts"
        too_long = self.post(w.alice, url, self.body("ma", at(self.day, 8), 25))
        assert too_long.status_code == 422
        assert too_long.json()["detail"][0]["loc"] == ["body", "ends_at"]
        unknown = self.post(w.alice, url, {**self.body("ma", at(self.day, 8), 1),
                                           "user_id": 999_999})
        assert unknown.json()["detail"][0]["loc"] == ["body", "user_id"]
        assert self.post(w.bob, url, self.body("ma", at(self.day, 8), 1)).status_code == 404
        assert self.post(w.medic, url, self.body("ma", at(self.day, 8), 1)).status_code == 403
        assert not DutyShift.objects.exists()

    def test_it_tells_who_is_on_duty_gaps_and_hours(self) -> None:
        w = self.world
        now = later(hours=-1)
        duty.create_shift(w.alice, w.checkpoint_a, self.people["ma"], now, now + 4 * H)
        client = self.client_for(w.command)
        area = client.get(f"/api/duty/areas/{w.district.pk}/now").json()
        assert area["unstaffed"] == 1 and area["next_after"] is None
        assert [(i["checkpoint_name"], [s["person"]["phone_masked"] for s in i["on_duty"]])
                for i in area["items"]] == [("East Road Checkpoint", ["137****0001"]),
                                            ("West Gate Checkpoint", [])]
        one = client.get(f"/api/duty/checkpoints/{w.checkpoint_a.pk}/now").json()
        assert [s["person"]["name"] for s in one["on_duty"]] == ["Hua Ma"]
        gaps = client.get(f"/api/duty/checkpoints/{w.checkpoint_a.pk}/gaps").json()
        assert datetime.datetime.fromisoformat(gaps[0]["start"]) == now + 4 * H
        listed = client.get(f"/api/duty/areas/{w.district.pk}/gaps").json()
        assert {row["checkpoint_name"] for row in listed["items"]} == {
            "East Road Checkpoint", "West Gate Checkpoint"}
        assert listed["next_after"] is None
        # The two days ending on the shift's last day hold all of it, even when it runs past
        # midnight (a test at 21:00-23:59 local time).
        hours = client.get(f"/api/duty/areas/{w.district.pk}/hours",
                           {"day": (now + 4 * H).date().isoformat(), "days": "2"}).json()
        assert hours == {"items": [{"person": {"id": self.people["ma"].pk, "name": "Hua Ma",
                                               "phone_masked": "137****0001"}, "shifts": 1,
                                    "hours": 4.0}], "next_page": None}
        assert client.get(f"/api/duty/areas/{w.district.pk}/hours",
                          {"days": "0"}).json()["detail"][0]["loc"] == ["query", "days"]
        bob = self.client_for(w.bob)
        assert bob.get(f"/api/duty/areas/{w.town_a.pk}/now").status_code == 404
        assert bob.get(f"/api/duty/checkpoints/{w.checkpoint_a.pk}/gaps").status_code == 404

    def test_it_manages_assignments(self) -> None:
        w = self.world
        newcomer = staff("han", w.village_a1)
        url = f"/api/duty/checkpoints/{w.checkpoint_a.pk}/assignments"
        made = self.post(w.alice, url, {"user_id": newcomer.pk})
        assert made.status_code == 201
        assert {a["person"]["id"] for a in self.client_for(w.alice).get(url).json()} == {
            self.people["ma"].pk, self.people["niu"].pk, newcomer.pk}
        refused = self.post(w.alice, url, {"user_id": self.people["qin"].pk})
        assert refused.status_code == 422 and "qin" not in refused.content.decode()
        delete = f"/api/duty/assignments/{made.json()['id']}"
        assert self.post(w.bob, delete, {}, "delete").status_code == 404
        assert self.post(w.alice, delete, {}, "delete").status_code == 204
