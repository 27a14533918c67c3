"""What the problem forms offer: areas down to the villages and the people who could take the
problem, not every grid and grid worker of a district; a grid's own when it is asked for."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from epigrid.accounts.services import create_user
from epigrid.core.access import Role
from epigrid.problems.models import Problem
from tests.base import PASSWORD, BaseTestCase
from tests.problems.helpers import raise_in, today

RAISE = reverse("problems:raise")


def offered(form: Any, field: str) -> set[str]:
    return {str(label) for value, label in form.fields[field].choices if value}


def names(form: Any, field: str) -> set[str]:
    return {label.split(" (")[0] for label in offered(form, field)}


class RaiseChoicesTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        cls.officer_a1 = create_user(username="chen", password=PASSWORD, role=Role.AREA_OFFICER,
                                     home_area=w.village_a1)
        cls.gate_keeper = create_user(username="wang", password=PASSWORD,
                                      role=Role.CHECKPOINT_STAFF, home_area=w.village_a1)

    def test_it_offers_the_command_the_towns_and_an_officer_her_villages(self) -> None:
        # As every area filter: a district's menu stops at its towns (274 villages help
        # nobody), a town's at its villages; a village's page links here naming the village.
        w = self.world
        form = self.client_for(w.command).get(RAISE).context["form"]
        areas = {label.strip("· ") for label in offered(form, "area")}
        assert areas == {"Qingshan District", "Dongcheng Town", "Xihe Town"}
        officer = self.client_for(w.alice).get(RAISE).context["form"]
        assert {label.strip("· ") for label in offered(officer, "area")} == {
            "Dongcheng Town", "Village A1", "Village A2"}
        # Indented from the user's own area: the district's command starts at the district.
        labels = [str(label) for value, label in form.fields["area"].choices if value]
        assert labels[:2] == ["Qingshan District", "· Dongcheng Town"]
        linked = self.client_for(w.command).get(RAISE, {"area": w.village_b1.pk})
        assert "Village B1" in {label.strip("· ") for label in offered(linked.context["form"],
                                                                          "area")}

    def test_it_takes_any_area_the_command_sees_when_posted(self) -> None:
        w = self.world
        response = self.client_for(w.command).post(RAISE, {
            "area": w.village_b1.pk, "title": "Masks run out tomorrow", "description": "",
            "category": "medical_supplies", "urgency": "normal", "due_on": "2099-01-01"})
        assert response.status_code == 302, response.context["form"].errors
        assert Problem.objects.get(title="Masks run out tomorrow").area == w.village_b1

    def test_it_offers_the_command_those_who_resolve_and_not_the_field_staff(self) -> None:
        people = names(self.client_for(self.world.command).get(RAISE).context["form"],
                       "assignee")
        assert {"alice", "bob", "zhou", "chen", "dr_he"} <= people
        assert "li" not in people and "wang" not in people

    def test_it_offers_a_village_s_checkpoint_staff_when_its_page_asks(self) -> None:
        form = self.client_for(self.world.command).get(
            RAISE, {"area": self.world.village_a1.pk}).context["form"]
        assert "wang" in names(form, "assignee") and "li" not in names(form, "assignee")

    def test_it_offers_a_grid_and_its_worker_when_a_grid_page_asks(self) -> None:
        w = self.world
        form = self.client_for(w.command).get(
            RAISE, {"area": w.grid_a1_1.pk}).context["form"]
        assert "Grid A1-1" in {label.strip("· ") for label in offered(form, "area")}
        assert "Grid A1-2" not in {label.strip("· ") for label in offered(form, "area")}
        assert "li" in names(form, "assignee")

    def test_it_offers_a_grid_worker_her_own_grid(self) -> None:
        form = self.client_for(self.world.li).get(RAISE).context["form"]
        assert {label.strip("· ") for label in offered(form, "area")} == {"Grid A1-1"}
        assert {"li", "chen", "alice", "zhou"} <= names(form, "assignee")
        assert "bob" not in names(form, "assignee")

    def test_it_accepts_a_grid_and_its_worker_posted_from_the_grids_page(self) -> None:
        w = self.world
        response = self.client_for(w.command).post(RAISE, {
            "area": str(w.grid_a1_1.pk), "title": "Thermometers", "category": "other",
            "urgency": "normal", "due_on": today().isoformat(), "assignee": str(w.li.pk)})
        assert response.status_code == 302
        assert Problem.objects.get().assignee == w.li

    def test_it_refuses_an_unlisted_worker_in_the_services_words(self) -> None:
        w = self.world
        response = self.client_for(w.command).post(RAISE, {
            "area": str(w.village_a2.pk), "title": "Masks", "category": "other",
            "urgency": "normal", "due_on": today().isoformat(), "assignee": str(w.li.pk)})
        assert response.status_code == 400
        assert "li cannot see Village A2" in response.context["form"].errors["assignee"][0]

    def test_it_renders_the_page_in_a_fixed_number_of_queries(self) -> None:
        client = self.client_for(self.world.command)
        client.get(RAISE)
        with self.assertNumQueries(6):
            client.get(RAISE)


class AssignChoicesTests(BaseTestCase):
    def test_it_offers_those_who_see_the_problems_area(self) -> None:
        w = self.world
        problem = raise_in(w.grid_a1_1, w.li, "Thermometers")
        form = self.client_for(w.command).get(
            reverse("problems:detail", args=[problem.pk])).context["assign_form"]
        assert names(form, "assignee") == {"li", "alice", "zhou", "dr_he"}

    def test_it_leaves_out_a_worker_of_another_grid(self) -> None:
        w = self.world
        problem = raise_in(w.village_a2, w.alice)
        form = self.client_for(w.alice).get(
            reverse("problems:detail", args=[problem.pk])).context["assign_form"]
        assert names(form, "assignee") == {"alice", "zhou", "dr_he"}


class AssigneeMenuGroupsTests(BaseTestCase):
    def test_it_groups_the_commands_menu_by_town_in_the_trees_order(self) -> None:
        w = self.world
        create_user(username="chen", password=PASSWORD, role=Role.AREA_OFFICER,
                    home_area=w.village_a1)
        form = self.client_for(w.command).get(RAISE).context["form"]
        groups = [(label, [text.split(" (")[0] for _pk, text in options])
                  for label, options in form.fields["assignee"].widget.choices if label]
        assert groups == [("Qingshan District", ["dr_he", "zhou"]),
                          ("Dongcheng Town", ["alice", "chen"]),
                          ("Xihe Town", ["bob"])]
        html = self.client_for(w.command).get(RAISE).content.decode()
        assert '<optgroup label="Dongcheng Town">' in html
