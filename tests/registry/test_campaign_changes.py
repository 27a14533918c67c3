"""Changing a running campaign: extended, ended early, renamed; never leaving out a visit; only
by those who manage campaigns in its area. Through its page and the API."""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

from django.urls import reverse
from django.utils import timezone

from epigrid.accounts.models import User
from epigrid.core.models import AuditEntry
from epigrid.registry import screening
from epigrid.registry import services as registry
from epigrid.registry.models import ScreeningCampaign
from tests.base import BaseTestCase
from tests.registry.progress_helpers import campaign_of
from tests.security.entries_registry_screening import town_a_campaign

DAY = datetime.timedelta(days=1)


class CampaignChangeTests(BaseTestCase):
    campaign: ScreeningCampaign
    today: datetime.date

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.campaign = town_a_campaign(cls.world)
        cls.today = timezone.localdate()

    def patch(self, user: User, data: dict[str, Any], campaign: Any = None) -> Any:
        pk = (campaign or self.campaign).pk
        return self.client_for(user).patch(f"/api/screening/campaigns/{pk}", json.dumps(data),
                                           content_type="application/json")

    def errors(self, response: Any) -> dict[str, str]:
        assert response.status_code == 422, response.content
        return {error["loc"][-1]: error["msg"] for error in response.json()["detail"]}

    def stored(self) -> ScreeningCampaign:
        return ScreeningCampaign.objects.get(pk=self.campaign.pk)

    def visit_today(self) -> None:
        screening.record_visit(self.campaign, self.world.household_a, self.world.li,
                               uuid.uuid4())

    def test_it_extends_a_campaign_and_logs_who_did(self) -> None:
        ends = self.today + 3 * DAY
        answer = self.patch(self.world.alice, {"ends_on": ends.isoformat()})
        assert answer.status_code == 200
        assert (answer.json()["ends_on"], answer.json()["name"]) == (
            ends.isoformat(), self.campaign.name)
        assert self.stored().ends_on == ends
        entry = AuditEntry.objects.get(model="registry.ScreeningCampaign", action="update",
                                       object_pk=str(self.campaign.pk))
        assert entry.actor_name == "alice" and set(entry.changes) == {"ends_on"}

    def test_it_ends_a_campaign_early_but_not_before_a_visit(self) -> None:
        self.visit_today()
        errors = self.errors(self.patch(self.world.alice, {
            "ends_on": (self.today - DAY).isoformat(),
            "starts_on": (self.today - 2 * DAY).isoformat()}))
        assert errors == {"ends_on": f"1 visit was recorded after that, on {self.today}; end on "
                                     "it or later."}
        stored = self.stored()
        assert (stored.starts_on, stored.ends_on) == (self.today - DAY, self.today + DAY)
        # The day of the visit itself keeps it.
        assert self.patch(self.world.alice, {"starts_on": self.today.isoformat(),
                                             "ends_on": self.today.isoformat()}
                          ).status_code == 200
        stored = self.stored()
        assert (stored.starts_on, stored.ends_on) == (self.today, self.today)

    def test_it_names_a_start_after_the_first_visit(self) -> None:
        self.visit_today()
        errors = self.errors(self.patch(self.world.alice,
                                        {"starts_on": (self.today + DAY).isoformat()}))
        assert errors == {"starts_on": f"1 visit was recorded before that, on {self.today}; "
                                       "start on it or earlier."}
        other = registry.create_household(grid=self.world.grid_a1_1, address="No. 1, Elm Row")
        screening.record_visit(self.campaign, other, self.world.li, uuid.uuid4())
        errors = self.errors(self.patch(self.world.alice,
                                        {"starts_on": (self.today + DAY).isoformat(),
                                         "ends_on": (self.today + DAY).isoformat()}))
        assert errors == {"starts_on": f"2 visits were recorded before that, the first on "
                                       f"{self.today}; start on it or earlier."}

    def test_it_refuses_an_end_before_the_start_and_an_empty_name(self) -> None:
        errors = self.errors(self.patch(self.world.alice,
                                        {"ends_on": (self.today - 3 * DAY).isoformat()}))
        assert errors == {"ends_on": "A campaign cannot end before it starts."}
        assert self.errors(self.patch(self.world.alice, {"name": "  "})) == {
            "name": "Name the campaign."}
        assert self.stored().name == self.campaign.name
        # null keeps a value, as leaving it out does.
        assert self.patch(self.world.alice, {"name": None}).json()["name"] == self.campaign.name

    def test_it_lets_only_managers_of_the_campaigns_area_change_it(self) -> None:
        w = self.world
        assert self.patch(w.li, {"name": "Mine"}).status_code == 403  # she takes part only
        assert self.patch(w.bob, {"name": "Mine"}).status_code == 404
        district = campaign_of(w.district, "District round")
        # Alice's town takes part in the district's campaign; the district changes it.
        assert self.patch(w.alice, {"name": "Ours"}, district).status_code == 403
        assert self.patch(w.command, {"name": "District round two"}, district).status_code == 200
        assert self.stored().name == self.campaign.name

    def test_it_changes_a_campaign_from_its_page(self) -> None:
        w = self.world
        detail = reverse("registry:screening_campaign", args=[self.campaign.pk])
        edit = reverse("registry:screening_campaign_edit", args=[self.campaign.pk])
        alice = self.client_for(w.alice)
        assert edit in alice.get(detail).content.decode()
        li = self.client_for(w.li)
        assert edit not in li.get(detail).content.decode()
        assert li.get(edit).status_code == 403
        form = alice.get(edit)
        assert form.context["form"]["ends_on"].value() == self.today + DAY
        refused = alice.post(edit, {"name": "Round one", "starts_on": self.today.isoformat(),
                                    "ends_on": (self.today - DAY).isoformat()})
        assert refused.status_code == 400
        assert "A campaign cannot end before it starts." in refused.content.decode()
        saved = alice.post(edit, {"name": "Round one, extended",
                                  "starts_on": (self.today - DAY).isoformat(),
                                  "ends_on": (self.today + 5 * DAY).isoformat()})
        assert saved["Location"] == detail
        assert (self.stored().name, self.stored().ends_on) == ("Round one, extended",
                                                               self.today + 5 * DAY)
        assert self.client_for(w.bob).get(edit).status_code == 404
