"""Long area menus in groups by town: the campaign form's villages of a whole district."""

from __future__ import annotations

from django.urls import reverse

from epigrid.areas.forms import town_groups
from epigrid.areas.models import Area, Level
from tests.base import BaseTestCase


class TownGroupsTests(BaseTestCase):
    def areas(self, *levels: Level) -> list[Area]:
        return list(Area.objects.filter(level__in=levels).order_by("path"))

    def test_it_lists_each_towns_villages_under_it_and_the_district_apart(self) -> None:
        groups = town_groups(self.areas(Level.DISTRICT, Level.TOWN, Level.VILLAGE))
        assert [(label, [name for _pk, name in options]) for label, options in groups] == [
            ("Qingshan District", ["Qingshan District"]),
            ("Dongcheng Town", ["Dongcheng Town", "Village A1", "Village A2"]),
            ("Xihe Town", ["Xihe Town", "Village B1"])]

    def test_it_lets_an_area_under_no_listed_town_stand_alone(self) -> None:
        w = self.world
        assert town_groups([w.village_a1]) == [(w.village_a1.pk, "Village A1")]
        assert town_groups([]) == []

    def test_the_campaign_form_shows_the_groups(self) -> None:
        html = self.client_for(self.world.command).get(
            reverse("registry:screening_campaign_create")).content.decode()
        select = html[html.index('name="area"'):].split("</select>")[0]
        assert select.index('<optgroup label="Dongcheng Town">') < select.index("Village A1") \
            < select.index('<optgroup label="Xihe Town">') < select.index("Village B1")
