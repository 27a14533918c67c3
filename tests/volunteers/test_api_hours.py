"""Hours served 服务时长 through the API: recorded on a project by those who keep its area
(MANAGE_VOLUNTEERS over it) for a volunteer they see, listed by key the latest recorded first,
withdrawn when typed wrongly; the project's and the volunteer's totals follow; refusals naming
the field with nothing written (hours out of 0-24 or not in half hours, a day the project was
not open, a volunteer unknown or out of sight), 403 for the wrong role, 404 for a project or a
record out of sight."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from epigrid.volunteers.models import ServiceRecord
from tests.volunteers.helpers import VolunteersTestCase, days

URL = "/api/volunteers"


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def errors_of(response: Any) -> dict[str, str]:
    """The refused fields by name, `` for the whole body."""
    assert response.status_code == 422, response.content
    return {".".join(str(part) for part in detail["loc"][1:] if part != "payload"):
            detail["msg"] for detail in response.json()["detail"]}


class RecordTests(VolunteersTestCase):
    def test_it_records_hours_and_the_totals_follow(self) -> None:
        w = self.world
        project, wang = self.project(), self.volunteer()
        alice = self.client_for(w.alice)
        response = post(alice, f"{URL}/projects/{project.pk}/hours", {
            "volunteer": wang.pk, "served_on": days(-1).isoformat(), "hours": "3.5",
            "note": "Two rounds of deliveries"})
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["project_id"], body["volunteer_id"], body["volunteer_name"],
                body["volunteer_area_name"], body["served_on"], body["hours"], body["note"],
                body["recorded_by"]) == (
            project.pk, wang.pk, "Wang Fang", "Village A1", days(-1).isoformat(), "3.5",
            "Two rounds of deliveries", "alice")
        # A number is as good as a string.
        assert post(alice, f"{URL}/projects/{project.pk}/hours", {
            "volunteer": wang.pk, "served_on": days(-2).isoformat(),
            "hours": 2}).status_code == 201
        totals = alice.get(f"{URL}/projects/{project.pk}").json()
        assert (totals["hours"], totals["volunteers"]) == ("5.5", 1)
        served = alice.get(f"{URL}/volunteers/{wang.pk}").json()
        assert (served["hours"], [(row["hours"], row["days"]) for row in served["by_project"]]
                ) == ("5.5", [("5.5", 2)])

    def test_it_names_each_refusal_and_writes_nothing(self) -> None:
        w = self.world
        project, wang = self.project(), self.volunteer()
        other = self.project(w.village_a1, name="East Road checkpoint", kind="checkpoint")
        self.hours(project, wang, "3", days(-1))
        self.hours(other, wang, "20", days(-2))
        alice = self.client_for(w.alice)
        url = f"{URL}/projects/{project.pk}/hours"

        def refused(**fields: Any) -> dict[str, str]:
            data = {"volunteer": wang.pk, "served_on": days(-3).isoformat(), "hours": "2"}
            return errors_of(post(alice, url, data | fields))

        for hours in (0, "24.5", "1.3", -1, "abc"):
            assert list(refused(hours=hours)) == ["hours"], hours
        before_start = refused(served_on=days(-8).isoformat())
        assert list(before_start) == ["served_on"]
        assert days(-7).isoformat() in before_start["served_on"]
        assert list(refused(served_on=days(1).isoformat())) == ["served_on"]
        twice = refused(served_on=days(-1).isoformat())
        assert list(twice) == ["served_on"] and "3.0 hours" in twice["served_on"]
        over = refused(served_on=days(-2).isoformat(), hours="4.5")
        assert list(over) == ["hours"] and "20.0 hours" in over["hours"]
        unknown = refused(volunteer=999_999)
        assert list(unknown) == ["volunteer"] and "999999" in unknown["volunteer"]
        # Bob's volunteer is as unknown to Alice as one that does not exist.
        zhao = self.volunteer(w.village_b1, name="Zhao Gang", by=w.bob)
        assert list(refused(volunteer=zhao.pk)) == ["volunteer"]
        assert ServiceRecord.objects.count() == 2

    def test_it_refuses_a_day_after_the_project_closed_or_before_the_volunteer_came(
            self) -> None:
        w = self.world
        project = self.project()
        post(self.client_for(w.alice), f"{URL}/projects/{project.pk}/close",
             {"on": days(-3).isoformat()})
        late = self.volunteer(name="Lin Hui", registered_on=days(-5))
        url = f"{URL}/projects/{project.pk}/hours"
        alice = self.client_for(w.alice)
        closed = errors_of(post(alice, url, {"volunteer": late.pk, "hours": "2",
                                             "served_on": days(-2).isoformat()}))
        assert list(closed) == ["served_on"] and days(-3).isoformat() in closed["served_on"]
        early = errors_of(post(alice, url, {"volunteer": late.pk, "hours": "2",
                                            "served_on": days(-6).isoformat()}))
        assert list(early) == ["served_on"] and "Lin Hui" in early["served_on"]
        assert not ServiceRecord.objects.exists()

    def test_it_refuses_the_wrong_role_or_area(self) -> None:
        w = self.world
        project = self.project(w.village_a1)
        sun = self.volunteer(w.grid_a1_1, name="Sun Mei")
        data = {"volunteer": sun.pk, "served_on": days(-1).isoformat(), "hours": "2"}
        url = f"{URL}/projects/{project.pk}/hours"
        assert post(self.client_for(w.medic), url, data).status_code == 403
        for user in (w.bob, w.li, w.stranger):
            assert post(self.client_for(user), url, data).status_code == 404, user
        # The district's project is above Alice: she reads nothing of it.
        hotline = self.project(w.district, name="District hotline", by=w.command)
        assert post(self.client_for(w.alice), f"{URL}/projects/{hotline.pk}/hours",
                    data).status_code == 404
        assert not ServiceRecord.objects.exists()


class ListTests(VolunteersTestCase):
    def test_it_lists_a_projects_hours_the_latest_recorded_first(self) -> None:
        w = self.world
        project = self.project()
        wang, lin = self.volunteer(), self.volunteer(w.village_a2, name="Lin Hui")
        made = [self.hours(project, wang, "3", days(-3)),
                self.hours(project, lin, "2.5", days(-1)),
                self.hours(project, wang, "4", days(-1))]
        self.hours(self.project(name="Other"), wang, "1", days(-2))
        alice = self.client_for(w.alice)
        page = alice.get(f"{URL}/projects/{project.pk}/hours", {"limit": 2}).json()
        assert ([(row["volunteer_name"], row["served_on"], row["hours"])
                 for row in page["items"]], page["next_after"]) == (
            [("Wang Fang", days(-1).isoformat(), "4.0"),
             ("Lin Hui", days(-1).isoformat(), "2.5")], made[1].pk)
        rest = alice.get(f"{URL}/projects/{project.pk}/hours", {"after": made[1].pk}).json()
        assert ([(row["id"], row["hours"]) for row in rest["items"]], rest["next_after"]) == (
            [(made[0].pk, "3.0")], None)
        for user in (w.bob, w.stranger):
            response = self.client_for(user).get(f"{URL}/projects/{project.pk}/hours")
            assert response.status_code == 404, user

    def test_it_leaves_out_a_volunteer_out_of_sight_but_counts_their_hours(self) -> None:
        w = self.world
        project = self.project()
        self.hours(project, self.volunteer(), "3")
        # Zhou, who sees both towns, records town B's Zhao on town A's project.
        zhao = self.volunteer(w.village_b1, name="Zhao Gang", by=w.bob)
        self.hours(project, zhao, "5", by=w.command)

        def names(user: Any) -> list[str]:
            items = self.client_for(user).get(f"{URL}/projects/{project.pk}/hours").json()
            return sorted(row["volunteer_name"] for row in items["items"])

        assert names(w.alice) == ["Wang Fang"]
        assert names(w.command) == ["Wang Fang", "Zhao Gang"]
        totals = self.client_for(w.alice).get(f"{URL}/projects/{project.pk}").json()
        assert (totals["hours"], totals["volunteers"]) == ("8.0", 2)

    def test_it_keeps_its_queries_flat_however_many_records(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        project = self.project()
        self.hours(project, self.volunteer(name="V0"))
        # session, user, home area, the project, a page of records (volunteer, area, recorder)
        with self.assertNumQueries(5):
            assert len(client.get(f"{URL}/projects/{project.pk}/hours").json()["items"]) == 1
        for n in range(1, 9):
            volunteer = self.volunteer((w.village_a1, w.village_a2)[n % 2], name=f"V{n}")
            self.hours(project, volunteer, "1.5", by=(w.alice, w.command)[n % 2])
        with self.assertNumQueries(5):
            assert len(client.get(f"{URL}/projects/{project.pk}/hours").json()["items"]) == 9


class WithdrawTests(VolunteersTestCase):
    def test_it_withdraws_hours_and_the_totals_follow(self) -> None:
        w = self.world
        project, wang = self.project(), self.volunteer()
        kept = self.hours(project, wang, "3", days(-2))
        wrong = self.hours(project, wang, "8", days(-1))
        alice = self.client_for(w.alice)
        response = alice.delete(f"{URL}/hours/{wrong.pk}")
        assert response.status_code == 204
        assert list(ServiceRecord.objects.values_list("pk", flat=True)) == [kept.pk]
        assert alice.get(f"{URL}/projects/{project.pk}").json()["hours"] == "3.0"
        assert alice.get(f"{URL}/volunteers/{wang.pk}").json()["hours"] == "3.0"
        assert alice.delete(f"{URL}/hours/{wrong.pk}").status_code == 404
        # Withdrawn, the day is free to record again.
        assert post(alice, f"{URL}/projects/{project.pk}/hours", {
            "volunteer": wang.pk, "served_on": days(-1).isoformat(),
            "hours": "6"}).status_code == 201

    def test_it_refuses_the_wrong_role_or_area(self) -> None:
        w = self.world
        record = self.hours(self.project(), self.volunteer())
        url = f"{URL}/hours/{record.pk}"
        assert self.client_for(w.medic).delete(url).status_code == 403
        for user in (w.bob, w.li, w.stranger):
            response = self.client_for(user).delete(url)
            assert response.status_code == 404, user
            assert response.json() == {"detail": "Not found."}
        assert self.client_for(w.alice).delete(f"{URL}/hours/999999").status_code == 404
        assert ServiceRecord.objects.filter(pk=record.pk).exists()
