"""The cases API: scoped, masked lists paged by key; a case with its history; opening and moving
cases through the services, with refusals answered 422 naming the field, and 403 for roles."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from epigrid.accounts.models import User
from epigrid.accounts.services import create_user
from epigrid.cases import services
from epigrid.cases.models import Case, Evidence, Source
from epigrid.cases.states import State
from epigrid.core.access import Role
from epigrid.registry import services as registry
from epigrid.registry.models import Residency
from tests.base import ID_A, ID_B, PASSWORD, BaseTestCase
from tests.cases.case_helpers import open_case, town_a_case, town_b_case

API = "/api/cases/"


class CaseApiTests(BaseTestCase):
    def setUp(self) -> None:
        w = self.world
        self.fever = town_a_case(w)
        self.contact = open_case(w.person_a2, State.CLOSE_CONTACT, source=Source.TRACING)
        self.other = town_b_case(w)

    def get(self, user: User, url: str) -> Any:
        return self.client_for(user).get(url)

    def post(self, user: User, url: str, data: dict[str, Any]) -> Any:
        return self.client_for(user).post(url, json.dumps(data),
                                          content_type="application/json")

    def names(self, query: str = "", user: User | None = None) -> list[str]:
        response = self.get(user or self.world.alice, API + query)
        assert response.status_code == 200, response.content
        return [c["person_name"] for c in response.json()["items"]]

    def errors(self, response: Any) -> dict[str, str]:
        assert response.status_code == 422, response.content
        return {d["loc"][-1]: d["msg"] for d in response.json()["detail"]}

    # --- reading -------------------------------------------------------------------------

    def test_it_lists_the_cases_in_scope_masked(self) -> None:
        items = self.get(self.world.alice, API).json()["items"]
        assert [(c["person_name"], c["state"], c["category"]) for c in items] == [
            ("Wang Jun", "fever", "fever"), ("Wang Lei", "close_contact", "close_contact")]
        assert items[0]["id_number_masked"] == "420102********001X"
        assert items[0]["grid_code"] == "420102001001-01"
        assert ID_A not in json.dumps(items) and "13800138000" not in json.dumps(items)
        assert self.names(user=self.world.bob) == ["Zhao Min"]
        # An officer without a home area sees no case; the stranger, a volunteer, may not look.
        homeless = create_user(username="nowhere", password=PASSWORD, role=Role.AREA_OFFICER,
                               home_area=None)
        assert self.names(user=homeless) == []
        assert self.get(self.world.stranger, API).status_code == 403

    def test_it_filters(self) -> None:
        w = self.world
        assert self.names("?state=fever") == ["Wang Jun"]
        assert self.names("?category=close_contact") == ["Wang Lei"]
        assert self.names("?source=tracing") == ["Wang Lei"]
        assert self.names("?q=Wang%20L") == ["Wang Lei"]
        assert self.names(f"?person={w.person_a.pk}") == ["Wang Jun"]
        assert self.names("?open=false") == []
        assert self.names(f"?area={w.town_b.pk}", w.command) == ["Zhao Min"]
        today = timezone.localdate().isoformat()
        assert self.names(f"?reported_from=2020-01-01&reported_to={today}") == [
            "Wang Jun", "Wang Lei"]

    def test_it_refuses_bad_filters_naming_them(self) -> None:
        w = self.world
        assert "area" in self.errors(self.get(w.bob, f"{API}?area={w.town_a.pk}"))
        assert "state" in self.errors(self.get(w.alice, f"{API}?state=cured"))
        assert self.errors(self.get(w.alice, f"{API}?reported_from=2020-02-10"
                                             "&reported_to=2020-02-01")) == {
            "reported_to": "The end of the range is before its start."}

    def test_it_walks_the_cases_by_key_with_flat_queries(self) -> None:
        w = self.world
        for number in range(4):
            person = registry.create_person(grid=w.grid_a1_2, name=f"Worker {number}",
                                            residency=Residency.WORKER)
            open_case(person, State.CLOSE_CONTACT)
        seen: list[int] = []
        after = ""
        client = self.client_for(w.alice)
        while True:
            with CaptureQueriesContext(connection) as queries:
                page = client.get(f"{API}?limit=2{after}").json()
            assert len(queries) <= 4  # session, user, the page with persons and grids
            seen += [c["id"] for c in page["items"]]
            if page["next_after"] is None:
                break
            after = f"&after={page['next_after']}"
        assert seen == sorted(seen) and len(seen) == 6

    def test_it_shows_a_case_with_its_history_and_next_moves(self) -> None:
        services.transition(self.fever, State.SUSPECTED, by=self.world.medic, reason="CT",
                            evidence=Evidence.DIAGNOSIS, evidence_note="Dr He")
        body = self.get(self.world.alice, f"{API}{self.fever.pk}").json()
        assert [(h["from_state"], h["to_state"], h["by"]) for h in body["history"]] == [
            ("", "fever", "alice"), ("fever", "suspected", "dr_he")]
        assert body["history"][1]["evidence_note"] == "Dr He"
        assert body["allowed_next"] == ["confirmed", "asymptomatic", "excluded"]

    def test_it_answers_town_b_404_as_for_a_missing_case(self) -> None:
        assert self.get(self.world.bob, f"{API}{self.fever.pk}").status_code == 404
        assert self.get(self.world.bob, f"{API}999999").status_code == 404

    def test_it_finds_cases_by_exact_id_number_or_phone_in_scope(self) -> None:
        w = self.world
        found = self.post(w.alice, f"{API}search", {"id_number": ID_A}).json()
        assert [c["person_name"] for c in found] == ["Wang Jun"]
        assert self.post(w.alice, f"{API}search", {"phone": "13800138000"}).json()[0][
            "id"] == self.fever.pk
        assert self.post(w.alice, f"{API}search", {"id_number": ID_B}).json() == []
        assert "id_number" in self.errors(self.post(w.alice, f"{API}search", {}))

    # --- writing -------------------------------------------------------------------------

    def test_it_moves_a_case_and_answers_it_with_the_new_step(self) -> None:
        at = (timezone.now() - datetime.timedelta(minutes=10)).isoformat()
        response = self.post(self.world.alice, f"{API}{self.fever.pk}/transitions", {
            "state": "confirmed", "reason": "PCR positive", "evidence": "test",
            "evidence_note": "S-0042", "at": at})
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["state"] == "confirmed" and body["allowed_next"] == ["admitted", "died"]
        assert body["history"][-1]["evidence"] == "test"

    def test_it_takes_a_time_without_offset_as_local_time(self) -> None:
        local = timezone.localtime() - datetime.timedelta(minutes=5)
        response = self.post(self.world.alice, f"{API}{self.fever.pk}/transitions", {
            "state": "suspected", "reason": "CT", "at": local.strftime("%Y-%m-%dT%H:%M:%S")})
        assert response.status_code == 201, response.content
        self.fever.refresh_from_db()
        assert abs((self.fever.state_since - local).total_seconds()) < 1

    def test_it_refuses_bad_moves_naming_the_field(self) -> None:
        url = f"{API}{self.fever.pk}/transitions"
        alice = self.world.alice
        assert self.errors(self.post(alice, url, {"state": "recovered", "reason": "x"})) == {
            "state": "A case cannot go from “fever, not ruled out” to “recovered”."}
        assert self.errors(self.post(alice, url, {"state": "suspected", "reason": " "})) == {
            "reason": "Say why."}
        tomorrow = (timezone.now() + datetime.timedelta(days=1)).isoformat()
        assert self.errors(self.post(alice, url, {"state": "suspected", "reason": "CT",
                                                  "at": tomorrow})) == {
            "at": "A change of state cannot be dated in the future."}
        assert "evidence" in self.errors(self.post(alice, url, {"state": "confirmed",
                                                               "reason": "looks like it"}))
        assert "state" in self.errors(self.post(alice, url, {"state": "cured", "reason": "x"}))
        assert "reason" in self.errors(self.post(alice, url, {"state": "suspected"}))
        self.fever.refresh_from_db()
        assert self.fever.state == State.FEVER and self.fever.transitions.count() == 1

    def test_it_refuses_roles_and_areas(self) -> None:
        w = self.world
        data = {"state": "suspected", "reason": "CT"}
        url = f"{API}{self.fever.pk}/transitions"
        assert self.post(w.li, url, data).status_code == 403
        assert self.post(w.bob, url, data).status_code == 404
        assert self.post(w.stranger, url, data).status_code == 403  # a volunteer: no cases

    def test_it_opens_a_case(self) -> None:
        w = self.world
        response = self.post(w.alice, API, {
            "person_id": w.visitor_a.pk, "state": "fever", "reason": "38.9 at the checkpoint",
            "source": "checkpoint", "severity": "mild",
            "onset_date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat()})
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["person_name"], body["state"], body["source"], body["severity"]) == (
            "Sun Li", "fever", "checkpoint", "mild")
        assert [h["to_state"] for h in body["history"]] == ["fever"]

    def test_it_refuses_a_bad_opening_naming_the_field(self) -> None:
        w = self.world
        tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
        base = {"person_id": w.visitor_a.pk, "reason": "fever"}
        assert "state" in self.errors(self.post(w.alice, API, {**base, "state": "quarantined"}))
        assert "onset_date" in self.errors(self.post(w.alice, API, {
            **base, "state": "fever", "onset_date": tomorrow}))
        assert "evidence" in self.errors(self.post(w.alice, API, {**base,
                                                                 "state": "confirmed"}))
        already = self.errors(self.post(w.alice, API, {**base, "person_id": w.person_a.pk,
                                                      "state": "fever"}))
        assert list(already.values()) == ["Wang Jun already has an open case."]
        assert not Case.objects.filter(person=w.visitor_a).exists()

    def test_it_refuses_to_open_a_case_for_another_towns_person_or_without_the_role(
            self) -> None:
        w = self.world
        data = {"person_id": w.visitor_a.pk, "state": "fever", "reason": "fever"}
        assert self.post(w.li, API, data).status_code == 403
        assert self.post(w.bob, API, data).status_code == 404
        assert not Case.objects.filter(person=w.visitor_a).exists()
