"""How pages name a user: the full name when there is one (a Chinese one family name first),
else the username."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from epigrid.accounts.models import User
from tests.base import BaseTestCase

HAN = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=3)
LATIN = st.text(st.characters(min_codepoint=ord("a"), max_codepoint=ord("z")), min_size=1,
                max_size=8)


class DisplayNameTests(BaseTestCase):
    def test_it_is_the_full_name_when_there_is_one(self) -> None:
        alice = self.world.alice
        alice.first_name, alice.last_name = "Alice", "Wang"
        assert alice.display_name == "Alice Wang"

    def test_it_writes_a_chinese_name_family_name_first_unspaced(self) -> None:
        alice = self.world.alice
        alice.first_name, alice.last_name = "义", "萧"
        assert alice.display_name == "萧义"
        alice.first_name = ""
        assert alice.display_name == "萧"
        alice.first_name, alice.last_name = "Yi", "萧"  # a Latin given name keeps its space
        assert alice.display_name == "萧 Yi"
        alice.first_name, alice.last_name = "义", ""
        assert alice.display_name == "义"

    def test_it_falls_back_to_the_username(self) -> None:
        alice = self.world.alice
        alice.first_name = alice.last_name = ""
        assert alice.display_name == "alice"

    def test_it_names_the_user_in_the_page_header(self) -> None:
        alice = self.world.alice
        alice.first_name, alice.last_name = "Alice", "Wang"
        alice.save(update_fields=["first_name", "last_name"])
        response = self.client_for(alice).get(f"/areas/{self.world.town_a.pk}/")
        self.assertContains(response, '<span class="who">Alice Wang</span>', html=False)


# Properties: the name alone, no database.
@given(given_name=HAN, family=HAN)
def test_it_never_spaces_nor_swaps_a_han_name(given_name: str, family: str) -> None:
    user = User(username="u", first_name=f" {given_name}", last_name=f"{family} ")
    assert user.get_full_name() == family + given_name


@given(given_name=LATIN, family=LATIN)
def test_it_keeps_any_other_name_given_name_first(given_name: str, family: str) -> None:
    user = User(username="u", first_name=given_name, last_name=family)
    assert user.get_full_name() == f"{given_name} {family}"
