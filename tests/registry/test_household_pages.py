"""Household pages: scoped lists with keyset pages, detail with members, create and edit."""

from __future__ import annotations

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from epigrid.accounts.models import User
from epigrid.registry import services
from epigrid.registry.models import Household
from tests.base import BaseTestCase


class HouseholdListTests(BaseTestCase):
    def addresses(self, user: User, **query: str) -> list[str]:
        response = self.client_for(user).get(reverse("registry:household_list"), query)
        assert response.status_code == 200
        return [h.address for h in response.context["households"]]

    def add(self, n: int) -> list[Household]:
        return [services.create_household(grid=self.world.grid_a1_2, address=f"No. {i}, Elm Row")
                for i in range(1, n + 1)]

    def test_it_shows_li_only_his_grids_households(self) -> None:
        self.add(2)
        assert self.addresses(self.world.li) == ["No. 14, East Lane"]
        assert self.addresses(self.world.alice) == ["No. 14, East Lane", "No. 1, Elm Row",
                                                    "No. 2, Elm Row"]
        assert self.addresses(self.world.bob) == ["No. 3, Plum Road"]

    def test_it_filters_by_area_with_the_stored_total(self) -> None:
        self.add(1)
        response = self.client_for(self.world.alice).get(
            reverse("registry:household_list"), {"area": self.world.village_a1.pk})
        assert "Village A1: 1,000 households (registered figure)" in response.content.decode()
        assert self.addresses(self.world.alice, area=str(self.world.grid_a1_2.pk)) == [
            "No. 1, Elm Row"]
        assert self.addresses(self.world.bob, area=str(self.world.village_a1.pk)) == []

    def test_it_searches_address_and_head(self) -> None:
        assert self.addresses(self.world.alice, address="east") == ["No. 14, East Lane"]
        assert self.addresses(self.world.alice, head="Wang") == ["No. 14, East Lane"]
        assert self.addresses(self.world.alice, head="Zhao") == []

    @override_settings(PAGE_SIZE=3)
    def test_it_walks_every_row_by_key_without_gaps(self) -> None:
        made = self.add(7)
        client, seen = self.client_for(self.world.alice), []
        query: dict[str, int] = {}
        for _page in range(10):
            response = client.get(reverse("registry:household_list"), query)
            seen += [h.pk for h in response.context["households"]]
            if response.context["next_after"] is None:
                break
            query = {"after": response.context["next_after"]}
        assert seen == sorted([self.world.household_a.pk, *(h.pk for h in made)])

    def test_it_costs_the_same_queries_for_1_or_20_rows(self) -> None:
        client = self.client_for(self.world.alice)
        counts = []
        for extra in (0, 19):
            self.add(extra)
            with CaptureQueriesContext(connection) as queries:
                client.get(reverse("registry:household_list"))
            counts.append(len(queries))
        assert counts[0] == counts[1]


class HouseholdDetailAndFormTests(BaseTestCase):
    def test_it_shows_members_masked(self) -> None:
        w = self.world
        body = self.client_for(w.li).get(
            reverse("registry:household_detail", args=[w.household_a.pk])).content.decode()
        assert "2 members" in body and "Wang Lei" in body
        assert "420102********001X" in body and "138****8000" in body
        assert "42010219800101001X" not in body and "13800138000" not in body

    def test_it_answers_li_and_bob_404_for_another_grid(self) -> None:
        w = self.world
        other = services.create_household(grid=w.grid_a1_2, address="No. 9, Elm Row")
        for user in (w.li, w.bob):
            assert self.client_for(user).get(
                reverse("registry:household_detail", args=[other.pk])).status_code == 404

    def test_it_creates_a_household_by_grid_code(self) -> None:
        response = self.client_for(self.world.alice).post(
            reverse("registry:household_create"),
            {"grid_code": "420102001002-01", "address": "No. 5, Pine Street",
             "head_name": "Liu Yang", "phone": "139-0000-1111", "number": "A2-5"})
        assert response.status_code == 302
        household = Household.objects.get(address="No. 5, Pine Street")
        assert (household.grid_id, household.phone_masked) == (self.world.grid_a2_1.pk,
                                                               "139****1111")

    def test_it_names_bad_input(self) -> None:
        response = self.client_for(self.world.alice).post(
            reverse("registry:household_create"),
            {"grid_code": "420102002001-01", "address": "", "phone": "12345"})
        body = response.content.decode()
        assert response.status_code == 400
        assert "There is no grid with the code 420102002001-01 in your area." in body
        assert "A mobile number has 11 digits" in body and "This field is required." in body

    def test_it_edits_and_keeps_the_phone_when_left_empty(self) -> None:
        w = self.world
        response = self.client_for(w.alice).post(
            reverse("registry:household_edit", args=[w.household_a.pk]),
            {"grid_code": "420102001001-01", "address": "No. 14A, East Lane",
             "head_name": "Wang Jun", "number": "A-0014", "phone": ""})
        assert response.status_code == 302
        household = Household.objects.get(pk=w.household_a.pk)
        assert (household.address, household.phone_masked) == ("No. 14A, East Lane",
                                                               "138****8000")

    def test_it_links_the_area_page_to_its_residents(self) -> None:
        w = self.world
        body = self.client_for(w.alice).get(
            reverse("areas:detail", args=[w.village_a1.pk])).content.decode()
        assert f"/registry/households/?area={w.village_a1.pk}" in body
        assert f"/registry/persons/?area={w.village_a1.pk}" in body
