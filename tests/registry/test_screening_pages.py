"""Screening pages: the grid worker's round for today and the household form."""

from __future__ import annotations

import datetime
import json
import re
import uuid
from unittest import mock

from django.urls import reverse
from django.utils import timezone

from epigrid.registry import screening_views
from epigrid.registry import services as registry
from epigrid.registry.models import Household, HouseholdVisit, Person, ScreeningCampaign
from tests.base import BaseTestCase
from tests.security.entries_registry_screening import town_a_campaign

TODAY = reverse("registry:screening_today")


class ScreeningPageTests(BaseTestCase):
    campaign: ScreeningCampaign
    other_grid: Household

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        cls.campaign = town_a_campaign(w)
        registry.create_household(grid=w.grid_a1_1, address="No. 2, East Lane", number="A-0002")
        cls.other_grid = registry.create_household(grid=w.grid_a2_1, address="No. 9, Hill Road")

    def form_url(self, household: Household) -> str:
        return reverse("registry:screening_household", args=[self.campaign.pk, household.pk])

    def form_data(self, key: uuid.UUID, **extra: str) -> dict[str, str]:
        w = self.world
        return {"idempotency_key": str(key), f"m{w.person_a.pk}-present": "on",
                f"m{w.person_a.pk}-temperature": "36.6", f"m{w.person_a.pk}-outcome": "normal",
                f"m{w.person_a2.pk}-outcome": "normal"} | extra

    def test_it_lists_only_the_workers_unvisited_households_with_the_count(self) -> None:
        body = self.client_for(self.world.li).get(TODAY).content.decode()
        assert "No. 14, East Lane" in body and "No. 2, East Lane" in body
        assert "No. 9, Hill Road" not in body and "No. 3, Plum Road" not in body
        assert "<strong>0/2</strong>" in body
        # Ordered by household number: A-0002 before A-0014.
        assert body.index("No. 2, East Lane") < body.index("No. 14, East Lane")

    def test_it_narrows_an_officers_round_to_one_grid_and_counts_it(self) -> None:
        w = self.world
        client = self.client_for(w.alice)
        body = client.get(TODAY).content.decode()
        assert "No. 9, Hill Road" in body and "<strong>0/3</strong>" in body
        client.post(self.form_url(w.household_a), self.form_data(uuid.uuid4()))
        body = client.get(TODAY, {"grid": w.grid_a1_1.pk}).content.decode()
        assert "No. 2, East Lane" in body and "No. 9, Hill Road" not in body
        assert "<strong>1/2</strong>" in body
        assert "<strong>0/1</strong>" in client.get(
            TODAY, {"grid": w.grid_a2_1.pk}).content.decode()
        # A grid outside her town narrows nothing: it is not hers to choose.
        assert "<strong>1/3</strong>" in client.get(
            TODAY, {"grid": w.grid_b1_1.pk}).content.decode()

    def test_it_counts_nothing_for_a_grid_outside_the_campaign(self) -> None:
        w = self.world
        today = timezone.localdate()
        ScreeningCampaign.objects.filter(pk=self.campaign.pk).update(
            area=w.village_a1, area_path=w.village_a1.path, starts_on=today, ends_on=today)
        body = self.client_for(w.alice).get(TODAY, {"grid": w.grid_a2_1.pk}).content.decode()
        assert "<strong>0/0</strong>" in body and "No. 9, Hill Road" not in body

    def test_it_takes_a_visited_household_off_the_list(self) -> None:
        w = self.world
        client = self.client_for(w.li)
        response = client.post(self.form_url(w.household_a), self.form_data(uuid.uuid4()))
        assert response.status_code == 302
        assert response["Location"] == f"{TODAY}?campaign={self.campaign.pk}"
        body = client.get(TODAY).content.decode()  # the message names it once, the list not
        assert "The visit of No. 14, East Lane was saved." in body
        assert body.count("No. 14, East Lane") == 1
        assert "<strong>1/2</strong>" in body

    def test_it_answers_a_script_with_json_and_a_resend_with_the_same_visit(self) -> None:
        w = self.world
        client, key = self.client_for(w.li), uuid.uuid4()
        data = self.form_data(key, **{"new0-name": "Wang Xiao", "new0-relation": "son",
                                      "new0-temperature": "36.8",
                                      "new0-returnee_origin": "Wuhan",
                                      "new0-outcome": "home_quarantine"})
        first = client.post(self.form_url(w.household_a), data,
                            headers={"Accept": "application/json"})
        again = client.post(self.form_url(w.household_a), data,
                            headers={"Accept": "application/json"})
        assert (first.status_code, again.status_code) == (201, 200)
        assert json.loads(first.content)["visit"] == json.loads(again.content)["visit"]
        assert json.loads(again.content)["result"] == "resent"
        assert HouseholdVisit.objects.count() == 1
        assert Person.objects.filter(name="Wang Xiao", household=w.household_a).count() == 1
        assert HouseholdVisit.objects.get().persons.count() == 3

    def test_it_shows_a_bad_temperature_on_the_persons_field(self) -> None:
        w = self.world
        client = self.client_for(w.li)
        data = self.form_data(uuid.uuid4(), **{f"m{w.person_a.pk}-temperature": "45"})
        response = client.post(self.form_url(w.household_a), data)
        assert response.status_code == 400
        assert "Wang Jun: a temperature of 45.0 °C is not possible" in response.content.decode()
        as_json = client.post(self.form_url(w.household_a), data,
                              headers={"Accept": "application/json"})
        assert as_json.status_code == 422
        assert list(json.loads(as_json.content)["errors"]) == [f"m{w.person_a.pk}-temperature"]
        bad_date = client.post(self.form_url(w.household_a), self.form_data(
            uuid.uuid4(), visited_at=(timezone.now() - datetime.timedelta(days=9)).isoformat()))
        assert bad_date.status_code == 400
        assert "is outside it" in bad_date.content.decode()
        assert HouseholdVisit.objects.count() == 0

    def test_it_gives_a_new_form_key_each_time_and_lists_the_members(self) -> None:
        client = self.client_for(self.world.li)
        first = client.get(self.form_url(self.world.household_a))
        second = client.get(self.form_url(self.world.household_a))
        assert first.context["visit_form"]["idempotency_key"].value() != \
            second.context["visit_form"]["idempotency_key"].value()
        body = first.content.decode()
        assert "Wang Jun" in body and "420102********001X" in body and "data-offline-queue" in body
        assert "offline-forms.js" in body

    def test_it_keeps_the_round_and_its_first_doors_for_going_without_signal(self) -> None:
        client = self.client_for(self.world.li)
        with mock.patch.object(screening_views, "OFFLINE_KEEP", 1):
            body = client.get(TODAY).content.decode()
        assert 'data-offline-worker="/registry/screening/sw.js"' in body
        assert 'data-offline-scope="/registry/screening/"' in body
        assert 'data-offline-cache="epigrid-round-v1"' in body and "offline-pages.js" in body
        # Only the first door (by number, A-0002) is kept ahead when one is.
        kept = re.findall(r'<li data-offline-url="([^"]+)" data-offline-keep>', body)
        assert kept == [self.form_url(Household.objects.get(number="A-0002"))]
        assert body.count("data-offline-url=") == 2
        # The door's form marks what a kept copy renews when it opens.
        form = client.get(self.form_url(self.world.household_a)).content.decode()
        assert re.search(r'name="idempotency_key" value="[0-9a-f-]{36}" data-fresh="key"', form)
        assert re.search(r'name="visited_at" value="[^"]+" data-fresh="now"', form)

    def test_the_rounds_worker_is_served_under_the_pages_it_keeps(self) -> None:
        response = self.client_for(self.world.li).get("/registry/screening/sw.js")
        assert response["Content-Type"].startswith("text/javascript")
        assert response["Cache-Control"] == "no-cache"
        script = response.content.decode()
        assert 'var CACHE = "epigrid-round-v1";' in script
        assert 'var STATIC_URL = "/static/";' in script and "__" not in script.split("*/")[-1]
        assert self.client.get("/registry/screening/sw.js").status_code == 302  # signed out

    def test_it_tells_the_slots_for_members_met_at_the_door_apart(self) -> None:
        client = self.client_for(self.world.li)
        client.cookies["django_language"] = "zh-hans"
        body = client.get(self.form_url(self.world.household_a)).content.decode()
        summaries = [part.split("</summary>")[0] for part in body.split("<summary>")[1:]
                     if "成员" in part.split("</summary>")[0]]  # the bar's menus have theirs
        assert summaries == ["添加现场登记的成员", "再添加一名现场登记的成员"]

    def test_it_names_a_members_key_groups_in_the_workers_language(self) -> None:
        client = self.client_for(self.world.li)
        body = client.get(self.form_url(self.world.household_a)).content.decode()
        legend = body[body.index(f'id="member-{self.world.person_a2.pk}"'):].split("</legend>")[0]
        assert '<span class="badge">returnee from a key area</span>' in legend
        client.cookies["django_language"] = "zh-hans"
        body = client.get(self.form_url(self.world.household_a)).content.decode()
        legend = body[body.index(f'id="member-{self.world.person_a2.pk}"'):].split("</legend>")[0]
        assert '<span class="badge">重点地区返乡人员</span>' in legend and "returnee" not in legend

    def test_it_hides_town_a_from_bob_and_another_grid_from_li(self) -> None:
        w = self.world
        bob = self.client_for(w.bob)
        assert bob.get(self.form_url(w.household_a)).status_code == 404
        assert bob.post(self.form_url(w.household_a),
                        self.form_data(uuid.uuid4())).status_code == 404
        campaign_page = reverse("registry:screening_campaign", args=[self.campaign.pk])
        assert bob.get(campaign_page).status_code == 404
        assert "Dongcheng" not in bob.get(TODAY).content.decode()
        assert self.client_for(w.li).get(self.form_url(self.other_grid)).status_code == 404
        assert HouseholdVisit.objects.count() == 0

    def test_it_starts_a_campaign_and_refuses_reversed_dates_and_grid_workers(self) -> None:
        w = self.world
        create = reverse("registry:screening_campaign_create")
        alice = self.client_for(w.alice)
        refused = alice.post(create, {"name": "Round two", "area": w.village_a1.pk,
                                      "starts_on": "2020-02-19", "ends_on": "2020-02-17"})
        assert refused.status_code == 400
        assert "A campaign cannot end before it starts." in refused.content.decode()
        outside = alice.post(create, {"name": "Round two", "area": w.town_b.pk,
                                      "starts_on": "2020-02-17", "ends_on": "2020-02-19"})
        assert outside.status_code == 400
        made = alice.post(create, {"name": "Round two", "area": w.village_a1.pk,
                                   "starts_on": "2020-02-17", "ends_on": "2020-02-19"})
        campaign = ScreeningCampaign.objects.get(name="Round two")
        assert made["Location"] == reverse("registry:screening_campaign", args=[campaign.pk])
        assert campaign.area == w.village_a1
        assert self.client_for(w.li).get(create).status_code == 403
        listed = self.client_for(w.li).get(reverse("registry:screening_campaigns"))
        assert "Round two" in listed.content.decode()
