"""The area filter of the lists: a menu of the upper levels, any area of the subtree valid."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from epigrid.areas.models import Area
from epigrid.cases.case_forms import CaseFilterForm
from tests.base import BaseTestCase

# The lists whose filter offers an area. The roster export's form is posted (a refused one
# is shown again); its menu is the one of the empty form.
PAGES = {"sites": "/areas/checkpoints/", "cases": "/cases/",
         "persons": reverse("registry:person_list"),
         "households": reverse("registry:household_list"),
         "waiting patients": "/care/beds/awaiting/",
         "roster export": reverse("registry:roster_export")}
POSTED = {"roster export"}


def menu(response: Any) -> list[str]:
    """The menu's options, by area name (the empty choice left out)."""
    field = response.context["form"].fields["area"]
    names = dict(Area.objects.values_list("pk", "name"))
    return [names[int(str(value))] for value, _label in field.widget.choices if value]


class AreaFilterMenuTests(BaseTestCase):
    def ask(self, user: Any, page: str, **data: Any) -> Any:
        client = self.client_for(user)
        if page in POSTED and data:
            return client.post(PAGES[page], {"format": "csv", **data})
        return client.get(PAGES[page], data)

    def test_it_offers_a_district_officer_the_district_and_its_towns_only(self) -> None:
        w = self.world
        for page in PAGES:
            with self.subTest(page):
                assert menu(self.ask(w.command, page)) == [
                    "Qingshan District", "Dongcheng Town", "Xihe Town"]

    def test_it_offers_a_town_officer_the_town_and_its_villages(self) -> None:
        for page in PAGES:
            with self.subTest(page):
                assert menu(self.ask(self.world.alice, page)) == [
                    "Dongcheng Town", "Village A1", "Village A2"]

    def test_it_adds_a_deeper_area_a_link_names_and_filters_by_it(self) -> None:
        w = self.world
        for page in ("sites", "cases", "waiting patients", "persons", "households"):
            with self.subTest(page):
                response = self.ask(w.command, page, area=w.village_a1.pk)
                assert response.context["form"].errors.get("area") is None
                assert menu(response) == ["Qingshan District", "Dongcheng Town", "Xihe Town",
                                          "Village A1"]
                selected = f'<option value="{w.village_a1.pk}" selected>'
                assert selected in response.content.decode()

    def test_it_refuses_an_area_of_another_town_in_the_users_words(self) -> None:
        w = self.world
        for page in PAGES:
            with self.subTest(page):
                response = self.ask(w.alice, page, area=w.village_b1.pk)
                assert response.context["form"].errors["area"] == [
                    "No such area among the areas you may see."]
                assert "Village B1" not in menu(response)
                assert "Village B1" not in response.content.decode()

    def test_it_refuses_an_area_that_is_no_number_and_one_that_does_not_exist(self) -> None:
        for raw in ("town-a", "99999999"):
            with self.subTest(raw):
                response = self.ask(self.world.command, "cases", area=raw)
                assert "area" in response.context["form"].errors
                assert len(menu(response)) == 3

    def test_it_names_the_refusal_in_chinese(self) -> None:
        w = self.world
        alice = self.client_for(w.alice)
        alice.cookies["django_language"] = "zh-hans"
        response = alice.get("/cases/", {"area": w.village_b1.pk})
        self.assertContains(response, "您可查看的区域中没有该区域。")

    def test_it_lists_the_menu_in_one_query_and_one_more_for_a_deeper_area(self) -> None:
        w = self.world
        command = type(w.command).objects.select_related("home_area").get(pk=w.command.pk)
        with self.assertNumQueries(1):  # the menu
            form = CaseFilterForm({}, user=command)
            assert len(form.fields["area"].widget.choices) == 4
        with self.assertNumQueries(2):  # the menu, the area asked for
            form = CaseFilterForm({"area": str(w.grid_a1_2.pk)}, user=command)
            assert len(form.fields["area"].widget.choices) == 5
        with self.assertNumQueries(1):  # asked for, and in the menu already
            form = CaseFilterForm({"area": str(w.town_b.pk)}, user=command)
            assert len(form.fields["area"].widget.choices) == 4


class RosterExportLinkTests(BaseTestCase):
    def test_it_links_an_areas_persons_and_households_to_the_export_of_its_roster(self) -> None:
        w = self.world
        zhou = self.client_for(w.command)
        url = f'{PAGES["roster export"]}?area={w.village_a1.pk}'
        for page in ("/registry/persons/", "/registry/households/"):
            with self.subTest(page):
                response = zhou.get(page, {"area": w.village_a1.pk})
                self.assertContains(response, f'id="export-roster" href="{url}"')
        response = zhou.get(url)
        assert menu(response)[-1] == "Village A1"
        self.assertContains(response, f'<option value="{w.village_a1.pk}" selected>')

    def test_it_offers_no_area_of_another_town_from_a_link(self) -> None:
        w = self.world
        response = self.client_for(w.alice).get(PAGES["roster export"],
                                                {"area": w.village_b1.pk})
        assert menu(response) == ["Dongcheng Town", "Village A1", "Village A2"]
        self.assertNotContains(response, "Village B1")
        self.assertNotContains(response, "selected>")

    def test_it_shows_no_export_link_to_who_may_not_export(self) -> None:
        response = self.client_for(self.world.li).get("/registry/persons/")
        assert response.status_code == 200
        self.assertNotContains(response, 'id="export-roster"')
