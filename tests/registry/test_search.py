"""Finding residents: by exact ID number or phone (through the keyed hash), name, address, tag."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from epigrid.accounts.models import User
from tests.base import ID_A, BaseTestCase

WANG_JUN_SPACED = "420102 19800101 001x"  # as a grid worker types it: spaces, lower-case x


class PersonSearchTests(BaseTestCase):
    def search(self, user: User, **query: str) -> tuple[list[str], str]:
        """Filters are GETs; a look-up by ID number or phone is a POST (no number in a URL)."""
        client, url = self.client_for(user), reverse("registry:person_list")
        lookup = {"id_number", "phone"} & query.keys()
        response = client.post(url, query) if lookup else client.get(url, query)
        assert response.status_code == 200
        body = response.content.decode()
        return [p.name for p in response.context["persons"]], body

    def test_it_finds_wang_jun_by_his_id_however_it_is_typed(self) -> None:
        for raw in (ID_A, ID_A.lower(), WANG_JUN_SPACED, "４２０１０２１９８００１０１００１Ｘ"):
            names, body = self.search(self.world.alice, id_number=raw)
            assert names == ["Wang Jun"], raw
            assert "420102********001X" in body and ID_A not in body

    def test_it_tells_bob_no_more_than_about_an_unknown_number(self) -> None:
        _names, bob_body = self.search(self.world.bob, id_number=ID_A)
        unknown_names, _ = self.search(self.world.alice, id_number="110105194912310021")
        bob_names, _ = self.search(self.world.bob, id_number=ID_A)
        assert bob_names == unknown_names == []
        assert "No person found." in bob_body and "Wang" not in bob_body

    def test_it_finds_by_phone_exactly(self) -> None:
        assert self.search(self.world.alice, phone="+86 138-0013-8000")[0] == ["Wang Jun"]
        assert self.search(self.world.alice, phone="13800138001")[0] == []
        assert self.search(self.world.command, phone="139 1234 5678")[0] == ["Zhao Min"]
        assert self.search(self.world.alice, phone="139 1234 5678")[0] == []

    def test_it_finds_by_tag_address_residency_and_name(self) -> None:
        alice = self.world.alice
        assert self.search(alice, tag="returnee")[0] == ["Wang Lei"]
        assert self.search(alice, address="east lane")[0] == ["Wang Jun", "Wang Lei"]
        assert self.search(alice, residency="worker")[0] == ["Sun Li"]
        assert self.search(alice, name="Wang")[0] == ["Wang Jun", "Wang Lei"]
        assert self.search(alice, name="Jun", match="contains")[0] == ["Wang Jun"]
        assert self.search(alice, name="Jun")[0] == []  # "starts with" by default
        assert self.search(self.world.command, tag="elderly_alone")[0] == ["Zhao Min"]
        assert self.search(alice, tag="elderly_alone")[0] == []

    def test_it_combines_filters(self) -> None:
        names, _ = self.search(self.world.alice, name="Wang", tag="returnee", address="East")
        assert names == ["Wang Lei"]

    def test_it_says_what_is_wrong_with_a_mistyped_id(self) -> None:
        names, body = self.search(self.world.alice, id_number="420102198001010011")
        assert names == []
        assert "it ends in 1 but must end in X" in body

    def test_it_says_what_is_wrong_with_a_short_phone(self) -> None:
        _names, body = self.search(self.world.alice, phone="12345")
        assert "A mobile number has 11 digits" in body

    def test_it_restricts_an_area_filter_to_the_users_scope(self) -> None:
        w = self.world
        names, body = self.search(w.bob, area=str(w.village_a1.pk))
        assert names == [] and "Village A1" not in body
        assert "No such area among the areas you may see." in body
        assert self.search(w.alice, area=str(w.grid_a1_2.pk))[0] == ["Sun Li"]

    def test_it_searches_in_english_and_chinese(self) -> None:
        client = self.client_for(self.world.alice)
        client.cookies["django_language"] = "zh-hans"
        response: Any = client.post(reverse("registry:person_list"), {"id_number": ID_A})
        assert response.status_code == 200
        assert [p.name for p in response.context["persons"]] == ["Wang Jun"]
        assert "按身份证号或电话查找" in response.content.decode() or "Wang Jun" in \
            response.content.decode()

    def test_it_calls_a_persons_name_and_the_households_list_by_their_chinese_words(self) -> None:
        # 姓名 is a person's name (名称 names a place or a thing); 住户 the households' list
        # (户数 is their number, as in the progress figures).
        client = self.client_for(self.world.alice)
        client.cookies["django_language"] = "zh-hans"
        body = client.get(reverse("registry:person_list")).content.decode()
        assert '<th scope="col">姓名</th>' in body and "名称" not in body
        assert ">住户</a>" in body and "户数" not in body

    def test_it_never_puts_the_number_in_a_link(self) -> None:
        _names, body = self.search(self.world.alice, id_number=ID_A)
        assert ID_A not in body and "001X" in body
