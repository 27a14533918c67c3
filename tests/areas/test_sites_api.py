from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from epigrid.accounts.models import User
from epigrid.accounts.services import create_api_token
from epigrid.areas.models import Checkpoint, Facility, Warehouse
from tests.areas.test_areas_api import walk
from tests.base import BaseTestCase
from tests.factories import CheckpointFactory, FacilityFactory, WarehouseFactory

KINDS = ("checkpoints", "facilities", "warehouses")


class SiteListTests(BaseTestCase):
    def codes(self, user: User, kind: str, query: str = "") -> set[str]:
        response = self.client_for(user).get(f"/api/sites/{kind}/{query}")
        assert response.status_code == 200, response.content
        return {item["code"] for item in response.json()["items"]}

    def test_it_lists_each_kind_of_site_within_the_scope(self) -> None:
        w = self.world
        for kind, letter in (("checkpoints", "CP"), ("facilities", "FA"), ("warehouses", "WH")):
            assert self.codes(w.alice, kind) == {f"{letter}-A-001"}
            assert self.codes(w.bob, kind) == {f"{letter}-B-001"}
            assert self.codes(w.command, kind) == {f"{letter}-A-001", f"{letter}-B-001"}
            assert self.codes(w.stranger, kind) == set()
            assert self.codes(w.li, kind) == set()  # grid A1-1 holds no site

    def test_it_describes_a_site_with_its_area(self) -> None:
        w = self.world
        [item] = self.client_for(w.alice).get("/api/sites/checkpoints/").json()["items"]
        assert item == {"id": w.checkpoint_a.pk, "code": "CP-A-001",
                        "name": "East Road Checkpoint", "kind": "road",
                        "area_id": w.village_a1.pk, "area_name": "Village A1", "address": "",
                        "latitude": 30.6, "longitude": 114.3, "phone": "", "active": True}
        [depot] = self.client_for(w.alice).get("/api/sites/warehouses/").json()["items"]
        assert depot["kind"] is None

    def test_it_filters_by_kind(self) -> None:
        w = self.world
        assert self.codes(w.command, "checkpoints", "?kind=road") == {"CP-A-001"}
        assert self.codes(w.command, "facilities", "?kind=quarantine_site") == {"FA-B-001"}
        assert self.codes(w.alice, "facilities", "?kind=quarantine_site") == set()

    def test_it_refuses_a_kind_of_another_model(self) -> None:
        response = self.client_for(self.world.command).get("/api/sites/checkpoints/?kind=market")
        assert response.status_code == 422
        [error] = response.json()["detail"]
        assert error["loc"] == ["query", "kind"]

    def test_it_filters_by_area_subtree(self) -> None:
        w = self.world
        assert self.codes(w.command, "checkpoints", f"?area={w.town_a.pk}") == {"CP-A-001"}
        assert self.codes(w.command, "checkpoints", f"?area={w.village_a2.pk}") == set()
        assert self.codes(w.command, "facilities", f"?area={w.town_b.pk}") == {"FA-B-001"}

    def test_it_treats_an_area_outside_the_scope_as_unknown(self) -> None:
        w = self.world
        response = self.client_for(w.alice).get(f"/api/sites/checkpoints/?area={w.town_b.pk}")
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["query", "area"]
        assert "West Gate" not in response.content.decode()

    def test_it_searches_name_code_and_address(self) -> None:
        w = self.world
        Checkpoint.objects.filter(pk=w.checkpoint_b.pk).update(address="12 Plum Lane")
        assert self.codes(w.command, "checkpoints", "?q=east road") == {"CP-A-001"}
        assert self.codes(w.command, "checkpoints", "?q=cp-b") == {"CP-B-001"}
        assert self.codes(w.command, "checkpoints", "?q=plum") == {"CP-B-001"}
        assert self.codes(w.alice, "checkpoints", "?q=plum") == set()

    def test_it_filters_by_active(self) -> None:
        w = self.world
        Warehouse.objects.filter(pk=w.warehouse_b.pk).update(active=False)
        assert self.codes(w.command, "warehouses", "?active=false") == {"WH-B-001"}
        assert self.codes(w.command, "warehouses", "?active=true") == {"WH-A-001"}

    def test_it_walks_every_page_without_duplicates_or_gaps(self) -> None:
        w = self.world
        FacilityFactory.create_batch(30, area=w.village_a2, kind=Facility.Kind.FEVER_CLINIC)
        FacilityFactory(area=w.village_b1, code="FA-B-100", kind=Facility.Kind.FEVER_CLINIC)
        for limit in (1, 4, 31, 50):
            items = walk(self.client_for(w.alice), "/api/sites/facilities/?kind=fever_clinic",
                         limit)
            codes = [item["code"] for item in items]
            assert len(codes) == len(set(codes)) == 31
            assert "FA-B-100" not in codes

    def test_it_lists_with_a_constant_number_of_queries(self) -> None:
        w = self.world
        _token, raw = create_api_token(w.command, "count")
        client = Client(headers={"Authorization": f"Bearer {raw}"})

        def count(kind: str) -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(f"/api/sites/{kind}/").status_code == 200
            return len(queries)

        count("checkpoints")  # the token's first use of the minute writes it: not counted
        before = {kind: count(kind) for kind in KINDS}
        areas = [w.village_a1, w.village_a2, w.village_b1, w.town_a]
        for area in areas:
            CheckpointFactory.create_batch(3, area=area)
            FacilityFactory.create_batch(3, area=area)
            WarehouseFactory.create_batch(3, area=area)
        assert {kind: count(kind) for kind in KINDS} == before


class SiteDetailTests(BaseTestCase):
    def test_it_shows_a_site_of_the_own_area(self) -> None:
        w = self.world
        body = self.client_for(w.alice).get(f"/api/sites/facilities/{w.facility_a.pk}").json()
        assert (body["name"], body["kind"], body["area_name"]) == (
            "Dongcheng Fever Clinic", "fever_clinic", "Dongcheng Town")

    def test_it_answers_404_alike_for_forbidden_and_missing_sites(self) -> None:
        w = self.world
        client = self.client_for(w.bob)
        for kind, site in (("checkpoints", w.checkpoint_a), ("facilities", w.facility_a),
                           ("warehouses", w.warehouse_a)):
            forbidden = client.get(f"/api/sites/{kind}/{site.pk}")
            missing = client.get(f"/api/sites/{kind}/987654")
            assert forbidden.status_code == missing.status_code == 404
            assert forbidden.json() == missing.json()
            assert site.name not in forbidden.content.decode()

    def test_it_does_not_mix_up_kinds_sharing_an_id(self) -> None:
        w = self.world
        # The first checkpoint and the first warehouse may share id 1: each route reads its own.
        body = self.client_for(w.alice).get(f"/api/sites/warehouses/{w.warehouse_a.pk}").json()
        assert body["code"] == "WH-A-001"
