"""The registry API: scoped lists and details, look-up by POST, writes, reveal; masked answers."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from epigrid.accounts.models import User
from epigrid.core.models import AuditEntry
from epigrid.registry import services
from tests.base import ID_A, BaseTestCase


class RegistryApiTests(BaseTestCase):
    def get(self, user: User, url: str) -> Any:
        return self.client_for(user).get(url)

    def post(self, user: User, url: str, data: dict[str, Any]) -> Any:
        client: Client = self.client_for(user)
        return client.post(url, json.dumps(data), content_type="application/json")

    def test_it_lists_households_and_persons_in_scope_masked(self) -> None:
        w = self.world
        items = self.get(w.alice, "/api/registry/households/").json()["items"]
        assert [(h["address"], h["phone_masked"], h["grid_code"]) for h in items] == [
            ("No. 14, East Lane", "138****8000", "420102001001-01")]
        persons = self.get(w.alice, "/api/registry/persons/").json()["items"]
        assert [p["name"] for p in persons] == ["Wang Jun", "Wang Lei", "Sun Li"]
        assert persons[0]["id_number_masked"] == "420102********001X"
        assert ID_A not in json.dumps(persons) and "_enc" not in json.dumps(persons)
        assert self.get(w.bob, "/api/registry/persons/").json()["items"][0]["name"] == "Zhao Min"

    def test_it_filters_persons(self) -> None:
        w = self.world

        def names(query: str) -> list[str]:
            return [p["name"] for p in self.get(w.alice, "/api/registry/persons/" + query)
                    .json()["items"]]

        assert names("?q=Wang") == ["Wang Jun", "Wang Lei"]
        assert names("?q=Lei") == [] and names("?q=Lei&match=contains") == ["Wang Lei"]
        assert names("?address=east%20lane") == ["Wang Jun", "Wang Lei"]
        assert names("?address=Plum") == []  # town B's
        assert self.get(w.alice, "/api/registry/persons/?match=anywhere").status_code == 422
        assert names("?tag=returnee") == ["Wang Lei"]
        assert names("?residency=worker") == ["Sun Li"]
        assert names(f"?area={w.grid_a1_2.pk}") == ["Sun Li"]
        assert self.get(w.bob, f"/api/registry/persons/?area={w.town_a.pk}").status_code == 422

    def test_it_walks_persons_by_key(self) -> None:
        w = self.world
        for i in range(4):
            services.create_person(grid=w.grid_a1_2, name=f"Worker {i}", residency="worker")
        seen, after = [], ""
        for _page in range(10):
            page = self.get(w.alice, f"/api/registry/persons/?limit=2{after}").json()
            seen += [p["id"] for p in page["items"]]
            if page["next_after"] is None:
                break
            after = f"&after={page['next_after']}"
        assert len(seen) == 7 == len(set(seen))  # the order: test_registry_list_order

    def test_it_answers_404_alike_for_missing_and_forbidden(self) -> None:
        w = self.world
        for url in (f"/api/registry/persons/{w.person_a.pk}", "/api/registry/persons/999999",
                    f"/api/registry/households/{w.household_a.pk}"):
            assert self.get(w.bob, url).status_code == 404
        assert self.get(w.li, f"/api/registry/persons/{w.visitor_a.pk}").status_code == 404

    def test_it_finds_by_id_or_phone_in_the_body(self) -> None:
        w = self.world
        found = self.post(w.alice, "/api/registry/persons/search", {"id_number": "420102 "
                                                                    "19800101001x"}).json()
        assert [(p["name"], p["id_number_masked"]) for p in found] == [
            ("Wang Jun", "420102********001X")]
        assert self.post(w.bob, "/api/registry/persons/search", {"id_number": ID_A}).json() == []
        assert [p["name"] for p in self.post(w.alice, "/api/registry/persons/search",
                                            {"phone": "13800138000"}).json()] == ["Wang Jun"]
        assert self.post(w.alice, "/api/registry/persons/search", {}).status_code == 422

    def test_it_creates_persons_and_households(self) -> None:
        w = self.world
        made = self.post(w.alice, "/api/registry/households/",
                         {"grid_code": "420102001002-01", "address": "No. 5, Pine Street",
                          "phone": "13900001111"})
        assert made.status_code == 201 and made.json()["phone_masked"] == "139****1111"
        person = self.post(w.alice, "/api/registry/persons/",
                           {"name": "Liu Yang", "household_id": made.json()["id"],
                            "id_number": "420102800101001", "tags": ["chronic"]})
        assert person.status_code == 201
        assert (person.json()["birth_date"], person.json()["tags"]) == ("1980-01-01", ["chronic"])

    def test_it_names_bad_input(self) -> None:
        w = self.world
        bad_id = self.post(w.alice, "/api/registry/persons/",
                           {"name": "X", "grid_code": "420102001001-02", "residency": "visitor",
                            "id_number": "420102198001010011"})
        assert bad_id.status_code == 422
        assert "must end in X" in bad_id.json()["detail"][0]["msg"]
        resident = self.post(w.alice, "/api/registry/persons/", {"name": "Y"})
        assert resident.json()["detail"][0]["loc"] == ["body", "household_id"]
        other_town = self.post(w.alice, "/api/registry/households/",
                               {"grid_code": "420102002001-01", "address": "Z"})
        assert other_town.status_code == 422
        assert self.post(w.stranger, "/api/registry/households/",
                         {"grid_code": "420102001001-01", "address": "Z"}).status_code == 403

    def test_it_reveals_with_the_right_and_a_reason_and_logs_it(self) -> None:
        w = self.world
        url = f"/api/registry/persons/{w.person_a.pk}/reveal"
        assert self.post(w.alice, url, {"field": "id_number", "reason": "x"}).status_code == 403
        assert self.post(w.command, url, {"field": "id_number", "reason": " "}).status_code == 422
        assert not AuditEntry.objects.filter(action="view").exists()
        answer = self.post(w.command, url, {"field": "id_number", "reason": "transfer"})
        assert answer.json() == {"field": "id_number", "value": ID_A}
        entry = AuditEntry.objects.get(action="view")
        assert (entry.actor, entry.reason) == (w.command, "transfer")
        household = self.post(w.command, f"/api/registry/households/{w.household_a.pk}/reveal",
                              {"field": "id_number", "reason": "x"})
        assert household.status_code == 422
