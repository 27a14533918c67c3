"""Following a fever referral: the fever clinic marks the person arrived, then the referral is
closed with an outcome note — or closed straight away when the person never came. Each move is
audited; a move the referral has passed is refused with a clear message; the page's buttons and
the API do the same moves, for those with CHANGE_CASES who see the referral (404 for the others,
403 for a role without the right)."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from epigrid.accounts.services import create_user
from epigrid.checkpoints import passage_fever
from epigrid.checkpoints.models import FeverReferral, Passage
from epigrid.checkpoints.passages import record_passage
from epigrid.core.access import Role
from epigrid.core.models import AuditEntry
from tests.base import ID_A, PASSWORD, BaseTestCase
from tests.checkpoints.passage_helpers import east_road_staff, item

Status = FeverReferral.Status
API = "/api/passages/referrals"


def refusal(move: Any) -> dict[str, list[str]]:
    try:
        move()
    except ValidationError as error:
        return error.message_dict
    raise AssertionError("the move was not refused")


class ReferralCase(BaseTestCase):
    def setUp(self) -> None:
        w = self.world
        self.staff = east_road_staff(w)
        # The fever clinic's doctor (town A) and the destination village's officer (A1).
        self.doctor = create_user(username="dr_ma", password=PASSWORD, role=Role.MEDICAL,
                                  home_area=w.town_a)
        self.village_officer = create_user(username="officer_a1", password=PASSWORD,
                                           role=Role.AREA_OFFICER, home_area=w.village_a1)

    def referral(self, name: str = "Wang Jun", **fields: object) -> FeverReferral:
        with self.captureOnCommitCallbacks(execute=True):
            result = record_passage(self.staff, self.world.checkpoint_a, item(
                temperature="38.4", name=name, destination_area_id=self.world.village_a1.pk,
                **fields))
        assert result.result == "stored", result.errors
        return Passage.objects.get(pk=result.id).referral

    def fresh(self, referral: FeverReferral) -> FeverReferral:
        return FeverReferral.objects.get(pk=referral.pk)


class MoveTests(ReferralCase):
    def test_the_clinic_marks_it_arrived_and_the_village_closes_it_both_audited(self) -> None:
        referral = self.referral(id_number=ID_A)
        arrived_at = timezone.now() - datetime.timedelta(minutes=5)
        passage_fever.mark_arrived(referral, by=self.doctor, now=arrived_at)
        found = self.fresh(referral)
        assert (found.status, found.arrived_at, found.arrived_by) == (
            Status.ARRIVED, arrived_at, self.doctor)
        passage_fever.close_referral(found, by=self.village_officer,
                                     outcome="  Admitted to the observation ward. ")
        found = self.fresh(referral)
        assert (found.status, found.closed_by, found.outcome) == (
            Status.CLOSED, self.village_officer, "Admitted to the observation ward.")
        assert found.closed_at is not None and found.closed_at >= arrived_at
        assert found.arrived_at == arrived_at  # the arrival stays on record
        steps = AuditEntry.objects.filter(model="checkpoints.FeverReferral",
                                          object_pk=str(referral.pk)).order_by("pk")
        assert [(e.action, e.changes["status"]) for e in steps] == [
            ("update", ["open", "arrived"]), ("update", ["arrived", "closed"])]
        assert steps[1].changes["outcome"] == ["", "Admitted to the observation ward."]
        assert {e.area_path for e in steps} == {self.world.village_a1.path}

    def test_an_open_referral_closes_without_arriving(self) -> None:
        referral = self.referral()
        passage_fever.close_referral(referral, by=self.world.alice,
                                     outcome="Never came: handed to the village to find him.")
        found = self.fresh(referral)
        assert (found.status, found.arrived_at, found.closed_by) == (
            Status.CLOSED, None, self.world.alice)

    def test_it_refuses_arriving_twice(self) -> None:
        referral = self.referral()
        passage_fever.mark_arrived(referral, by=self.doctor)
        errors = refusal(lambda: passage_fever.mark_arrived(referral, by=self.doctor))
        assert "already arrived at the fever clinic on" in errors["status"][0]

    def test_it_refuses_arriving_after_closing(self) -> None:
        referral = self.referral()
        passage_fever.close_referral(referral, by=self.doctor, outcome="Went to Union Hospital.")
        errors = refusal(lambda: passage_fever.mark_arrived(referral, by=self.doctor))
        assert "was closed on" in errors["status"][0]
        assert "can no longer be marked arrived" in errors["status"][0]
        assert self.fresh(referral).arrived_at is None

    def test_it_refuses_closing_twice_and_keeps_the_first_outcome(self) -> None:
        referral = self.referral()
        passage_fever.mark_arrived(referral, by=self.doctor)
        passage_fever.close_referral(referral, by=self.doctor, outcome="Sent home: flu.")
        errors = refusal(lambda: passage_fever.close_referral(referral, by=self.doctor,
                                                              outcome="Admitted."))
        assert "already closed on" in errors["status"][0]
        assert self.fresh(referral).outcome == "Sent home: flu."

    def test_it_refuses_closing_without_an_outcome_or_with_too_long_a_one(self) -> None:
        referral = self.referral()
        for outcome in ("", "   "):
            errors = refusal(lambda outcome=outcome: passage_fever.close_referral(
                referral, by=self.doctor, outcome=outcome))
            assert errors == {"outcome": [
                "Say how the referral ended: closing needs an outcome note."]}
        errors = refusal(lambda: passage_fever.close_referral(referral, by=self.doctor,
                                                              outcome="x" * 1001))
        assert "within 1000 characters" in errors["outcome"][0]
        assert self.fresh(referral).status == Status.OPEN

    def test_a_role_without_the_right_to_change_cases_may_not_move_it(self) -> None:
        referral = self.referral()
        for move in (lambda: passage_fever.mark_arrived(referral, by=self.staff),
                     lambda: passage_fever.close_referral(referral, by=self.staff,
                                                          outcome="x")):
            try:
                move()
            except PermissionDenied:
                pass
            else:
                raise AssertionError("checkpoint staff moved a referral")
        assert self.fresh(referral).status == Status.OPEN


class PageTests(ReferralCase):
    def test_the_list_offers_the_buttons_a_move_allows(self) -> None:
        waiting = self.referral("Wang Jun")
        arrived = self.referral("Liu Yang")
        closed = self.referral("Zhao Min")
        passage_fever.mark_arrived(arrived, by=self.doctor)
        passage_fever.close_referral(closed, by=self.doctor, outcome="Sent home: flu.")
        body = self.client_for(self.doctor).get(reverse("checkpoints:referrals")).content.decode()
        for referral, arrive, close in ((waiting, True, True), (arrived, False, True),
                                        (closed, False, False)):
            assert (reverse("checkpoints:referral_arrive", args=[referral.pk]) in body) == arrive
            assert (reverse("checkpoints:referral_close", args=[referral.pk]) in body) == close
        assert "Sent home: flu." in body and "arrived at the fever clinic" in body
        # Checkpoint staff see the referrals of their village but get no buttons.
        staff_page = self.client_for(self.staff).get(
            reverse("checkpoints:referrals")).content.decode()
        assert "Wang Jun" in staff_page and "/arrive/" not in staff_page
        assert "/close/" not in staff_page

    def test_the_buttons_move_it_and_come_back_to_the_filtered_list(self) -> None:
        referral = self.referral()
        client = self.client_for(self.village_officer)
        arrive = reverse("checkpoints:referral_arrive", args=[referral.pk])
        done = client.post(f"{arrive}?status=open")
        assert done.status_code == 302
        assert done["Location"] == reverse("checkpoints:referrals") + "?status=open"
        close = reverse("checkpoints:referral_close", args=[referral.pk])
        assert client.post(close, {"outcome": "Admitted."}).status_code == 302
        found = self.fresh(referral)
        assert (found.status, found.arrived_by, found.closed_by, found.outcome) == (
            Status.CLOSED, self.village_officer, self.village_officer, "Admitted.")
        entry = AuditEntry.objects.filter(model="checkpoints.FeverReferral").latest("pk")
        assert entry.actor == self.village_officer

    def test_a_refused_move_shows_its_message_on_the_list(self) -> None:
        referral = self.referral()
        client = self.client_for(self.doctor)
        close = reverse("checkpoints:referral_close", args=[referral.pk])
        empty = client.post(close, {"outcome": " "})
        assert empty.status_code == 400
        assert "closing needs an outcome note" in empty.content.decode()
        client.post(close, {"outcome": "Sent home."})
        again = client.post(reverse("checkpoints:referral_arrive", args=[referral.pk]))
        assert again.status_code == 400
        assert "can no longer be marked arrived" in again.content.decode()
        twice = client.post(close, {"outcome": "Admitted."})
        assert twice.status_code == 400 and "already closed on" in twice.content.decode()
        assert self.fresh(referral).outcome == "Sent home."

    def test_other_towns_get_404_and_roles_without_the_right_403(self) -> None:
        w = self.world
        referral = self.referral()
        arrive = reverse("checkpoints:referral_arrive", args=[referral.pk])
        close = reverse("checkpoints:referral_close", args=[referral.pk])
        assert self.client_for(w.bob).post(arrive).status_code == 404
        assert self.client_for(w.bob).post(close, {"outcome": "x"}).status_code == 404
        missing = reverse("checkpoints:referral_arrive", args=[999_999])
        assert self.client_for(w.alice).post(missing).status_code == 404
        assert self.client_for(self.staff).post(arrive).status_code == 403
        assert self.client_for(self.staff).post(close, {"outcome": "x"}).status_code == 403
        assert self.client_for(w.alice).get(arrive).status_code == 405
        assert self.fresh(referral).status == Status.OPEN

    def test_the_list_costs_a_fixed_number_of_queries(self) -> None:
        for name in ("A", "B", "C"):
            self.referral(name)
        client = self.client_for(self.doctor)
        with self.assertNumQueries(4):  # session, user, home area, the referrals joined
            body = client.get(reverse("checkpoints:referrals")).content.decode()
        assert body.count("/arrive/") == 3 and body.count("/close/") == 3


class ApiTests(ReferralCase):
    def post(self, user: Any, url: str, body: dict[str, Any] | None = None) -> Any:
        return self.client_for(user).post(url, json.dumps(body or {}),
                                          content_type="application/json")

    def test_it_lists_follows_and_closes_a_referral(self) -> None:
        referral = self.referral(id_number=ID_A)
        other = self.referral("Liu Yang")
        listed = self.client_for(self.doctor).get(API).json()
        assert [row["id"] for row in listed["items"]] == [referral.pk, other.pk]
        row = listed["items"][0]
        assert (row["checkpoint_name"], row["name"], row["temperature"], row["status"],
                row["id_number_masked"]) == ("East Road Checkpoint", "Wang Jun", "38.4", "open",
                                             "420102********001X")
        arrived = self.post(self.doctor, f"{API}/{referral.pk}/arrive")
        assert arrived.status_code == 200
        assert (arrived.json()["status"], arrived.json()["arrived_by"]) == ("arrived", "dr_ma")
        closed = self.post(self.village_officer, f"{API}/{referral.pk}/close",
                           {"outcome": "Admitted."}).json()
        assert (closed["status"], closed["closed_by"], closed["outcome"]) == (
            "closed", "officer_a1", "Admitted.")
        assert closed["arrived_at"] is not None and closed["closed_at"] is not None
        open_only = self.client_for(self.doctor).get(API, {"status": "open"}).json()
        assert [row["id"] for row in open_only["items"]] == [other.pk]
        one = self.client_for(self.doctor).get(f"{API}/{referral.pk}").json()
        assert one["outcome"] == "Admitted."

    def test_it_refuses_each_passed_move_with_422_naming_the_field(self) -> None:
        referral = self.referral()
        url = f"{API}/{referral.pk}"
        no_outcome = self.post(self.doctor, f"{url}/close", {"outcome": ""})
        assert no_outcome.status_code == 422
        assert no_outcome.json()["detail"] == [{
            "loc": ["body", "outcome"],
            "msg": "Say how the referral ended: closing needs an outcome note.",
            "type": "value_error"}]
        too_long = self.post(self.doctor, f"{url}/close", {"outcome": "x" * 1001})
        assert too_long.status_code == 422
        assert self.post(self.doctor, f"{url}/arrive").status_code == 200
        twice = self.post(self.doctor, f"{url}/arrive")
        assert twice.status_code == 422 and twice.json()["detail"][0]["loc"] == [
            "body", "status"]
        assert "already arrived" in twice.json()["detail"][0]["msg"]
        assert self.post(self.doctor, f"{url}/close", {"outcome": "Sent home."}).status_code \
            == 200
        closed_twice = self.post(self.doctor, f"{url}/close", {"outcome": "Admitted."})
        assert closed_twice.status_code == 422
        assert "already closed" in closed_twice.json()["detail"][0]["msg"]
        late = self.post(self.doctor, f"{url}/arrive")
        assert late.status_code == 422
        assert "can no longer be marked arrived" in late.json()["detail"][0]["msg"]
        assert self.fresh(referral).outcome == "Sent home."

    def test_other_towns_get_404_and_roles_without_the_right_403(self) -> None:
        w = self.world
        referral = self.referral()
        url = f"{API}/{referral.pk}"
        bob = self.client_for(w.bob)
        assert bob.get(url).status_code == 404
        assert bob.get(API).json()["items"] == []
        assert self.post(w.bob, f"{url}/arrive").status_code == 404
        assert self.post(w.bob, f"{url}/close", {"outcome": "x"}).json() == {
            "detail": "Not found."}
        assert self.post(w.alice, f"{API}/999999/arrive").status_code == 404
        refused = self.post(self.staff, f"{url}/arrive")
        assert refused.status_code == 403
        assert "Report cases and change their state" in refused.json()["detail"]
        assert self.post(self.staff, f"{url}/close", {"outcome": "x"}).status_code == 403
        assert self.fresh(referral).status == Status.OPEN
