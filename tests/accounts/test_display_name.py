"""How pages name a user: the full name when there is one, else the username."""

from __future__ import annotations

from tests.base import BaseTestCase


class DisplayNameTests(BaseTestCase):
    def test_it_is_the_full_name_when_there_is_one(self) -> None:
        alice = self.world.alice
        alice.first_name, alice.last_name = "Alice", "Wang"
        assert alice.display_name == "Alice Wang"

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
