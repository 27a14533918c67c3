"""The passage list's checkpoint filter: a menu of the area's checkpoints while they are few,
a box for a checkpoint's code beyond (a district's thousand were a menu on every view); the
figures' drill-down links name a checkpoint by its id either way."""

from __future__ import annotations

import re
from unittest import mock

from epigrid.checkpoints import passage_forms
from epigrid.checkpoints.passages import record_passages
from tests.base import BaseTestCase
from tests.checkpoints.passage_helpers import east_road_staff, items

LIST = "/checkpoints/passages/"


class PassageFilterTests(BaseTestCase):
    def setUp(self) -> None:
        w = self.world
        record_passages(east_road_staff(w), w.checkpoint_a, items(2, name="Liu Yang"))
        record_passages(w.bob, w.checkpoint_b, items(2, name="Zhao Xihe"))

    def names(self, body: str) -> set[str]:
        return {name for name in ("Liu Yang", "Zhao Xihe") if name in body}

    def test_it_offers_a_menu_of_the_few_checkpoints_by_code(self) -> None:
        body = self.client_for(self.world.command).get(LIST).content.decode()
        options = re.findall(r'<option value="([^"]*)"', body.split('name="checkpoint"')[1]
                             .split("</select>")[0])
        assert options == ["", "CP-A-001", "CP-B-001"]  # by name: East Road, West Gate

    def test_it_filters_by_code_or_by_the_links_id_with_the_code_chosen(self) -> None:
        w = self.world
        command = self.client_for(w.command)
        by_code = command.get(LIST, {"checkpoint": "CP-B-001"}).content.decode()
        assert self.names(by_code) == {"Zhao Xihe"}
        by_id = command.get(LIST, {"checkpoint": w.checkpoint_b.pk}).content.decode()
        assert self.names(by_id) == {"Zhao Xihe"}
        assert '<option value="CP-B-001" selected>' in by_id

    def test_beyond_the_menus_limit_it_asks_for_a_code(self) -> None:
        w = self.world
        command = self.client_for(w.command)
        with mock.patch.object(passage_forms, "MENU_LIMIT", 1):
            with self.assertNumQueries(5):  # session, user, home area, passages, 2 checkpoints
                page = command.get(LIST).content.decode()
            typed = command.get(LIST, {"checkpoint": " CP-A-001 "}).content.decode()
            linked = command.get(LIST, {"checkpoint": w.checkpoint_a.pk}).content.decode()
        assert "<select" not in page.split('name="checkpoint"')[0].rsplit("<", 1)[-1]
        assert 'type="text" name="checkpoint"' in page
        assert "more than 1 checkpoints" in page
        assert self.names(page) == {"Liu Yang", "Zhao Xihe"}
        assert self.names(typed) == {"Liu Yang"}
        assert self.names(linked) == {"Liu Yang"}
        assert 'value="CP-A-001"' in linked  # the code in the box, not the id

    def test_it_names_a_code_that_is_not_a_checkpoint_of_the_area(self) -> None:
        alice = self.client_for(self.world.alice)
        for code in ("CP-X-404", "CP-B-001", str(self.world.checkpoint_b.pk), "9" * 30):
            with self.subTest(code=code):
                body = alice.get(LIST, {"checkpoint": code}).content.decode()
                assert f"There is no checkpoint with the code {code} in your area." in body
                assert self.names(body) == set()  # nothing listed for a filter refused

    def test_it_names_it_in_the_users_language(self) -> None:
        alice = self.client_for(self.world.alice)
        alice.cookies["django_language"] = "zh-hans"
        body = alice.get(LIST, {"checkpoint": "CP-X-404"}).content.decode()
        assert "您的辖区内没有编码为 CP-X-404 的卡口。" in body
