"""The bed panel on a case's page: the link to ask for a bed for whom may ask and whose case
needs one, and where the patient stands once asked."""

from __future__ import annotations

from epigrid.care import beds
from epigrid.cases import services
from epigrid.cases.states import State
from tests.base import BaseTestCase
from tests.care.bed_helpers import hours_ago, open_case


class CasePanelTests(BaseTestCase):
    def setUp(self) -> None:
        self.jun = open_case(self.world.person_a, State.CONFIRMED, "severe")

    def panel(self, user: object, case_pk: int) -> str:
        page = self.client_for(user).get(f"/cases/{case_pk}/")
        assert page.status_code == 200
        return "".join(page.context["panels"])

    def test_it_links_an_officer_to_ask_for_a_bed(self) -> None:
        html = self.panel(self.world.alice, self.jun.pk)
        assert f"/care/beds/cases/{self.jun.pk}/request/" in html
        assert "No bed has been asked for." in html

    def test_it_shows_the_request_and_no_second_link_once_asked(self) -> None:
        w = self.world
        beds.request_admission(self.jun, w.village_a1, "", w.medic, waiting_since=hours_ago(5))
        html = self.panel(w.alice, self.jun.pk)
        assert "/request/" not in html
        assert "waiting" in html and w.village_a1.name in html

    def test_it_shows_nothing_to_whom_may_not_ask_or_a_case_that_needs_no_bed(self) -> None:
        w = self.world
        assert self.panel(w.li, self.jun.pk) == ""
        contact = open_case(w.person_a2, State.CLOSE_CONTACT)
        services.transition(contact, State.EXCLUDED, reason="not a contact")
        assert self.panel(w.alice, contact.pk) == ""
