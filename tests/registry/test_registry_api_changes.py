"""The registry API's PATCH of a household and of a person: through the services, scoped,
validated field by field, masked in the answer, logged."""

from __future__ import annotations

import datetime
import json
from typing import Any

from epigrid.accounts.models import User
from epigrid.core.models import AuditEntry
from epigrid.registry import progress
from epigrid.registry import services as registry
from epigrid.registry.models import DuplicateId, Household, Person, ScreeningProgress
from tests.base import ID_A, ID_B, BaseTestCase
from tests.security.entries_registry_screening import town_a_campaign

NEW_ID = "42010219900202002X"  # female, born 1990-02-02
BAD_ID = "420102199002020021"  # its check character wrong


class RegistryApiChangeTests(BaseTestCase):
    def patch(self, user: User, url: str, data: dict[str, Any]) -> Any:
        return self.client_for(user).patch(url, json.dumps(data),
                                           content_type="application/json")

    def household(self, user: User, data: dict[str, Any]) -> Any:
        return self.patch(user, f"/api/registry/households/{self.world.household_a.pk}", data)

    def person(self, user: User, target: Person, data: dict[str, Any]) -> Any:
        return self.patch(user, f"/api/registry/persons/{target.pk}", data)

    def errors(self, response: Any) -> dict[str, str]:
        assert response.status_code == 422, response.content
        return {error["loc"][-1]: error["msg"] for error in response.json()["detail"]}

    # --- households ------------------------------------------------------------------------

    def test_it_changes_a_household_and_keeps_what_is_left_out(self) -> None:
        w = self.world
        answer = self.household(w.alice, {"address": "No. 14A, East Lane", "head_name": None,
                                          "phone": "13700001111"})
        assert answer.status_code == 200
        body = answer.json()
        assert (body["address"], body["head_name"], body["number"], body["phone_masked"]) == (
            "No. 14A, East Lane", "Wang Jun", "A-0014", "137****1111")
        assert "13700001111" not in answer.content.decode()
        entry = AuditEntry.objects.filter(model="registry.Household",
                                          object_pk=str(w.household_a.pk), action="update").get()
        assert entry.actor_name == "alice" and "address" in entry.changes
        cleared = self.household(w.alice, {"phone": ""}).json()
        assert cleared["phone_masked"] == ""
        assert Household.objects.get(pk=w.household_a.pk).phone_hash == ""

    def test_it_names_the_bad_field_and_changes_nothing(self) -> None:
        w = self.world
        errors = self.errors(self.household(w.alice, {"address": "No. 1", "phone": "1380013"}))
        assert list(errors) == ["phone"]
        assert Household.objects.get(pk=w.household_a.pk).address == "No. 14, East Lane"
        assert "address" in self.errors(self.household(w.alice, {"address": ""}))
        # Town B's grid is refused as a grid that does not exist.
        outside = self.errors(self.household(w.alice, {"grid_code": w.grid_b1_1.code}))
        missing = self.errors(self.household(w.alice, {"grid_code": "420102009999-01"}))
        assert outside["grid_code"].replace(w.grid_b1_1.code, "?") == \
            missing["grid_code"].replace("420102009999-01", "?")

    def test_it_moves_an_empty_household_and_counts_both_grids_again(self) -> None:
        w = self.world
        campaign = town_a_campaign(w)
        progress.recompute(campaign)
        # With its members it stays where they live.
        assert "grid" in self.errors(self.household(w.alice, {"grid_code": w.grid_a2_1.code}))
        empty = registry.create_household(grid=w.grid_a1_1, address="No. 30, East Lane")
        progress.recompute(campaign)
        with self.captureOnCommitCallbacks(execute=True):
            answer = self.patch(w.alice, f"/api/registry/households/{empty.pk}",
                                {"grid_code": w.grid_a2_1.code})
        assert answer.json()["grid_code"] == w.grid_a2_1.code
        assert Household.objects.get(pk=empty.pk).area_path == w.grid_a2_1.path

        def total(area: Any) -> int:
            return ScreeningProgress.objects.get(campaign=campaign, area=area,
                                                 day__isnull=True).households_total

        assert (total(w.grid_a1_1), total(w.grid_a2_1), total(w.village_a2)) == (1, 1, 1)

    def test_it_answers_404_outside_the_area_and_403_without_the_right(self) -> None:
        w = self.world
        assert self.household(w.bob, {"address": "x"}).status_code == 404
        assert self.household(w.stranger, {"address": "x"}).status_code == 404
        assert self.household(w.medic, {"address": "x"}).status_code == 403
        assert self.patch(w.alice, "/api/registry/households/999999",
                          {"address": "x"}).status_code == 404
        assert Household.objects.get(pk=w.household_a.pk).address == "No. 14, East Lane"

    # --- persons ---------------------------------------------------------------------------

    def test_it_changes_a_person(self) -> None:
        w = self.world
        answer = self.person(w.alice, w.person_a2, {
            "name": "Wang Lei", "occupation": "nurse", "is_medical_staff": True,
            "tags": ["returnee", "chronic"], "returned_on": "2020-01-20"})
        assert answer.status_code == 200
        body = answer.json()
        assert (body["occupation"], body["is_medical_staff"], body["tags"],
                body["returned_on"], body["returnee_origin"]) == (
            "nurse", True, ["returnee", "chronic"], "2020-01-20", "Wuhan")
        assert AuditEntry.objects.filter(model="registry.Person", action="update",
                                         object_pk=str(w.person_a2.pk)).count() == 1

    def test_it_takes_sex_and_birth_from_the_id_number_and_notes_a_shared_one(self) -> None:
        w = self.world
        body = self.person(w.alice, w.person_a2, {"id_number": NEW_ID, "sex": "male",
                                                  "birth_date": "2001-01-01"}).json()
        assert (body["id_number_masked"], body["sex"], body["birth_date"]) == (
            "420102********002X", "female", "1990-02-02")
        kept = self.person(w.alice, w.person_a, {"sex": "female"}).json()
        assert kept["sex"] == "male"  # ID_A says so
        # ID_B belongs to Zhao Min of town B: the ID is now held by two households.
        self.person(w.alice, w.person_a2, {"id_number": ID_B})
        assert DuplicateId.objects.count() == 1
        assert ID_B not in self.person(w.alice, w.person_a2, {}).content.decode()

    def test_it_removes_an_id_number_and_then_takes_sex_and_birth_as_given(self) -> None:
        w = self.world
        body = self.person(w.alice, w.person_a, {"id_number": "", "sex": "female",
                                                 "birth_date": None}).json()
        assert (body["id_number_masked"], body["sex"], body["birth_date"]) == (
            "", "female", None)
        assert Person.objects.get(pk=w.person_a.pk).id_number_hash == ""
        assert registry.persons_with_id_number(w.alice, ID_A).count() == 0

    def test_it_names_a_bad_id_number_and_changes_nothing(self) -> None:
        w = self.world
        errors = self.errors(self.person(w.alice, w.person_a, {"id_number": BAD_ID,
                                                                "occupation": "driver"}))
        assert list(errors) == ["id_number"] and "check" in errors["id_number"]
        person = Person.objects.get(pk=w.person_a.pk)
        assert (person.id_number_masked, person.occupation) == ("420102********001X", "")
        assert "name" in self.errors(self.person(w.alice, w.person_a, {"name": ""}))

    def test_it_moves_a_person_without_a_household_but_not_a_member(self) -> None:
        w = self.world
        moved = self.person(w.alice, w.visitor_a, {"grid_code": w.grid_a2_1.code}).json()
        assert moved["grid_code"] == w.grid_a2_1.code
        assert Person.objects.get(pk=w.visitor_a.pk).area_path == w.grid_a2_1.path
        assert "grid_code" in self.errors(self.person(w.alice, w.person_a,
                                                      {"grid_code": w.grid_a2_1.code}))
        assert "residency" in self.errors(self.person(w.alice, w.visitor_a,
                                                      {"residency": "resident"}))
        assert "grid_code" in self.errors(self.person(w.alice, w.visitor_a,
                                                      {"grid_code": w.grid_b1_1.code}))

    def test_it_keeps_a_person_of_town_a_from_bob_and_from_a_role_without_the_right(self) -> None:
        w = self.world
        assert self.person(w.bob, w.person_a, {"name": "X"}).status_code == 404
        assert self.person(w.li, w.person_b, {"name": "X"}).status_code == 404
        assert self.person(w.medic, w.person_a, {"name": "X"}).status_code == 403
        assert self.person(w.li, w.person_a, {"occupation": "cook"}).status_code == 200
        assert Person.objects.get(pk=w.person_a.pk).name == "Wang Jun"
        assert datetime.date(1980, 1, 1) == Person.objects.get(pk=w.person_a.pk).birth_date
