"""The area browser as its users see it: figures, counts, scope, risk changes, query budget."""

from __future__ import annotations

import csv
import io

import openpyxl
from django.db import connection
from django.test.utils import CaptureQueriesContext

from epigrid.areas.models import Area, Checkpoint, Level, RiskLevel
from tests.base import BaseTestCase, make_area


def csv_rows(response: object) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(body)))


class AreaBrowsingTests(BaseTestCase):
    def test_it_sends_each_user_to_the_home_area(self) -> None:
        w = self.world
        assert self.client_for(w.alice).get("/areas/").url == f"/areas/{w.town_a.pk}/"
        assert self.client_for(w.li).get("/areas/").url == f"/areas/{w.grid_a1_1.pk}/"
        assert self.client_for(w.admin).get("/areas/").url == f"/areas/{w.city.pk}/"

    def test_it_tells_a_user_without_a_home_area_so(self) -> None:
        response = self.client_for(self.world.stranger).get("/areas/")
        self.assertContains(response, "No area assigned")

    def test_it_shows_alice_her_villages_figures_and_site_counts(self) -> None:
        w = self.world
        response = self.client_for(w.alice).get(f"/areas/{w.town_a.pk}/")
        table = response.context["table"]
        rows = {row.area.name: (row.area.population, row.area.households, row.checkpoints,
                                row.facilities, row.warehouses) for row in table.rows}
        assert rows == {"Village A1": (3000, 1000, 1, 0, 0), "Village A2": (2000, 700, 0, 0, 0)}
        # The fever clinic and the depot belong to the town itself, not to a village.
        direct = table.direct
        assert (direct.checkpoints, direct.facilities, direct.warehouses) == (0, 1, 1)
        total = table.total
        assert (table.population, table.households) == (5000, 1700)
        assert (total.checkpoints, total.facilities, total.warehouses) == (1, 1, 1)
        self.assertContains(response, "5,000")
        self.assertContains(response, "Village A2")
        self.assertNotContains(response, "Village B1")

    def test_it_counts_sites_in_each_childs_whole_subtree(self) -> None:
        w = self.world
        Checkpoint.objects.create(area=w.grid_a1_2, code="CP-A-002", name="Grid Gate",
                                  kind=Checkpoint.Kind.COMMUNITY_GATE)
        response = self.client_for(w.command).get(f"/areas/{w.district.pk}/")
        counts = {row.area.name: (row.checkpoints, row.facilities, row.warehouses)
                  for row in response.context["table"].rows}
        assert counts == {"Dongcheng Town": (2, 1, 1), "Xihe Town": (1, 1, 1)}

    def test_it_shows_breadcrumbs_without_links_above_the_home_area(self) -> None:
        w = self.world
        response = self.client_for(w.alice).get(f"/areas/{w.village_a1.pk}/")
        crumbs = [(a.name, may_open) for a, may_open in response.context["breadcrumbs"]]
        assert crumbs == [("Jinhe City", False), ("Qingshan District", False),
                          ("Dongcheng Town", True)]
        self.assertContains(response, f'href="/areas/{w.town_a.pk}/"')
        self.assertNotContains(response, f'href="/areas/{w.district.pk}/"')

    def test_it_answers_404_outside_the_users_subtree(self) -> None:
        w = self.world
        bob = self.client_for(w.bob)
        for url in (f"/areas/{w.village_a1.pk}/", f"/areas/{w.village_a1.pk}/children/",
                    f"/areas/{w.village_a1.pk}/?export=csv", "/areas/999999/"):
            assert bob.get(url).status_code == 404, url
        li = self.client_for(w.li)
        assert li.get(f"/areas/{w.grid_a1_1.pk}/").status_code == 200
        assert li.get(f"/areas/{w.grid_a1_2.pk}/").status_code == 404
        assert li.get(f"/areas/{w.village_a1.pk}/").status_code == 404

    def test_it_searches_areas_by_name_or_code_within_scope(self) -> None:
        w = self.world
        alice = self.client_for(w.alice)
        names = [a.name for a in alice.get("/areas/search/?q=village").context["results"]]
        assert names == ["Village A1", "Village A2"]
        assert list(alice.get("/areas/search/?q=420102002").context["results"]) == []
        codes = [a.code for a in alice.get("/areas/search/?q=420102001001").context["results"]]
        assert codes == ["420102001001", "420102001001-01", "420102001001-02"]
        grids = self.client_for(w.li).get("/areas/search/?q=Grid").context["results"]
        assert [a.name for a in grids] == ["Grid A1-1"]

    def test_it_loads_a_tree_nodes_children(self) -> None:
        w = self.world
        alice = self.client_for(w.alice)
        tree = alice.get("/areas/tree/")
        self.assertContains(tree, f'hx-get="/areas/{w.village_a1.pk}/children/"')
        self.assertContains(tree, "Village A2")
        node = alice.get(f"/areas/{w.village_a1.pk}/children/")
        self.assertContains(node, "Grid A1-1")
        self.assertContains(node, "Grid A1-2")
        self.assertNotContains(node, "<html")


class AreaExportTests(BaseTestCase):
    def test_it_exports_the_children_as_csv(self) -> None:
        w = self.world
        response = self.client_for(w.alice).get(f"/areas/{w.town_a.pk}/?export=csv")
        rows = csv_rows(response)
        header = rows[0]
        by_name = {row[header.index("name")]: row for row in rows[1:]}
        assert sorted(by_name) == ["Village A1", "Village A2"]
        a1 = by_name["Village A1"]
        assert a1[header.index("population")] == "3000"
        assert a1[header.index("parent code")] == "420102001000"
        assert a1[header.index("checkpoints")] == "1"

    def test_it_exports_the_children_as_xlsx(self) -> None:
        w = self.world
        response = self.client_for(w.command).get(f"/areas/{w.district.pk}/?export=xlsx")
        sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        values = list(sheet.iter_rows(values_only=True))
        header = list(values[0])
        towns = {row[header.index("name")]: row[header.index("households")] for row in values[1:]}
        assert towns == {"Dongcheng Town": 17000, "Xihe Town": 13000}

    def test_it_refuses_an_export_to_a_role_without_export(self) -> None:
        w = self.world
        assert self.client_for(w.li).get(f"/areas/{w.grid_a1_1.pk}/?export=csv").status_code == 403
        assert self.client_for(w.alice).get(
            f"/areas/{w.town_a.pk}/?export=pdf").status_code == 400


class RiskChangePageTests(BaseTestCase):
    def test_it_changes_the_risk_level_with_a_reason(self) -> None:
        w = self.world
        zhou = self.client_for(w.command)
        response = zhou.post(f"/areas/{w.village_a1.pk}/risk/",
                             {"level": "high", "reason": "two confirmed cases"}, follow=True)
        w.village_a1.refresh_from_db()
        assert w.village_a1.risk_level == RiskLevel.HIGH
        history = response.context["history"]
        assert [(c.previous, c.level, c.reason) for c in history] == [
            ("low", "high", "two confirmed cases")]
        self.assertContains(response, "two confirmed cases")

    def test_it_shows_the_errors_of_a_bad_risk_change(self) -> None:
        w = self.world
        zhou = self.client_for(w.command)
        url = f"/areas/{w.village_a1.pk}/risk/"
        blank = zhou.post(url, {"level": "high", "reason": "   "})
        assert blank.status_code == 400
        assert "reason" in blank.context["risk_form"].errors
        same = zhou.post(url, {"level": "low", "reason": "no change"})
        assert same.context["risk_form"].errors["level"] == [
            "The area is already at this risk level."]
        unknown = zhou.post(url, {"level": "extreme", "reason": "x"})
        assert "level" in unknown.context["risk_form"].errors
        w.village_a1.refresh_from_db()
        assert w.village_a1.risk_level == RiskLevel.LOW

    def test_it_lets_only_the_command_change_risk_within_scope(self) -> None:
        w = self.world
        data = {"level": "medium", "reason": "cluster"}
        assert self.client_for(w.alice).post(
            f"/areas/{w.village_a1.pk}/risk/", data).status_code == 403
        assert self.client_for(w.bob).post(
            f"/areas/{w.village_a1.pk}/risk/", data).status_code == 404
        assert self.client_for(w.alice).get(f"/areas/{w.town_a.pk}/").context["risk_form"] is None


class AreaPageQueryBudgetTests(BaseTestCase):
    def queries_for(self, area: Area) -> int:
        client = self.client_for(self.world.admin)
        client.get(f"/areas/{area.pk}/")  # warm the session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/areas/{area.pk}/")
        assert response.status_code == 200
        return len(queries)

    def test_it_uses_the_same_few_queries_whatever_the_number_of_children(self) -> None:
        w = self.world
        town = self.queries_for(w.town_a)
        for n in range(30):
            make_area(w.town_b, Level.VILLAGE, f"420102002{n + 100:03d}", f"Extra {n}")
        assert self.queries_for(w.town_b) == town
        assert self.queries_for(w.district) == town
        assert self.queries_for(w.city) == town
        assert town <= 21  # 20, and the mobilization panel's counts: 1

    def test_it_counts_an_exact_query_budget(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        client.get(f"/areas/{w.town_a.pk}/")
        # session, user, home area, area, breadcrumbs, children, 3 site counts, risk history,
        # and the registered panels' (the screening campaigns running there: 1, none here; the
        # open problems: 1, fewer than a panel's worth; the case figures: 3,
        # cases.figures.headline_now; what its supplies are short of: 5, supplies.stock_rows;
        # its supervised tasks and findings: 1, nothing overdue here; its people sent down,
        # teams and payments waiting: 1)
        with self.assertNumQueries(22):
            client.get(f"/areas/{w.town_a.pk}/")
        with self.assertNumQueries(22):
            client.get(f"/areas/{w.district.pk}/")
