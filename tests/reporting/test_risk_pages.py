"""Risk level pages and API: the command's list of proposals with confirm and override, the
current levels, scoped to the user's area."""

from __future__ import annotations

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from epigrid.areas.models import Area
from epigrid.reporting.models import ProposalStatus, RiskProposal
from epigrid.reporting.risk_services import propose_levels
from tests.base import BaseTestCase
from tests.reporting.helpers import more_areas
from tests.reporting.report_helpers import TODAY, store_figures

API = "/api/figures/risk"


class RiskPageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        for area, n in ((w.village_a1, 12), (w.town_a, 12), (w.village_b1, 2), (w.town_b, 2)):
            store_figures(area, TODAY(), new_confirmed=n)  # a town's figures sum its villages'
        propose_levels(TODAY())

    def proposal(self, area: Area) -> RiskProposal:
        return RiskProposal.objects.get(area=area)

    def test_it_lists_the_pending_proposals_with_their_reasons(self) -> None:
        w = self.world
        response = self.client_for(w.command).get(reverse("reporting:risk_proposals"))
        self.assertEqual([p.area.name for p in response.context["proposals"]],
                         ["Village B1", "Xihe Town", "Village A1", "Dongcheng Town"])
        self.assertContains(response, "12 new local confirmed cases")
        self.assertContains(response, reverse("reporting:risk_confirm",
                                              args=(self.proposal(w.village_a1).pk,)))

    def test_it_shows_an_officer_the_proposals_of_the_town_without_buttons(self) -> None:
        w = self.world
        response = self.client_for(w.alice).get(reverse("reporting:risk_proposals"))
        self.assertEqual({p.area.name for p in response.context["proposals"]},
                         {"Village A1", "Dongcheng Town"})
        self.assertNotContains(response, "Override")
        refused = self.client_for(w.alice).post(
            reverse("reporting:risk_confirm", args=(self.proposal(w.village_a1).pk,)))
        self.assertEqual(refused.status_code, 403)
        hidden = self.client_for(w.bob).post(
            reverse("reporting:risk_confirm", args=(self.proposal(w.village_a1).pk,)))
        self.assertEqual(hidden.status_code, 404)

    def test_it_confirms_from_the_page(self) -> None:
        w = self.world
        proposal = self.proposal(w.village_a1)
        response = self.client_for(w.command).post(
            reverse("reporting:risk_confirm", args=(proposal.pk,)), {"note": "agreed"})
        self.assertRedirects(response, reverse("reporting:risk_proposals"))
        self.assertEqual(Area.objects.get(pk=w.village_a1.pk).risk_level, "high")
        decided = self.client_for(w.command).get(reverse("reporting:risk_proposals")
                                                 + "?status=decided")
        self.assertEqual([p.pk for p in decided.context["proposals"]], [proposal.pk])

    def test_it_overrides_from_the_page_and_asks_why(self) -> None:
        w = self.world
        proposal = self.proposal(w.village_a1)
        url = reverse("reporting:risk_override", args=(proposal.pk,))
        refused = self.client_for(w.command).post(url, {"level": "medium", "note": ""})
        self.assertEqual(refused.status_code, 400)
        self.assertIn("note", refused.context["override_form"].errors)
        same = self.client_for(w.command).post(url, {"level": "high", "note": "why not"})
        self.assertEqual(same.status_code, 400)
        self.assertContains(same, "confirm the proposal instead", status_code=400)
        done = self.client_for(w.command).post(url, {"level": "medium", "note": "one compound"})
        self.assertRedirects(done, reverse("reporting:risk_proposals"))
        self.assertEqual(self.proposal(w.village_a1).status, ProposalStatus.OVERRIDDEN)

    def test_it_shows_the_current_levels_of_the_users_area(self) -> None:
        w = self.world
        Area.objects.filter(pk=w.village_a2.pk).update(risk_level="high")
        response = self.client_for(w.alice).get(reverse("reporting:risk_levels"))
        levels = {entry["level"]: [a.name for a in entry["areas"]]
                  for entry in response.context["levels"]}
        self.assertEqual(levels, {"high": ["Village A2"], "medium": [],
                                  "low": ["Dongcheng Town", "Village A1"]})
        self.assertNotContains(response, "Xihe")
        self.assertContains(response, f'href="{reverse("alerts:risk_areas")}"')
        with self.settings(CAP_FEED=False):  # no public list to link to
            closed = self.client_for(w.alice).get(reverse("reporting:risk_levels"))
        self.assertNotContains(closed, 'id="public-list"')

    def test_it_lists_proposals_in_a_fixed_number_of_queries(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        client.get(reverse("reporting:risk_proposals"))
        with CaptureQueriesContext(connection) as few:
            client.get(reverse("reporting:risk_proposals"))
        for village in more_areas(w.town_b, 6):
            store_figures(village, TODAY(), new_confirmed=1)
        propose_levels(TODAY())
        with CaptureQueriesContext(connection) as many:
            response = client.get(reverse("reporting:risk_proposals"))
        self.assertEqual(len(response.context["proposals"]), 10)
        self.assertEqual(len(many), len(few))


class RiskApiTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        store_figures(cls.world.village_a1, TODAY(), new_confirmed=12)
        store_figures(cls.world.town_a, TODAY(), new_confirmed=12)
        propose_levels(TODAY())

    def post(self, user: object, path: str, body: dict[str, object]) -> object:
        return self.client_for(user).post(f"{API}{path}", json.dumps(body),  # type: ignore
                                          content_type="application/json")

    def test_it_lists_proposals_scoped_and_by_status(self) -> None:
        w = self.world
        items = self.client_for(w.alice).get(f"{API}/proposals?status=pending").json()["items"]
        self.assertEqual({i["area_name"] for i in items}, {"Village A1", "Dongcheng Town"})
        self.assertEqual(self.client_for(w.bob).get(f"{API}/proposals").json()["items"], [])
        one = next(i for i in items if i["area_name"] == "Village A1")
        self.assertEqual((one["proposed_level"], one["figures"]),
                         ("high", {"new_local_confirmed_14d": 12}))

    def test_it_confirms_and_overrides_through_the_api(self) -> None:
        w = self.world
        village = RiskProposal.objects.get(area=w.village_a1)
        town = RiskProposal.objects.get(area=w.town_a)
        confirmed = self.post(w.command, f"/proposals/{village.pk}/confirm", {})
        self.assertEqual(confirmed.json()["status"], "confirmed")  # type: ignore[attr-defined]
        bad = self.post(w.command, f"/proposals/{town.pk}/override", {"level": "x", "note": ""})
        self.assertEqual(bad.status_code, 422)  # type: ignore[attr-defined]
        fields = {tuple(e["loc"]) for e in bad.json()["detail"]}  # type: ignore[attr-defined]
        self.assertEqual(fields, {("body", "level"), ("body", "note")})
        self.assertEqual(self.post(w.alice, f"/proposals/{town.pk}/override",
                                   {"level": "low", "note": "x"}).status_code, 403)  # type: ignore
        self.assertEqual(self.post(w.bob, f"/proposals/{town.pk}/confirm",
                                   {}).status_code, 404)  # type: ignore[attr-defined]

    def test_it_runs_the_rules_on_demand_for_the_command(self) -> None:
        w = self.world
        store_figures(w.village_b1, TODAY(), new_confirmed=1)
        store_figures(w.town_b, TODAY(), new_confirmed=1)
        response = self.post(w.command, "/propose", {})
        self.assertEqual(response.status_code, 200)  # type: ignore[attr-defined]
        self.assertEqual(len(response.json()), 4)  # type: ignore[attr-defined]
        self.assertEqual(self.post(w.alice, "/propose", {}).status_code, 403)  # type: ignore

    def test_it_answers_the_current_levels(self) -> None:
        w = self.world
        body = self.client_for(w.alice).get(f"{API}/levels?area={w.town_a.pk}").json()
        self.assertEqual([(a["name"], a["risk_level"]) for a in body["items"]],
                         [("Dongcheng Town", "low"), ("Village A1", "low"),
                          ("Village A2", "low")])
        self.assertEqual(self.client_for(w.bob).get(f"{API}/levels?area={w.town_a.pk}")
                         .status_code, 404)
