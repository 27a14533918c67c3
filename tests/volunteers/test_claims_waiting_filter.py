"""The projects list filtered to those with claims of hours waiting (where the keepers' digest
links), on the page and in the API, which counts each project's sign-ups and claims waiting as
the page does."""

from __future__ import annotations

from epigrid.volunteers import self_service
from epigrid.volunteers.models import HoursClaim, Project, ProjectKind
from tests.volunteers.helpers import waiting_claim
from tests.volunteers.test_self_pages import SelfServiceTestCase, listed


class ClaimsWaitingFilterTests(SelfServiceTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.deliveries = self.project(name="Deliveries to the quarantined")
        self.care = self.project(name="Calls to the elderly", kind=ProjectKind.CARE)

    def claim(self, project: Project | None = None) -> HoursClaim:
        return waiting_claim(self.world, project or self.deliveries)

    def test_the_page_lists_the_projects_with_claims_waiting_under_the_area(self) -> None:
        w = self.world
        lane = self.project(w.village_a1, name="East Lane shopping")
        self.claim(lane)
        confirmed = self.claim(self.care)
        self_service.confirm_claim(confirmed, by=w.alice)
        self.project(name="Publicity")
        client = self.client_for(w.alice)
        url = f"/volunteers/projects/?area={w.town_a.pk}&claims=waiting&status=any"
        self.assertEqual(listed(client.get(url).content.decode()), [lane.pk])
        everything = listed(client.get("/volunteers/projects/?status=any").content.decode())
        self.assertEqual(len(everything), 4)
        # A word it does not know is shown on its field and not applied.
        body = client.get("/volunteers/projects/?claims=all&status=any").content.decode()
        self.assertEqual(len(listed(body)), 4)
        self.assertIn("Select a valid choice", body)

    def test_the_api_lists_them_with_their_sign_ups_and_claims_waiting(self) -> None:
        w = self.world
        self.claim()
        self.claim()
        client = self.client_for(w.alice)
        items = client.get("/api/volunteers/projects?claims=waiting").json()["items"]
        self.assertEqual([(row["name"], row["signed_up"], row["claims_waiting"])
                          for row in items], [("Deliveries to the quarantined", 2, 2)])
        every = client.get("/api/volunteers/projects").json()["items"]
        self.assertEqual(sorted((row["name"], row["claims_waiting"]) for row in every),
                         [("Calls to the elderly", 0), ("Deliveries to the quarantined", 2)])
        one = client.get(f"/api/volunteers/projects/{self.deliveries.pk}").json()
        self.assertEqual((one["signed_up"], one["claims_waiting"]), (2, 2))
        self.assertEqual(client.get("/api/volunteers/projects?claims=all").status_code, 422)
