"""The home page sends each role to where its day starts."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from epigrid.core.access import Role
from tests.base import PASSWORD, BaseTestCase, create_user

HOME = reverse("web:home")


class HomeTests(BaseTestCase):
    def test_it_opens_the_grid_workers_round(self) -> None:
        response = self.client_for(self.world.li).get(HOME)
        assert response["Location"] == reverse("registry:screening_today")

    def test_it_opens_the_passage_log_at_a_checkpoint(self) -> None:
        staff = create_user(username="gate_a1", password=PASSWORD, role=Role.CHECKPOINT_STAFF,
                            home_area=self.world.village_a1)
        response = self.client_for(staff).get(HOME)
        assert response["Location"] == reverse("checkpoints:passage_log_choose")

    def test_it_opens_the_area_of_everyone_else(self) -> None:
        w = self.world
        for user in (w.alice, w.command, w.medic, w.admin, w.stranger):
            assert self.client_for(user).get(HOME)["Location"] == reverse("areas:browse")

    def test_it_asks_a_visitor_to_log_in(self) -> None:
        response = self.client.get(HOME)
        assert response["Location"] == f"{reverse(settings.LOGIN_URL)}?next=/"
