from __future__ import annotations

import json

from epigrid.areas.models import Area, Level
from tests.base import BaseTestCase

SQUARE = {"type": "Polygon",
          "coordinates": [[[114.0, 30.0], [114.2, 30.0], [114.2, 30.2], [114.0, 30.2],
                           [114.0, 30.0]]]}


class AreaEditPageTests(BaseTestCase):
    def test_it_lets_the_command_add_a_village_to_a_town(self) -> None:
        w = self.world
        response = self.client_for(w.command).post(f"/areas/{w.town_b.pk}/new/", {
            "name": "Village B2", "code": "420102002002", "population": "1200",
            "households": "400", "boundary_text": json.dumps(SQUARE)})
        village = Area.objects.get(code="420102002002")
        assert response.status_code == 302 and response["Location"] == f"/areas/{village.pk}/"
        assert (village.parent, village.level, village.population) == (w.town_b, Level.VILLAGE,
                                                                        1200)
        assert village.path.startswith(w.town_b.path)
        assert (float(village.latitude), float(village.longitude)) == (30.1, 114.1)  # type: ignore[arg-type]

    def test_it_names_each_bad_field(self) -> None:
        w = self.world
        response = self.client_for(w.command).post(f"/areas/{w.town_b.pk}/new/", {
            "name": "", "code": "420102001000", "population": "-5", "households": "x",
            "latitude": "95", "boundary_text": "{oops"})
        assert response.status_code == 400
        errors = response.context["form"].errors
        assert set(errors) >= {"name", "code", "population", "households", "latitude",
                               "boundary_text"}
        assert not Area.objects.filter(parent=w.town_b, name="").exists()

    def test_it_renames_without_touching_the_path(self) -> None:
        w = self.world
        before = w.village_a1.path
        response = self.client_for(w.command).post(f"/areas/{w.village_a1.pk}/edit/", {
            "name": "Willow", "code": w.village_a1.code, "population": "3100",
            "households": "1000"})
        w.village_a1.refresh_from_db()
        assert response.status_code == 302
        assert (w.village_a1.name, w.village_a1.population, w.village_a1.path) == (
            "Willow", 3100, before)

    def test_it_moves_a_village_with_its_grids(self) -> None:
        w = self.world
        response = self.client_for(w.command).post(f"/areas/{w.village_a2.pk}/move/",
                                                   {"parent_code": w.town_b.code})
        assert response.status_code == 302
        assert Area.objects.within(w.town_b.path).filter(name="Grid A2-1").exists()

    def test_it_refuses_a_parent_of_the_wrong_level(self) -> None:
        w = self.world
        response = self.client_for(w.command).post(f"/areas/{w.village_a2.pk}/move/",
                                                   {"parent_code": w.village_b1.code})
        assert response.status_code == 400
        assert "parent_code" in response.context["form"].errors

    def test_it_keeps_officers_from_changing_the_tree(self) -> None:
        w = self.world
        client = self.client_for(w.alice)
        assert client.get(f"/areas/{w.village_a1.pk}/edit/").status_code == 403
        assert client.post(f"/areas/{w.village_a1.pk}/move/",
                           {"parent_code": w.town_a.code}).status_code == 403
        page = client.get(f"/areas/{w.town_a.pk}/")
        assert f"/areas/{w.town_a.pk}/edit/" not in page.content.decode()

    def test_it_answers_not_found_outside_the_scope(self) -> None:
        w = self.world
        # A command user of another district is simulated by bob: not his area, so 404 first.
        assert self.client_for(w.bob).get(f"/areas/{w.village_a1.pk}/edit/").status_code == 404

    def test_it_cannot_move_into_a_parent_outside_the_scope(self) -> None:
        w = self.world
        response = self.client_for(w.command).post(f"/areas/{w.village_a2.pk}/move/",
                                                   {"parent_code": "999999999999"})
        assert response.status_code == 400
