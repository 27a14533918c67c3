"""Moving a person into another household: by the page (the household named as a roster names
it) and by the API's PATCH; in the household's grid; only within the mover's area."""

from __future__ import annotations

import json
from typing import Any

from django.urls import reverse

from epigrid.core.models import AuditEntry
from epigrid.registry import services as registry
from epigrid.registry.models import Household, Person
from tests.base import BaseTestCase


class PersonMoveTests(BaseTestCase):
    hill: Household
    plain: Household

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        cls.hill = registry.create_household(grid=w.grid_a2_1, address="No. 9, Hill Road",
                                             number="B-0009")
        cls.plain = registry.create_household(grid=w.grid_a1_2, address="No. 3, Elm Row")

    def move_url(self, person: Person) -> str:
        return reverse("registry:person_move", args=[person.pk])

    def move(self, user: Any, person: Person, **data: str) -> Any:
        return self.client_for(user).post(self.move_url(person), data)

    def stored(self, person: Person) -> Person:
        return Person.objects.get(pk=person.pk)

    def test_it_moves_a_person_into_a_household_of_another_grid(self) -> None:
        w = self.world
        alice = self.client_for(w.alice)
        answer = alice.post(self.move_url(w.person_a2), {"grid_code": w.grid_a2_1.code,
                                                         "number": "B-0009"})
        assert answer["Location"] == reverse("registry:person_detail", args=[w.person_a2.pk])
        moved = self.stored(w.person_a2)
        assert (moved.household_id, moved.grid_id, moved.area_path) == (
            self.hill.pk, w.grid_a2_1.pk, w.grid_a2_1.path)
        entry = AuditEntry.objects.get(model="registry.Person", action="update",
                                       object_pk=str(w.person_a2.pk))
        assert {"household_id", "grid_id"} <= set(entry.changes)
        body = alice.get(answer["Location"]).content.decode()
        assert "Wang Lei now lives at No. 9, Hill Road." in body

    def test_it_finds_a_household_without_a_number_by_its_address(self) -> None:
        w = self.world
        self.move(w.alice, w.visitor_a, grid_code=w.grid_a1_2.code, address="no. 3, elm row")
        assert self.stored(w.visitor_a).household_id == self.plain.pk

    def test_it_names_what_is_wrong_and_moves_nobody(self) -> None:
        w = self.world

        def refused(**data: str) -> str:
            answer = self.move(w.alice, w.person_a2, **data)
            assert answer.status_code == 400
            return answer.content.decode()

        assert f"There is no grid with the code {w.grid_b1_1.code} in your area." in refused(
            grid_code=w.grid_b1_1.code, address="No. 3, Plum Road")
        assert f"There is no such household in grid {w.grid_a2_1.code}." in refused(
            grid_code=w.grid_a2_1.code, number="B-0404")
        assert "Give the household number or the address of the household." in refused(
            grid_code=w.grid_a2_1.code)
        assert "Wang Lei already lives in this household." in refused(
            grid_code=w.grid_a1_1.code, number="A-0014")
        assert self.stored(w.person_a2).household_id == w.household_a.pk

    def test_it_keeps_the_move_to_those_who_may_change_the_registry_of_the_area(self) -> None:
        w = self.world
        detail = reverse("registry:person_detail", args=[w.person_a2.pk])
        assert self.move_url(w.person_a2) in self.client_for(w.alice).get(detail).content.decode()
        assert self.move_url(w.person_a2) not in self.client_for(w.medic).get(
            detail).content.decode()
        assert self.client_for(w.medic).get(self.move_url(w.person_a2)).status_code == 403
        assert self.client_for(w.bob).get(self.move_url(w.person_a2)).status_code == 404
        assert self.move(w.bob, w.person_a2, grid_code=w.grid_a2_1.code,
                         number="B-0009").status_code == 404
        assert self.stored(w.person_a2).household_id == w.household_a.pk

    def test_it_moves_a_person_through_the_api(self) -> None:
        w = self.world
        client = self.client_for(w.alice)

        def patch(person: Person, data: dict[str, Any]) -> Any:
            return client.patch(f"/api/registry/persons/{person.pk}", json.dumps(data),
                                content_type="application/json")

        # A worker attached to a grid joins a household, and is a resident from then on.
        answer = patch(w.visitor_a, {"household_id": self.hill.pk, "residency": "resident"})
        assert answer.status_code == 200
        assert (answer.json()["household_id"], answer.json()["grid_code"],
                answer.json()["residency"]) == (self.hill.pk, w.grid_a2_1.code, "resident")
        outside = patch(w.person_a2, {"household_id": w.household_b.pk})
        assert outside.status_code == 422
        assert outside.json()["detail"][0]["msg"] == "No such household in your area."
        both = patch(w.person_a2, {"household_id": self.hill.pk, "grid_code": w.grid_a2_1.code})
        assert [e["loc"][-1] for e in both.json()["detail"]] == ["grid_code"]
        assert self.stored(w.person_a2).household_id == w.household_a.pk
