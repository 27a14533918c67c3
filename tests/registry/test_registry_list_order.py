"""The registry's lists page in area-path order (core.paging): a town whose records came late is
read from its own index range, never after every earlier record of the table."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from epigrid.registry import services
from epigrid.registry.models import Person
from tests.base import BaseTestCase


class AreaOrderTests(BaseTestCase):
    def late_and_early(self) -> list[Person]:
        """Persons whose ids run against their grids' order: the later grid's made first."""
        w = self.world
        made = [services.create_person(grid=w.grid_a2_1, name=f"Late {n}", residency="worker")
                for n in range(3)]
        made += [services.create_person(grid=w.grid_a1_1, name=f"Early {n}",
                                        residency="worker") for n in range(3)]
        return made

    def expected(self) -> list[int]:
        return list(Person.objects.restrict(self.world.alice).order_by("area_path", "pk")
                    .values_list("pk", flat=True))

    @override_settings(PAGE_SIZE=2)
    def test_it_walks_the_persons_page_by_area_then_id_without_gaps(self) -> None:
        self.late_and_early()
        client, seen, query = self.client_for(self.world.alice), [], {}
        for _page in range(10):
            response = client.get(reverse("registry:person_list"), query)
            seen += [person.pk for person in response.context["persons"]]
            if response.context["next_after"] is None:
                break
            query = {"after": response.context["next_after"]}
        assert seen == self.expected()
        early = [p.pk for p in Person.objects.filter(name__startswith="Early")]
        late = [p.pk for p in Person.objects.filter(name__startswith="Late")]
        assert max(seen.index(pk) for pk in early) < min(seen.index(pk) for pk in late)

    def test_it_walks_the_api_the_same_way(self) -> None:
        self.late_and_early()
        client, seen, after = self.client_for(self.world.alice), [], ""
        for _page in range(10):
            page: Any = client.get(f"/api/registry/persons/?limit=2{after}").json()
            seen += [person["id"] for person in page["items"]]
            if page["next_after"] is None:
                break
            after = f"&after={page['next_after']}"
        assert seen == self.expected()

    def test_it_answers_an_empty_page_after_a_record_outside_the_list(self) -> None:
        w = self.world
        client = self.client_for(w.alice)
        for after in (w.person_b.pk, 999_999):  # town B's person, as a missing one
            response = client.get(reverse("registry:person_list"), {"after": after})
            assert list(response.context["persons"]) == []
            assert response.context["next_after"] is None
            page = client.get(f"/api/registry/persons/?after={after}").json()
            assert page == {"items": [], "next_after": None}

    def test_it_reads_the_area_index_in_its_order_on_postgresql(self) -> None:
        if connection.vendor != "postgresql":
            pytest.skip("PostgreSQL plans")
        made = self.late_and_early()
        client = self.client_for(self.world.command)
        for query in ({"area": self.world.town_a.pk}, {"after": made[0].pk}):
            with CaptureQueriesContext(connection) as ran:
                client.get(reverse("registry:person_list"), query)
            listed = [q["sql"] for q in ran.captured_queries
                      if 'FROM "registry_person"' in q["sql"] and "LIMIT" in q["sql"]][-1]
            with connection.cursor() as cursor:
                # No sort allowed: the one index that gives (area_path, id) order must serve.
                cursor.execute("SET LOCAL enable_sort = off")
                cursor.execute(f"EXPLAIN {listed}")
                found = "\n".join(row[0] for row in cursor.fetchall())
            assert "registry_pe_area_pa_0414d1_idx" in found and "Sort" not in found
