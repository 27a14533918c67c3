"""Site lists, details and forms: scope, search, filters, pagination, export, bad input."""

from __future__ import annotations

import csv
import io

import openpyxl
from django.test import override_settings

from epigrid.areas.models import Checkpoint, Facility
from epigrid.core.models import AuditEntry
from tests.base import BaseTestCase


def names(response: object) -> list[str]:
    return [site.name for site in response.context["page"].object_list]  # type: ignore[attr-defined]


class SiteListTests(BaseTestCase):
    def test_it_lists_only_the_sites_of_the_users_subtree(self) -> None:
        w = self.world
        assert names(self.client_for(w.alice).get("/areas/checkpoints/")) == [
            "East Road Checkpoint"]
        assert names(self.client_for(w.bob).get("/areas/facilities/")) == [
            "Xihe Quarantine Hotel"]
        assert names(self.client_for(w.li).get("/areas/checkpoints/")) == []
        assert names(self.client_for(w.command).get("/areas/warehouses/")) == [
            "Dongcheng Depot", "Xihe Depot"]

    def test_it_answers_404_for_a_site_outside_the_subtree(self) -> None:
        w = self.world
        bob = self.client_for(w.bob)
        assert bob.get(f"/areas/checkpoints/{w.checkpoint_a.pk}/").status_code == 404
        assert bob.get(f"/areas/checkpoints/{w.checkpoint_a.pk}/edit/").status_code == 404
        assert bob.get(f"/areas/facilities/{w.facility_a.pk}/").status_code == 404
        assert bob.get("/areas/warehouses/999999/").status_code == 404
        alice = self.client_for(w.alice)
        self.assertContains(alice.get(f"/areas/checkpoints/{w.checkpoint_a.pk}/"),
                            "East Road Checkpoint")

    def test_it_searches_by_name_code_and_address(self) -> None:
        w = self.world
        Checkpoint.objects.create(area=w.village_a2, code="CP-A-002", name="Bridge Post",
                                  address="No. 8 Riverside Road", kind=Checkpoint.Kind.ROAD)
        zhou = self.client_for(w.command)
        assert names(zhou.get("/areas/checkpoints/?q=bridge")) == ["Bridge Post"]
        assert names(zhou.get("/areas/checkpoints/?q=cp-b")) == ["West Gate Checkpoint"]
        assert names(zhou.get("/areas/checkpoints/?q=riverside")) == ["Bridge Post"]

    def test_it_filters_by_kind_area_and_status(self) -> None:
        w = self.world
        Checkpoint.objects.create(area=w.grid_a1_2, code="CP-A-003", name="Closed Gate",
                                  kind=Checkpoint.Kind.COMMUNITY_GATE, active=False)
        zhou = self.client_for(w.command)
        assert names(zhou.get("/areas/checkpoints/?kind=community_gate")) == [
            "Closed Gate", "West Gate Checkpoint"]
        assert names(zhou.get(f"/areas/checkpoints/?area={w.town_a.pk}")) == [
            "East Road Checkpoint", "Closed Gate"]
        # A grid is not in the menu of a district officer, but a link may still name it.
        assert names(zhou.get(f"/areas/checkpoints/?area={w.grid_a1_2.pk}")) == ["Closed Gate"]
        assert names(zhou.get("/areas/checkpoints/?active=no")) == ["Closed Gate"]
        assert names(zhou.get("/areas/checkpoints/?active=yes&kind=community_gate")) == [
            "West Gate Checkpoint"]

    def test_it_refuses_an_area_filter_outside_the_subtree(self) -> None:
        w = self.world
        response = self.client_for(w.alice).get(f"/areas/checkpoints/?area={w.village_b1.pk}")
        assert "area" in response.context["form"].errors
        assert names(response) == ["East Road Checkpoint"]
        self.assertNotContains(response, "Village B1")

    @override_settings(PAGE_SIZE=5)
    def test_it_paginates_and_keeps_the_filters_in_page_links(self) -> None:
        w = self.world
        for n in range(12):
            Checkpoint.objects.create(area=w.village_a2, code=f"CP-P-{n:03d}",
                                      name=f"Post {n:02d}", kind=Checkpoint.Kind.ROAD)
        zhou = self.client_for(w.command)
        first = zhou.get("/areas/checkpoints/?q=post")
        assert names(first) == [f"Post {n:02d}" for n in range(5)]
        assert first.context["page"].paginator.num_pages == 3
        self.assertContains(first, 'href="?q=post&amp;page=2"')
        last = zhou.get("/areas/checkpoints/?q=post&page=3")
        assert names(last) == ["Post 10", "Post 11"]
        assert names(zhou.get("/areas/checkpoints/?q=post&page=99")) == ["Post 10", "Post 11"]


class SiteExportTests(BaseTestCase):
    def test_it_exports_the_filtered_list_as_csv(self) -> None:
        w = self.world
        response = self.client_for(w.command).get("/areas/checkpoints/?export=csv&q=west")
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(body)))
        header = rows[0]
        picked = [[row[header.index(name)] for name in ("code", "name", "kind", "area code")]
                  for row in rows[1:]]
        assert picked == [["CP-B-001", "West Gate Checkpoint", "community gate", "420102002001"]]
        assert AuditEntry.objects.filter(action="export", model="areas.Checkpoint",
                                         actor_name="zhou").count() == 1

    def test_it_exports_only_the_users_sites_as_xlsx(self) -> None:
        w = self.world
        response = self.client_for(w.alice).get("/areas/facilities/?export=xlsx")
        sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        rows = list(sheet.iter_rows(values_only=True))
        assert [row[:2] for row in rows[1:]] == [("FA-A-001", "Dongcheng Fever Clinic")]

    def test_it_refuses_exports_to_a_grid_worker(self) -> None:
        assert self.client_for(self.world.li).get(
            "/areas/checkpoints/?export=csv").status_code == 403


class SiteFormTests(BaseTestCase):
    def form_data(self, **overrides: str) -> dict[str, str]:
        data = {"area_code": "420102001002", "code": "CP-A-010", "name": "Willow Bridge",
                "kind": "persuasion_return", "address": "", "phone": "", "latitude": "30.5",
                "longitude": "114.2", "active": "on"}
        data.update(overrides)
        return data

    def test_it_creates_a_checkpoint_in_the_officers_village(self) -> None:
        w = self.world
        response = self.client_for(w.alice).post("/areas/checkpoints/new/", self.form_data())
        site = Checkpoint.objects.get(code="CP-A-010")
        assert response.url == f"/areas/checkpoints/{site.pk}/"
        assert (site.area, site.kind, str(site.latitude)) == (
            w.village_a2, "persuasion_return", "30.500000")
        entry = AuditEntry.objects.get(model="areas.Checkpoint", action="create",
                                       object_pk=str(site.pk))
        assert entry.actor_name == "alice"
        assert entry.changes["name"] == [None, "Willow Bridge"]

    def test_it_explains_each_bad_field(self) -> None:
        w = self.world
        alice = self.client_for(w.alice)
        response = alice.post("/areas/checkpoints/new/", self.form_data(
            area_code=w.village_b1.code, code="CP-B-001", name="", latitude="95",
            kind="tank"))
        assert response.status_code == 400
        errors = response.context["form"].errors
        assert errors["area_code"] == [
            f"There is no area with the code {w.village_b1.code} in your area."]
        assert errors["code"] == ["Checkpoint with this Code already exists."]
        assert set(errors) == {"area_code", "code", "name", "latitude", "kind"}
        assert not Checkpoint.objects.filter(name="").exists()

    def test_it_edits_a_facility_and_logs_the_change(self) -> None:
        w = self.world
        alice = self.client_for(w.alice)
        data = {"area_code": w.village_a1.code, "code": "FA-A-001", "name": "Dongcheng Clinic",
                "kind": "fever_clinic", "address": "1 Main St", "phone": "", "latitude": "",
                "longitude": "", "active": "on"}
        response = alice.post(f"/areas/facilities/{w.facility_a.pk}/edit/", data)
        assert response.status_code == 302
        site = Facility.objects.get(pk=w.facility_a.pk)
        assert (site.name, site.area) == ("Dongcheng Clinic", w.village_a1)
        entry = AuditEntry.objects.filter(model="areas.Facility", action="update").get()
        assert entry.changes["name"] == ["Dongcheng Fever Clinic", "Dongcheng Clinic"]
        assert entry.changes["area_id"] == [w.town_a.pk, w.village_a1.pk]
        history = self.client_for(w.admin).get(f"/areas/facilities/{w.facility_a.pk}/")
        self.assertContains(history, "Dongcheng Fever Clinic")

    def test_it_lets_only_site_editors_write(self) -> None:
        w = self.world
        li = self.client_for(w.li)
        assert li.get("/areas/checkpoints/new/").status_code == 403
        assert li.post("/areas/checkpoints/new/", self.form_data(
            area_code=w.grid_a1_1.code)).status_code == 403
        assert not Checkpoint.objects.filter(code="CP-A-010").exists()
