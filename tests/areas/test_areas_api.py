from __future__ import annotations

from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from epigrid.accounts.models import User
from epigrid.accounts.services import create_api_token, create_user
from epigrid.areas import services
from epigrid.areas.models import Area, Level, RiskLevel, RiskLevelChange
from epigrid.core.access import Role
from tests.base import PASSWORD, BaseTestCase, make_area

TOWN_A = {"Dongcheng Town", "Village A1", "Village A2", "Grid A1-1", "Grid A1-2", "Grid A2-1"}
TOWN_B = {"Xihe Town", "Village B1", "Grid B1-1"}


def walk(client: Client, url: str, limit: int) -> list[dict[str, Any]]:
    """Every item of a keyset-paginated list, following `next_after` page by page."""
    items: list[dict[str, Any]] = []
    after: int | None = None
    for _page in range(1000):
        query = f"limit={limit}" + (f"&after={after}" if after is not None else "")
        body = client.get(f"{url}{'&' if '?' in url else '?'}{query}").json()
        assert len(body["items"]) <= limit
        items += body["items"]
        after = body["next_after"]
        if after is None:
            return items
    raise AssertionError("the pages never ended")


class AreaListTests(BaseTestCase):
    def names(self, user: User, query: str = "") -> set[str]:
        response = self.client_for(user).get(f"/api/areas/{query}")
        assert response.status_code == 200, response.content
        return {item["name"] for item in response.json()["items"]}

    def test_it_lists_only_the_officers_subtree(self) -> None:
        assert self.names(self.world.alice) == TOWN_A
        assert self.names(self.world.bob) == TOWN_B

    def test_it_lists_nothing_to_a_user_without_an_area(self) -> None:
        assert self.names(self.world.stranger) == set()

    def test_it_filters_by_parent(self) -> None:
        w = self.world
        assert self.names(w.alice, f"?parent={w.town_a.pk}") == {"Village A1", "Village A2"}
        assert self.names(w.alice, f"?parent={w.town_b.pk}") == set()

    def test_it_filters_by_level_given_as_number_or_name(self) -> None:
        w = self.world
        assert self.names(w.command, "?level=3") == {"Dongcheng Town", "Xihe Town"}
        assert self.names(w.command, "?level=Village") == {"Village A1", "Village A2",
                                                           "Village B1"}
        assert self.names(w.alice, "?level=town") == {"Dongcheng Town"}

    def test_it_refuses_an_unknown_level_with_a_message(self) -> None:
        response = self.client_for(self.world.alice).get("/api/areas/?level=county")
        assert response.status_code == 422
        [error] = response.json()["detail"]
        assert error["loc"] == ["query", "level"]
        assert "Unknown level county" in error["msg"]
        assert self.client_for(self.world.alice).get("/api/areas/?level=6").status_code == 422

    def test_it_searches_name_and_code(self) -> None:
        w = self.world
        assert self.names(w.alice, "?q=grid a1") == {"Grid A1-1", "Grid A1-2"}
        assert self.names(w.alice, "?q=420102001002") == {"Village A2", "Grid A2-1"}
        assert self.names(w.alice, "?q=Xihe") == set()

    def test_it_filters_by_risk_level(self) -> None:
        w = self.world
        services.change_risk_level(w.village_a2, RiskLevel.HIGH, reason="cluster",
                                   changed_by=w.command)
        services.change_risk_level(w.village_b1, RiskLevel.HIGH, reason="cluster",
                                   changed_by=w.command)
        assert self.names(w.alice, "?risk_level=high") == {"Village A2"}
        response = self.client_for(w.alice).get("/api/areas/?risk_level=purple")
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["query", "risk_level"]

    def test_it_filters_by_subtree(self) -> None:
        w = self.world
        assert self.names(w.alice, f"?within={w.village_a1.pk}") == {"Village A1", "Grid A1-1",
                                                                     "Grid A1-2"}
        assert self.names(w.command, f"?within={w.town_b.pk}&level=grid") == {"Grid B1-1"}

    def test_it_treats_a_subtree_outside_the_scope_as_unknown(self) -> None:
        w = self.world
        for area_id in (w.town_b.pk, 987654):
            response = self.client_for(w.alice).get(f"/api/areas/?within={area_id}")
            assert response.status_code == 422
            [error] = response.json()["detail"]
            assert error["loc"] == ["query", "within"]
            assert "Xihe" not in response.content.decode()

    def test_it_walks_every_page_without_duplicates_or_gaps(self) -> None:
        w = self.world
        for n in range(23):
            make_area(w.village_a1, Level.GRID, f"420102001001-{n + 10}", f"Extra grid {n}")
        expected = set(Area.objects.within(w.town_a.path).values_list("pk", flat=True))
        for limit in (1, 7, 29, 500):
            items = walk(self.client_for(w.alice), "/api/areas/", limit)
            ids = [item["id"] for item in items]
            assert len(ids) == len(set(ids)) == len(expected) == 29
            assert set(ids) == expected
            assert ids == sorted(ids)

    def test_it_pages_filtered_lists_too(self) -> None:
        w = self.world
        for n in range(11):
            make_area(w.village_b1, Level.GRID, f"420102002001-{n + 10}", f"B grid {n}")
        items = walk(self.client_for(w.bob), "/api/areas/?level=grid", 4)
        assert len({item["id"] for item in items}) == len(items) == 12

    def test_it_refuses_page_sizes_out_of_range(self) -> None:
        client = self.client_for(self.world.alice)
        for query in ("limit=0", "limit=501", "after=-1", "limit=ten"):
            response = client.get(f"/api/areas/?{query}")
            assert response.status_code == 422, query
            assert response.json()["detail"][0]["loc"][0] == "query"
        assert len(client.get("/api/areas/?limit=2").json()["items"]) == 2

    def test_it_lists_with_a_constant_number_of_queries(self) -> None:
        w = self.world
        client = self.client_for(w.command)

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get("/api/areas/?limit=500").status_code == 200
            return len(queries)

        before = count()
        for n in range(15):
            make_area(w.village_b1, Level.GRID, f"420102002001-{n + 10}", f"B grid {n}")
        assert count() == before

    def test_it_asks_anonymous_callers_to_authenticate(self) -> None:
        response = Client().get("/api/areas/")
        assert response.status_code == 401
        assert "Dongcheng" not in response.content.decode()


class AreaDetailTests(BaseTestCase):
    def test_it_shows_an_area_with_its_visible_ancestors_and_counts(self) -> None:
        w = self.world
        body = self.client_for(w.command).get(f"/api/areas/{w.village_a1.pk}").json()
        assert (body["name"], body["parent_id"], body["level_name"]) == (
            "Village A1", w.town_a.pk, "village")
        # The command's home is the district: the city above it is not among what it sees.
        assert [a["name"] for a in body["ancestors"]] == ["Qingshan District", "Dongcheng Town"]
        assert body["children_count"] == 2
        assert body["site_counts"] == {"checkpoints": 1, "facilities": 0, "warehouses": 0}

    def test_it_counts_sites_in_the_whole_subtree(self) -> None:
        w = self.world
        body = self.client_for(w.command).get(f"/api/areas/{w.district.pk}").json()
        assert body["site_counts"] == {"checkpoints": 2, "facilities": 2, "warehouses": 2}
        assert body["population"] == 90_000
        assert body["children_count"] == 2

    def test_it_hides_ancestors_above_the_home_area(self) -> None:
        w = self.world
        body = self.client_for(w.alice).get(f"/api/areas/{w.grid_a1_1.pk}").json()
        assert [a["name"] for a in body["ancestors"]] == ["Dongcheng Town", "Village A1"]
        assert body["parent_id"] == w.village_a1.pk

    def test_it_answers_404_alike_for_forbidden_and_missing_areas(self) -> None:
        w = self.world
        client = self.client_for(w.bob)
        forbidden = client.get(f"/api/areas/{w.town_a.pk}")
        missing = client.get("/api/areas/987654")
        assert forbidden.status_code == missing.status_code == 404
        assert forbidden.json() == missing.json() == {"detail": "Not found."}
        assert self.client_for(w.stranger).get(f"/api/areas/{w.town_b.pk}").status_code == 404

    def test_it_shows_the_risk_history_newest_first(self) -> None:
        w = self.world
        services.change_risk_level(w.village_a1, RiskLevel.MEDIUM, reason="returnees",
                                   changed_by=w.command)
        services.change_risk_level(w.village_a1, RiskLevel.HIGH, reason="cluster",
                                   changed_by=w.command)
        body = self.client_for(w.alice).get(f"/api/areas/{w.village_a1.pk}/risk-history").json()
        assert [(c["previous"], c["level"], c["reason"], c["changed_by"]) for c in body] == [
            ("medium", "high", "cluster", "zhou"), ("low", "medium", "returnees", "zhou")]
        assert self.client_for(w.bob).get(
            f"/api/areas/{w.village_a1.pk}/risk-history").status_code == 404


class RiskLevelApiTests(BaseTestCase):
    def post(self, user: User, area: Area, body: dict[str, Any]) -> Any:
        return self.client_for(user).post(f"/api/areas/{area.pk}/risk-level", body,
                                          content_type="application/json")

    def test_it_lets_the_command_raise_a_risk_level(self) -> None:
        w = self.world
        response = self.post(w.command, w.village_a2,
                             {"level": "high", "reason": "two cases", "effective_on": "2020-02-03"})
        assert response.status_code == 201, response.content
        assert response.json()["previous"] == "low"
        w.village_a2.refresh_from_db()
        assert w.village_a2.risk_level == RiskLevel.HIGH
        change = RiskLevelChange.objects.get(area=w.village_a2)
        assert (change.reason, str(change.effective_on), change.changed_by) == (
            "two cases", "2020-02-03", w.command)

    def test_it_refuses_an_officer_without_the_capability(self) -> None:
        w = self.world
        response = self.post(w.alice, w.village_a2, {"level": "high", "reason": "cases"})
        assert response.status_code == 403
        assert "Change risk levels" in response.json()["detail"]
        w.village_a2.refresh_from_db()
        assert w.village_a2.risk_level == RiskLevel.LOW
        assert not RiskLevelChange.objects.exists()

    def test_it_hides_areas_outside_the_scope_even_from_a_command_user(self) -> None:
        w = self.world
        town_b_command = create_user(username="wu", password=PASSWORD, role=Role.COMMAND,
                                     home_area=w.town_b)
        response = self.post(town_b_command, w.village_a2, {"level": "high", "reason": "x"})
        assert response.status_code == 404
        assert not RiskLevelChange.objects.exists()

    def test_it_refuses_an_unknown_level_with_a_message(self) -> None:
        response = self.post(self.world.command, self.world.village_a2,
                             {"level": "purple", "reason": "x"})
        assert response.status_code == 422
        [error] = response.json()["detail"]
        assert error["loc"] == ["body", "payload", "level"]
        assert "'low', 'medium' or 'high'" in error["msg"]

    def test_it_passes_on_the_services_field_messages(self) -> None:
        w = self.world
        blank = self.post(w.command, w.village_a2, {"level": "high", "reason": "  "})
        assert blank.status_code == 422
        assert blank.json()["detail"] == [{"loc": ["body", "reason"], "type": "value_error",
                                           "msg": "Say why the risk level changes."}]
        same = self.post(w.command, w.village_a2, {"level": "low", "reason": "calm"})
        assert same.status_code == 422
        assert same.json()["detail"][0]["loc"] == ["body", "level"]
        assert not RiskLevelChange.objects.exists()

    def test_it_refuses_a_body_that_is_not_json(self) -> None:
        response = self.client_for(self.world.command).post(
            f"/api/areas/{self.world.village_a2.pk}/risk-level", "level=high",
            content_type="application/json")
        assert response.status_code in {400, 422}
        assert not RiskLevelChange.objects.exists()

    def test_it_checks_csrf_on_session_writes(self) -> None:
        w = self.world
        client = Client(enforce_csrf_checks=True)
        client.force_login(w.command)
        url = f"/api/areas/{w.village_a2.pk}/risk-level"
        body = {"level": "high", "reason": "cases"}
        refused = client.post(url, body, content_type="application/json")
        assert refused.status_code == 403
        assert not RiskLevelChange.objects.exists()
        client.get("/api/docs")  # any page with a form sets the CSRF cookie
        token = client.cookies["csrftoken"].value
        accepted = client.post(url, body, content_type="application/json",
                               headers={"X-CSRFToken": token})
        assert accepted.status_code == 201, accepted.content

    def test_it_accepts_a_token_without_csrf(self) -> None:
        w = self.world
        _token, raw = create_api_token(w.command, "script")
        response = Client(enforce_csrf_checks=True).post(
            f"/api/areas/{w.village_a2.pk}/risk-level", {"level": "medium", "reason": "cases"},
            content_type="application/json", headers={"Authorization": f"Bearer {raw}"})
        assert response.status_code == 201, response.content
        assert RiskLevelChange.objects.get().changed_by == w.command
