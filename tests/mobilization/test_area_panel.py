"""Mobilization on the area page: the town officer sees how many people sent down are on duty in
her areas today (the party members among them), the teams at work by kind, and the payments her
areas applied for that wait on approval or on the cashier; each count opens its list."""

from __future__ import annotations

from html import escape

from django.test import RequestFactory
from django.urls import reverse

from epigrid.accounts.models import User
from epigrid.areas.models import Area
from epigrid.mobilization import funds, services
from epigrid.mobilization.area_panel import area_panel
from epigrid.mobilization.models import TeamKind
from tests.mobilization.helpers import MobilizationTestCase, days
from tests.reporting.helpers import more_areas


class AreaMobilizationPanelTests(MobilizationTestCase):
    def page(self, user: User, area: Area) -> str:
        response = self.client_for(user).get(reverse("areas:detail", args=[area.pk]))
        assert response.status_code == 200
        return response.content.decode()

    def panel(self, user: User, area: Area) -> str:
        body = self.page(user, area)
        start = body.index('id="area-mobilization"')
        return body[start:body.index("</section>", start)]

    def town_a_at_work(self) -> None:
        """Town A: a commando team and a medical team at work, a sector group stood down; two
        people on duty (one a party member), one gone home yesterday, one due tomorrow; a
        payment awaiting approval, one approved, one paid. Town B: a person and a payment."""
        w = self.world
        self.team()
        self.team(w.village_a1, name="Medical Team 3", kind=TeamKind.MEDICAL, batch=3)
        services.stand_down_team(self.team(name="East Sector Group", kind=TeamKind.SECTOR),
                                 by=w.alice, on=days(-1))
        self.deployment(w.village_a1, party_member=True)
        self.deployment(w.village_a2, name="Liu Fang", arrived_on=days(0))
        services.recall(self.deployment(w.village_a1, name="Gone Home"), by=w.alice, on=days(-1))
        self.deployment(w.village_a2, name="Due Tomorrow", arrived_on=days(1))
        self.deployment(w.village_b1, name="Ma Lin", by=w.bob, party_member=True)
        fund = self.fund()
        self.payment(fund)
        funds.approve(self.payment(fund, beneficiary="Family of Li Hua", area=w.village_a1),
                      by=w.command)
        paid = self.payment(fund, beneficiary="Family of Gao Yi")
        funds.approve(paid, by=w.command)
        funds.pay(paid, by=self.wu, voucher="P-001")
        self.payment(fund, beneficiary="Family of Hu Jie", area=w.town_b, by=w.bob)

    def test_it_counts_the_people_on_duty_the_teams_and_the_payments_waiting(self) -> None:
        w = self.world
        self.town_a_at_work()
        panel = self.panel(w.alice, w.town_a)
        assert "2 people sent down on duty today" in panel
        assert "1 party member" in panel
        assert "2 teams at work" in panel
        assert "party commando team 1" in panel and "medical team 1" in panel
        assert "sector work group" not in panel  # stood down yesterday
        assert "1 payment awaiting approval" in panel
        assert "1 approved payment to be paid" in panel

    def test_each_count_opens_its_list(self) -> None:
        w = self.world
        self.town_a_at_work()
        panel = self.panel(w.alice, w.town_a)
        people, payments = reverse("mobilization:deployments"), reverse("mobilization:payments")
        pk = w.town_a.pk
        for url in (f"{people}?area={pk}&status=on_duty", f"{payments}?area={pk}&status=submitted",
                    f"{payments}?area={pk}&status=approved",
                    f"{reverse('mobilization:teams')}?area={pk}"):
            assert f'href="{escape(url)}"' in panel, url

    def test_town_bs_numbers_stay_out_of_town_as_panel(self) -> None:
        w = self.world
        self.town_a_at_work()
        panel = self.panel(w.bob, w.town_b)
        assert "1 person sent down on duty today" in panel and "1 party member" in panel
        assert "0 teams at work" in panel
        assert "1 payment awaiting approval" in panel
        assert "0 approved payments to be paid" in panel
        village = self.panel(w.alice, w.village_a2)
        assert "1 person sent down on duty today" in village  # Liu Fang, not Chen Ming
        assert "0 payments awaiting approval" in village
        district = self.panel(self.wu, w.district)  # the fund keeper sees both towns
        assert "3 people sent down on duty today" in district
        assert "2 payments awaiting approval" in district

    def test_it_is_left_out_for_a_grid_worker_and_where_nothing_is_at_work(self) -> None:
        w = self.world
        self.deployment(w.grid_a1_1)
        assert 'id="area-mobilization"' in self.page(w.alice, w.grid_a1_1)
        assert 'id="area-mobilization"' not in self.page(w.li, w.grid_a1_1)
        assert 'id="area-mobilization"' not in self.page(w.bob, w.town_b)  # nothing there
        # A team that once worked there keeps the panel, even with nobody left on duty.
        services.stand_down_team(self.team(w.town_b, by=w.bob, name="Xihe Commando Team"),
                                 by=w.bob, on=days(-1))
        panel = self.panel(w.bob, w.town_b)
        assert "0 people sent down on duty today" in panel and "0 teams at work" in panel

    def test_it_takes_one_query_whatever_the_records(self) -> None:
        w = self.world
        request = RequestFactory().get("/")
        request.user = User.objects.select_related("home_area").get(pk=w.alice.pk)
        with self.assertNumQueries(1):
            assert area_panel(request, w.town_a) is None  # nothing yet: one query all the same
        self.town_a_at_work()
        for n, village in enumerate(more_areas(w.town_a, 5)):
            self.deployment(village, name=f"Cadre {n}")
            self.team(village, name=f"Team {n}")
        with self.assertNumQueries(1):
            html = area_panel(request, w.town_a)
        assert html is not None and "7 people sent down on duty today" in html
        assert "7 teams at work" in html and "party commando team 6" in html
        request.user = User.objects.select_related("home_area").get(pk=w.li.pk)
        with self.assertNumQueries(0):
            assert area_panel(request, w.grid_a1_1) is None
