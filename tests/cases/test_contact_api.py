"""The contact API (/api/contacts): exposures, identifying, chains, clusters, lists to act on;
422s name the field, 403 for a role that may not trace, 404 alike for missing and forbidden."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from epigrid.cases.models import Case, Exposure
from epigrid.cases.states import State
from tests.base import ID_A2, ID_B
from tests.cases.contact_helpers import days_ago
from tests.cases.test_chain_graph import CrossTownChain


class ContactApiTests(CrossTownChain):
    def post(self, client: Client, url: str, body: dict[str, Any]) -> Any:
        return client.post(url, json.dumps(body), content_type="application/json")

    def test_it_records_an_exposure_and_opens_the_contacts_case(self) -> None:
        w = self.world
        Exposure.objects.filter(contact=w.person_a2).delete()
        Case.objects.filter(person=w.person_a2).delete()
        response = self.post(self.client_for(w.alice), "/api/contacts/exposures", {
            "case_id": self.case_a.pk, "contact_person_id": w.person_a2.pk,
            "exposed_on": days_ago(1).isoformat(), "setting": "household"})
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual((body["outcome"], body["exposure"]["contact_name"]),
                         ("opened", "Wang Lei"))
        self.assertEqual(Case.objects.get(pk=body["contact_case_id"]).state,
                         State.CLOSE_CONTACT)

    def test_it_names_the_field_of_each_bad_input(self) -> None:
        w = self.world
        client = self.client_for(w.alice)
        base = {"case_id": self.case_a.pk, "exposed_on": days_ago(1).isoformat()}
        cases = [
            ({"exposed_on": days_ago(-1).isoformat(), "contact_name": "X"}, "exposed_on"),
            ({"contact_person_id": w.person_a.pk}, "contact"),
            ({"contact_person_id": w.person_b.pk}, "contact_person_id"),  # not Alice's to see
            ({"contact_id_number": "123"}, "contact_id_number"),
            ({"contact_name": " "}, "contact_name"),
            ({"contact_name": "X", "setting": "party"}, "setting"),
        ]
        for extra, field in cases:
            with self.subTest(field=field):
                response = self.post(client, "/api/contacts/exposures", {**base, **extra})
                self.assertEqual(response.status_code, 422, response.content)
                self.assertIn(field, [part for error in response.json()["detail"]
                                      for part in error["loc"]])

    def test_it_refuses_a_role_that_may_not_trace_and_a_case_it_cannot_see(self) -> None:
        w = self.world
        body = {"case_id": self.case_a.pk, "exposed_on": days_ago(1).isoformat(),
                "contact_name": "X"}
        self.assertEqual(self.post(self.client_for(w.li), "/api/contacts/exposures",
                                   body).status_code, 403)
        self.assertEqual(self.post(self.client_for(w.bob), "/api/contacts/exposures",
                                   body).status_code, 404)

    def test_it_identifies_a_contact_by_id_number(self) -> None:
        w = self.world
        driver = Exposure.objects.get(contact_name="Taxi driver Liu")
        client = self.client_for(w.bob)
        url = f"/api/contacts/exposures/{driver.pk}/identify"
        self.assertEqual(self.post(client, url, {}).status_code, 422)
        response = self.post(client, url, {"id_number": ID_A2})
        self.assertEqual(response.json()["outcome"], "already_contact")
        self.assertEqual(self.post(client, url, {"id_number": ID_B}).status_code, 422)
        self.assertEqual(self.post(self.client_for(w.alice), url,
                                   {"id_number": ID_A2}).status_code, 404)

    def test_it_lists_exposures_of_a_case(self) -> None:
        client = self.client_for(self.world.bob)
        with self.assertNumQueries(5):  # session, user, home area, case, exposures
            response = client.get(f"/api/contacts/exposures?case={self.case_b.pk}")
        names = sorted(item["contact_name"] for item in response.json()["items"])
        self.assertEqual(names, ["Sun Li", "Taxi driver Liu"])
        unidentified = client.get("/api/contacts/exposures?unidentified=true").json()["items"]
        self.assertEqual([i["contact_name"] for i in unidentified], ["Taxi driver Liu"])

    def test_it_gives_the_chain_with_outside_nodes_anonymous(self) -> None:
        client = self.client_for(self.world.bob)
        response = client.get(f"/api/contacts/chain/{self.case_b.pk}?generations=1")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["generations"], 1)
        self.assertEqual(sorted(n["name"] for n in body["nodes"]),
                         ["Outside your area", "Outside your area", "Taxi driver Liu",
                          "Zhao Min"])
        self.assertEqual(client.get(f"/api/contacts/chain/{self.case_b.pk}?generations=11")
                         .status_code, 422)
        self.assertEqual(client.get(f"/api/contacts/chain/{self.case_a.pk}").status_code, 404)

    def test_it_lists_clusters_and_contacts_to_act_on(self) -> None:
        w = self.world
        command = self.client_for(w.command)
        clusters = command.get("/api/contacts/clusters").json()["items"]
        self.assertEqual([(c["size"], c["confirmed"]) for c in clusters], [(3, 2)])
        detail = command.get(f"/api/contacts/clusters/{clusters[0]['key']}").json()
        self.assertEqual(sorted(m["name"] for m in detail["members"]),
                         ["Sun Li", "Wang Jun", "Zhao Min"])
        self.assertEqual(self.client_for(w.bob).get(
            f"/api/contacts/clusters/{clusters[0]['key']}").status_code, 404)
        waiting = self.client_for(w.alice).get("/api/contacts/to-act-on/quarantine").json()
        self.assertEqual([(i["person_name"], i["last_exposed"]) for i in waiting["items"]],
                         [("Wang Lei", days_ago(2).isoformat())])
        todo = self.client_for(w.bob).get("/api/contacts/to-act-on/identify").json()
        self.assertEqual([i["contact_name"] for i in todo["items"]], ["Taxi driver Liu"])
