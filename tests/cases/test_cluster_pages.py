"""The clusters list, on the page and in the API, a numbered page at a time, largest first."""

from __future__ import annotations

from unittest import mock

from django.urls import reverse

from epigrid.cases import contact_views
from tests.cases.contact_helpers import exposure, infected, resident
from tests.cases.test_chain_graph import CrossTownChain


class ClusterPagesTests(CrossTownChain):
    """Beside the chain's cluster of three (Wang Jun, Zhao Min, Sun Li), two pairs of town A."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        grid = cls.world.grid_a1_1
        for first, second in (("Pair One A", "Pair One B"), ("Pair Two A", "Pair Two B")):
            one, two = resident(grid, first), resident(grid, second)
            infected(one)
            infected(two)
            exposure(one, two, days=3)

    def test_it_pages_the_clusters_largest_first_numbering_on(self) -> None:
        client = self.client_for(self.world.command)
        with mock.patch.object(contact_views, "CLUSTERS_PAGE", 2):
            first = client.get(reverse("cases:cluster_list"))
            second = client.get(reverse("cases:cluster_list"), {"page": 2})
            beyond = client.get(reverse("cases:cluster_list"), {"page": 3})
        self.assertEqual([v.cluster.size for v in first.context["clusters"]], [3, 2])
        self.assertEqual(first.context["next_page"], 2)
        self.assertContains(first, 'href="?page=2"')
        self.assertEqual([v.cluster.size for v in second.context["clusters"]], [2])
        self.assertIsNone(second.context["next_page"])
        self.assertContains(second, "Cluster 3")  # numbered after the first page's two
        self.assertNotContains(second, 'id="next-page"')
        self.assertEqual(list(beyond.context["clusters"]), [])
        self.assertContains(beyond, "No cluster in your area.")

    def test_it_reads_a_page_that_is_no_number_as_the_first(self) -> None:
        client = self.client_for(self.world.command)
        for page in ("0", "-1", "two"):
            with self.subTest(page=page):
                response = client.get(reverse("cases:cluster_list"), {"page": page})
                self.assertEqual(len(response.context["clusters"]), 3)
                self.assertContains(response, "Cluster 1")

    def test_it_pages_the_api_to_its_end(self) -> None:
        client = self.client_for(self.world.command)
        seen, page = [], 1
        while page is not None:
            body = client.get("/api/contacts/clusters", {"page": page, "limit": 2}).json()
            seen.append([item["size"] for item in body["items"]])
            page = body["next_page"]
        self.assertEqual(seen, [[3, 2], [2]])
        everything = client.get("/api/contacts/clusters").json()
        self.assertEqual(([item["size"] for item in everything["items"]],
                          everything["next_page"]), ([3, 2, 2], None))

    def test_it_names_a_bad_page_or_limit(self) -> None:
        client = self.client_for(self.world.command)
        for query, field in (({"page": 0}, "page"), ({"limit": 0}, "limit"),
                             ({"limit": 501}, "limit")):
            with self.subTest(query=query):
                response = client.get("/api/contacts/clusters", query)
                self.assertEqual(response.status_code, 422)
                self.assertIn(field, [part for error in response.json()["detail"]
                                      for part in error["loc"]])

    def test_it_pages_only_the_clusters_the_user_sees(self) -> None:
        # Bob (town B) sees the exposures recorded in town B alone: none between two of his
        # infected persons, so no cluster, whatever the page.
        body = self.client_for(self.world.bob).get("/api/contacts/clusters").json()
        self.assertEqual(body, {"items": [], "next_page": None})
