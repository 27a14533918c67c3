"""Whom to call about a missing report (16:00 in SCENARIOS.md): each town or village not yet
reported is listed with its officers' phones, in full to those who chase reports."""

from __future__ import annotations

from django.urls import reverse

from epigrid.accounts.services import create_user
from epigrid.areas.models import Level
from epigrid.core.access import Role
from epigrid.reporting.report_services import save_report
from tests.base import PASSWORD, BaseTestCase, make_area
from tests.reporting.report_helpers import TODAY, before_cutoff


class ReportChaserTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        for village in (w.village_a1, w.village_a2):
            save_report(village, TODAY(), by=w.alice, situation="in", submit=True,
                        at=before_cutoff(TODAY()))
        create_user(username="wu_b1", password=PASSWORD, role=Role.AREA_OFFICER,
                    home_area=w.village_b1, phone="13912340001", first_name="Min",
                    last_name="Wu")
        create_user(username="gone_b1", password=PASSWORD, role=Role.AREA_OFFICER,
                    home_area=w.village_b1, phone="13912340002", is_active=False)
        create_user(username="grid_b1", password=PASSWORD, role=Role.GRID_WORKER,
                    home_area=w.village_b1, phone="13912340003")

    def missing_item(self, user: object, area: object) -> str:
        w = self.world
        page = reverse("reporting:report_completeness", args=[w.district.pk])
        body = self.client_for(user).get(page).content.decode()  # type: ignore[arg-type]
        start = body.index(f'<li id="missing-{area.pk}">')  # type: ignore[attr-defined]
        return body[start:body.index("</li>", start)]

    def test_it_lists_the_active_officers_of_a_missing_village_with_their_phones(self) -> None:
        w = self.world
        item = self.missing_item(w.command, w.village_b1)
        assert 'Min Wu <a href="tel:13912340001">13912340001</a>' in item
        assert "gone_b1" not in item and "grid_b1" not in item
        assert "bob" in self.missing_item(w.command, w.town_b)

    def test_it_names_the_town_of_a_missing_village_but_not_the_page_area_again(self) -> None:
        w = self.world
        assert "· Xihe Town" in self.missing_item(w.command, w.village_b1)
        assert "·" not in self.missing_item(w.command, w.town_b)  # the district's own child
        town = reverse("reporting:report_completeness", args=[w.town_b.pk])
        body = self.client_for(w.bob).get(town).content.decode()
        item = body[body.index(f'<li id="missing-{w.village_b1.pk}">'):]
        assert "·" not in item[:item.index("</li>")]  # the page is the town's already

    def test_it_masks_the_phones_for_a_role_that_does_not_chase_reports(self) -> None:
        w = self.world
        supervisor = create_user(username="inspector", password=PASSWORD,
                                 role=Role.SUPERVISOR, home_area=w.district)
        item = self.missing_item(supervisor, w.village_b1)
        assert "Min Wu 139****0001" in item and "tel:" not in item

    def test_it_says_when_a_missing_area_has_no_officer(self) -> None:
        w = self.world
        new = make_area(w.town_b, Level.VILLAGE, "420102002009", "Village B9")
        item = self.missing_item(w.command, new)
        assert "Village B9" in item and "no officer registered" in item
        assert "alice" in self.missing_item(w.command, w.town_a)
