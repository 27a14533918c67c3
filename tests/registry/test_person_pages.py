"""Person pages: detail (masked), the form (with core.identity's messages), reveal."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from epigrid.core.identity import upgrade_15
from epigrid.core.models import AuditEntry
from epigrid.registry.models import (
    HouseholdVisit,
    Outcome,
    Person,
    PersonScreening,
    ScreeningCampaign,
)
from tests.base import ID_A, BaseTestCase

REVEAL = {"field": "id_number", "reason": "transfer to the designated hospital"}


class PersonDetailTests(BaseTestCase):
    def test_it_shows_masked_values_derived_fields_tags_and_household(self) -> None:
        w = self.world
        body = self.client_for(w.alice).get(
            reverse("registry:person_detail", args=[w.person_a2.pk])).content.decode()
        assert "420102********0020" in body and "420102200503150020" not in body
        assert "2005-03-15" in body and "female" in body
        assert "returnee from a key area" in body and "No. 14, East Lane" in body

    def test_it_lists_the_screening_history(self) -> None:
        w = self.world
        campaign = ScreeningCampaign.objects.create(
            area=w.town_a, area_path=w.town_a.path, name="February round",
            starts_on=datetime.date(2020, 2, 17), ends_on=datetime.date(2020, 2, 19))
        visit = HouseholdVisit.objects.create(
            campaign=campaign, household=w.household_a, area_path=w.household_a.area_path,
            visited_on=datetime.date(2020, 2, 18), visited_at=timezone.now(),
            idempotency_key="00000000-0000-0000-0000-000000000001")
        PersonScreening.objects.create(visit=visit, person=w.person_a, temperature="37.9",
                                       outcome=Outcome.FEVER_CLINIC)
        body = self.client_for(w.alice).get(
            reverse("registry:person_detail", args=[w.person_a.pk])).content.decode()
        assert "2020-02-18" in body and "37.9" in body and "refer to the fever clinic" in body

    def test_it_answers_bob_as_for_a_missing_person(self) -> None:
        client = self.client_for(self.world.bob)
        assert client.get(reverse("registry:person_detail",
                                  args=[self.world.person_a.pk])).status_code == 404
        assert client.get(reverse("registry:person_detail", args=[999_999])).status_code == 404


class PersonFormTests(BaseTestCase):
    def post(self, data: dict[str, Any], household: int | None = None) -> Any:
        url = reverse("registry:person_create")
        if household is not None:
            url += f"?household={household}"
        return self.client_for(self.world.alice).post(url, data)

    def test_it_names_the_check_character_of_a_bad_id(self) -> None:
        response = self.post({"name": "Wang Fang", "id_number": "420102198001010011",
                              "residency": "resident"}, self.world.household_a.pk)
        assert response.status_code == 400
        assert "it ends in 1 but must end in X" in response.content.decode()
        assert not Person.objects.filter(name="Wang Fang").exists()

    def test_it_adds_a_member_on_the_spot_with_an_upgraded_15_digit_id(self) -> None:
        w = self.world
        response = self.post({"name": "Wang Fang", "id_number": "420102800101001",
                              "phone": "138 0013 8001", "residency": "resident",
                              "tags": ["chronic", "pregnant"]}, w.household_a.pk)
        assert response.status_code == 302
        person = Person.objects.get(name="Wang Fang")
        assert (person.household_id, person.grid_id) == (w.household_a.pk, w.grid_a1_1.pk)
        assert person.id_number_masked == upgrade_15("420102800101001")[:6] + "********" + \
            upgrade_15("420102800101001")[-4:]
        assert (person.birth_date, person.tag_list) == (datetime.date(1980, 1, 1),
                                                          ["chronic", "pregnant"])

    def test_it_attaches_a_non_resident_worker_to_a_grid(self) -> None:
        response = self.post({"name": "Qian Bo", "grid_code": "420102001002-01",
                              "residency": "worker", "sex": "male"})
        assert response.status_code == 302
        person = Person.objects.get(name="Qian Bo")
        assert (person.household_id, person.grid_id) == (None, self.world.grid_a2_1.pk)

    def test_it_refuses_a_resident_without_household_and_a_grid_of_town_b(self) -> None:
        response = self.post({"name": "Qian Bo", "grid_code": "420102002001-01",
                              "residency": "resident"})
        body = response.content.decode()
        assert "A resident belongs to a household" in body
        assert "There is no grid with the code 420102002001-01 in your area." in body
        assert not Person.objects.filter(name="Qian Bo").exists()

    def test_it_keeps_the_stored_id_when_the_edit_leaves_it_empty(self) -> None:
        w = self.world
        response = self.client_for(w.alice).post(
            reverse("registry:person_edit", args=[w.person_a.pk]),
            {"name": "Wang Junior", "residency": "resident", "id_number": "", "phone": ""})
        assert response.status_code == 302
        person = Person.objects.get(pk=w.person_a.pk)
        assert (person.name, person.id_number_masked, person.phone_masked) == (
            "Wang Junior", "420102********001X", "138****8000")


class RevealTests(BaseTestCase):
    def reveal(self, user: object, data: dict[str, str]) -> object:
        return self.client_for(user).post(  # type: ignore[arg-type]
            reverse("registry:person_reveal", args=[self.world.person_a.pk]), data)

    def views(self) -> int:
        return AuditEntry.objects.filter(action="view").count()

    def test_it_shows_the_full_id_once_and_logs_who_and_why(self) -> None:
        response = self.reveal(self.world.command, REVEAL)
        body = response.content.decode()  # type: ignore[attr-defined]
        assert response.status_code == 200  # type: ignore[attr-defined]
        assert body.count(ID_A) == 1
        entry = AuditEntry.objects.get(action="view")
        assert (entry.actor, entry.reason, entry.object_pk) == (
            self.world.command, REVEAL["reason"], str(self.world.person_a.pk))
        detail = self.client_for(self.world.command).get(
            reverse("registry:person_detail", args=[self.world.person_a.pk]))
        assert ID_A not in detail.content.decode()

    def test_it_needs_a_reason(self) -> None:
        response = self.reveal(self.world.command, {"field": "id_number", "reason": "  "})
        assert response.status_code == 400  # type: ignore[attr-defined]
        assert ID_A not in response.content.decode()  # type: ignore[attr-defined]
        assert self.views() == 0

    def test_it_needs_the_right(self) -> None:
        assert self.reveal(self.world.alice, REVEAL).status_code == 403  # type: ignore[attr-defined]
        assert self.reveal(self.world.bob, REVEAL).status_code == 404  # type: ignore[attr-defined]
        assert "Reveal a full value" not in self.client_for(self.world.alice).get(
            reverse("registry:person_detail", args=[self.world.person_a.pk])).content.decode()
        assert self.views() == 0

    def test_it_never_reveals_on_a_get(self) -> None:
        response = self.client_for(self.world.command).get(
            reverse("registry:person_reveal", args=[self.world.person_a.pk]))
        assert response.status_code == 405 and self.views() == 0
