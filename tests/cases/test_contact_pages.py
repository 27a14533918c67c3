"""The contact pages: a case's contacts with the forms, the chain page, clusters and the list of
contacts to act on; who may write, what each sees, and the bad input each form names."""

from __future__ import annotations

import json
from unittest import mock

from django.urls import reverse

from epigrid.cases import contact_views
from epigrid.cases.models import Case, Exposure
from epigrid.cases.states import State
from tests.base import ID_A2, ID_B
from tests.cases.contact_helpers import days_ago, exposure
from tests.cases.test_chain_graph import CrossTownChain


class ContactListPageTests(CrossTownChain):
    def url(self, case: Case) -> str:
        return reverse("cases:contact_list", args=[case.pk])

    def test_it_lists_whom_the_case_met_with_their_case(self) -> None:
        response = self.client_for(self.world.command).get(self.url(self.case_b))
        self.assertContains(response, "Sun Li")
        self.assertContains(response, "Taxi driver Liu")
        self.assertContains(response, "not identified yet")
        self.assertContains(response, 'id="identify-')  # the driver can be identified here
        self.assertContains(response, "Wang Jun")  # who exposed Zhao Min

    def test_it_shows_no_forms_to_a_role_that_may_not_trace(self) -> None:
        response = self.client_for(self.world.li).get(self.url(self.case_a))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, reverse("cases:contact_add", args=[self.case_a.pk]))

    def test_it_records_a_contact_by_id_number(self) -> None:
        w = self.world
        Exposure.objects.filter(contact=w.person_a2).delete()
        Case.objects.filter(person=w.person_a2).delete()
        response = self.client_for(w.alice).post(
            reverse("cases:contact_add", args=[self.case_a.pk]),
            {"id_number": ID_A2, "exposed_on": days_ago(1).isoformat(), "setting": "household"},
            follow=True)
        self.assertContains(response, "Wang Lei is now a close contact.")
        self.assertEqual(Case.objects.get(person=w.person_a2).state, State.CLOSE_CONTACT)

    def test_it_names_the_field_of_each_bad_input(self) -> None:
        client = self.client_for(self.world.alice)
        url = reverse("cases:contact_add", args=[self.case_a.pk])
        cases = [
            ({"id_number": "", "contact_name": "", "exposed_on": days_ago(1).isoformat()},
             "Name the contact, or give the ID number of a registered person."),
            ({"contact_name": "X", "exposed_on": days_ago(-1).isoformat()},
             "An exposure cannot be dated in the future."),
            ({"id_number": "11010519491231002X", "exposed_on": days_ago(1).isoformat()},
             "No person is registered with this ID number."),
            ({"id_number": "12345", "exposed_on": days_ago(1).isoformat()}, "18 characters"),
            ({"id_number": "42010219800101001X", "exposed_on": days_ago(1).isoformat()},
             "A person cannot be their own contact."),
        ]
        before = Exposure.objects.count()
        for data, message in cases:
            with self.subTest(message=message):
                response = client.post(url, {"setting": "other", **data})
                self.assertContains(response, message, status_code=400)
        self.assertEqual(Exposure.objects.count(), before)

    def test_it_refuses_writes_without_the_capability(self) -> None:
        response = self.client_for(self.world.li).post(
            reverse("cases:contact_add", args=[self.case_a.pk]),
            {"contact_name": "X", "exposed_on": days_ago(1).isoformat(), "setting": "other"})
        self.assertEqual(response.status_code, 403)

    def test_it_identifies_a_contact_from_the_list_to_act_on(self) -> None:
        w = self.world
        driver = Exposure.objects.get(contact_name="Taxi driver Liu")
        Case.objects.filter(person=w.person_a2).delete()
        Exposure.objects.filter(contact=w.person_a2).delete()
        client = self.client_for(w.bob)
        response = client.post(reverse("cases:contact_identify", args=[driver.pk]),
                               {"id_number": "bad", "next": "todo"}, follow=True)
        self.assertContains(response, "ID number has 18 characters")
        # Bob found the driver: he is Wang Lei of town A, whose case Bob then cannot see.
        response = client.post(reverse("cases:contact_identify", args=[driver.pk]),
                               {"id_number": ID_A2, "next": "todo"}, follow=True)
        self.assertContains(response, "Wang Lei is now a close contact.")
        self.assertContains(response, "Every contact is identified.")
        self.assertEqual(Case.objects.get(person=w.person_a2).state, State.CLOSE_CONTACT)
        self.assertRedirects(client.post(reverse("cases:contact_identify", args=[driver.pk]),
                                         {"id_number": ID_B}),
                             reverse("cases:contact_list", args=[self.case_b.pk]))


class ChainPageTests(CrossTownChain):
    def test_it_embeds_the_graph_as_json_and_loads_echarts(self) -> None:
        response = self.client_for(self.world.bob).get(
            reverse("cases:chain", args=[self.case_b.pk]) + "?generations=2")
        self.assertContains(response, 'src="/static/vendor/echarts-6.1.0.min.js"')
        self.assertContains(response, 'src="/static/cases/chain.js"')
        self.assertNotContains(response, "<script>")
        graph = json.loads(response.context["graph"] and json.dumps(response.context["graph"]))
        self.assertEqual(graph["generations"], 2)
        self.assertContains(response, 'id="chain-data"')
        self.assertContains(response, "3 outside your area, shown without names")
        self.assertNotContains(response, "Wang Jun")

    def test_it_lists_the_nearest_generations_and_leaves_the_rest_to_the_graph(self) -> None:
        with mock.patch.object(contact_views, "TABLE_LIMIT", 2):
            response = self.client_for(self.world.command).get(
                reverse("cases:chain", args=[self.case_b.pk]))
        self.assertEqual([n["generation"] for n in response.context["rows"]], [0, 1])
        self.assertEqual(len(response.context["graph"]["nodes"]), 5)
        self.assertContains(response, "3 more persons in later generations: see the graph.")

    def test_it_falls_back_to_the_default_depth_on_a_bad_ask(self) -> None:
        response = self.client_for(self.world.command).get(
            reverse("cases:chain", args=[self.case_a.pk]) + "?generations=99")
        self.assertEqual(response.context["graph"]["generations"], 3)
        self.assertContains(response, "Ensure this value is less than or equal to 10")

    def test_it_answers_404_for_a_case_of_another_town(self) -> None:
        response = self.client_for(self.world.bob).get(
            reverse("cases:chain", args=[self.case_a.pk]))
        self.assertEqual(response.status_code, 404)


class ClusterAndTodoPageTests(CrossTownChain):
    def test_it_lists_clusters_and_drills_down_to_persons(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        with self.assertNumQueries(6):  # session, user, home area; the three of the clusters
            response = client.get(reverse("cases:cluster_list"))
        self.assertContains(response, "Xihe Town")
        key = response.context["clusters"][0].cluster.key
        detail = client.get(reverse("cases:cluster_detail", args=[key]))
        for name in ("Wang Jun", "Zhao Min", "Sun Li"):
            self.assertContains(detail, name)
        self.assertNotContains(detail, "Wang Lei")  # a close contact, not infected
        self.assertEqual(self.client_for(w.alice).get(
            reverse("cases:cluster_detail", args=[key])).status_code, 404)

    def test_it_lists_contacts_to_act_on_in_the_users_area(self) -> None:
        w = self.world
        response = self.client_for(w.alice).get(reverse("cases:contact_todo"))
        self.assertContains(response, "Wang Lei")
        self.assertContains(response, "Every contact is identified.")
        response = self.client_for(w.bob).get(reverse("cases:contact_todo"))
        self.assertContains(response, "Taxi driver Liu")
        self.assertNotContains(response, "Wang Lei")

    def test_it_pages_the_contacts_to_identify_by_key(self) -> None:
        w = self.world
        for i in range(60):
            exposure(w.person_b, None, days=3, name=f"Passenger {i:02d}")
        client = self.client_for(w.bob)
        with self.assertNumQueries(5):  # session, user, home area; the two lists
            first = client.get(reverse("cases:contact_todo"))
        self.assertEqual(len(first.context["unidentified"]), 50)
        second = client.get(reverse("cases:contact_todo"),
                            {"after_identify": first.context["next_identify"]})
        self.assertEqual(len(second.context["unidentified"]), 11)
        self.assertContains(second, "Passenger 59")
        self.assertContains(second, '<a href="?">« First</a>')  # back to the first page

    def test_it_pages_one_list_keeping_the_other_s_place(self) -> None:
        w = self.world
        for i in range(60):
            exposure(w.person_b, None, days=3, name=f"Passenger {i:02d}")
        response = self.client_for(w.bob).get(reverse("cases:contact_todo"),
                                              {"after_quarantine": "5"})
        following = response.context["next_identify"]
        self.assertContains(
            response, f'href="?after_quarantine=5&amp;after_identify={following}" rel="next"')
