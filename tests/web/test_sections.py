"""An app's root address opens the app's first page the user may open."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from tests.base import BaseTestCase


class SectionTests(BaseTestCase):
    def test_it_opens_the_residents_list_at_the_registrys_root(self) -> None:
        response = self.client_for(self.world.alice).get("/registry/")
        assert response.status_code == 302
        assert response["Location"] == reverse("registry:person_list")

    def test_it_opens_the_first_page_of_each_app_for_the_command(self) -> None:
        client = self.client_for(self.world.command)
        expected = {"/registry/": "registry:person_list",
                    "/checkpoints/": "checkpoints:passage_log_choose",
                    "/care/": "care:bed_index", "/reporting/": "reporting:index"}
        for root, name in expected.items():
            assert client.get(root)["Location"] == reverse(name), root

    def test_it_skips_the_pages_a_role_may_not_open(self) -> None:
        # Dr He may not log passages (a checkpoint's staff may): his first is the passage list.
        response = self.client_for(self.world.medic).get("/checkpoints/")
        assert response["Location"] == reverse("checkpoints:passage_list")

    def test_it_counts_a_page_the_bar_leaves_out_for_the_role(self) -> None:
        # The grid worker's bar has no beds entry (roles only shorten the bar); the page is hers
        # to open, so the address leads there.
        response = self.client_for(self.world.li).get("/care/")
        assert response["Location"] == reverse("care:bed_index")

    def test_it_asks_a_visitor_to_log_in(self) -> None:
        response = self.client.get("/care/")
        assert response["Location"] == f"{reverse(settings.LOGIN_URL)}?next=/care/"

    def test_it_answers_a_post_with_405(self) -> None:
        assert self.client_for(self.world.alice).post("/registry/").status_code == 405
