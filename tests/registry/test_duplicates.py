"""Duplicates: one ID number in two households of the user's scope, listed until settled."""

from __future__ import annotations

from unittest import mock

from django.urls import reverse

from epigrid.accounts.models import User
from epigrid.registry import people_views, services
from epigrid.registry.models import DuplicateResolution, Person
from tests.base import ID_A, ID_B, BaseTestCase
from tests.registry.test_roster_import import make_id


class DuplicateWorld(BaseTestCase):
    """Wang Jun's ID registered again in a second household of town A (grid A1-2)."""

    def setUp(self) -> None:
        w = self.world
        self.elm = services.create_household(grid=w.grid_a1_2, address="No. 1, Elm Row")
        self.copy = services.create_person(grid=w.grid_a1_2, household=self.elm,
                                           name="Wang Jun", id_number=ID_A)


class DuplicateTests(DuplicateWorld):
    def groups(self, user: User) -> list[list[str]]:
        response = self.client_for(user).get(reverse("registry:duplicates"))
        assert response.status_code == 200
        return [[p.household.address for p in g.persons] for g in response.context["groups"]]

    def test_it_lists_one_id_in_two_households(self) -> None:
        assert self.groups(self.world.alice) == [["No. 14, East Lane", "No. 1, Elm Row"]]
        body = self.client_for(self.world.alice).get(reverse("registry:duplicates")).content
        assert b"420102********001X" in body and ID_A.encode() not in body

    def test_it_ignores_one_id_twice_in_one_household(self) -> None:
        Person.objects.filter(pk=self.copy.pk).delete()
        services.create_person(grid=self.world.grid_a1_1, household=self.world.household_a,
                               name="Wang Jun (again)", id_number=ID_A)
        assert self.groups(self.world.alice) == []

    def test_it_looks_only_within_the_users_scope(self) -> None:
        w = self.world
        assert self.groups(w.li) == []  # the second household is in another grid
        assert self.groups(w.bob) == []
        services.create_person(grid=w.grid_a1_2, household=self.elm, name="Zhao", id_number=ID_B)
        assert self.groups(w.alice) == [["No. 14, East Lane", "No. 1, Elm Row"]]
        assert len(self.groups(w.command)) == 2  # Zhao Min's ID across towns, seen from above

    def test_it_resolves_with_a_note_and_hides_the_group(self) -> None:
        w, url = self.world, reverse("registry:duplicate_resolve", args=[self.copy.pk])
        response = self.client_for(w.alice).post(url, {"note": " "})
        assert response.status_code == 400 and "This field is required." in \
            response.content.decode()
        assert self.client_for(w.bob).post(url, {"note": "x"}).status_code == 404
        response = self.client_for(w.alice).post(url, {"note": "Same man; moved to Elm Row."})
        assert response.status_code == 302
        resolution = DuplicateResolution.objects.get()
        assert (resolution.note, resolution.resolved_by) == ("Same man; moved to Elm Row.", w.alice)
        assert self.groups(w.alice) == [] and self.groups(w.command) == []

    def test_it_refuses_to_resolve_what_is_not_a_duplicate(self) -> None:
        response = self.client_for(self.world.alice).post(
            reverse("registry:duplicate_resolve", args=[self.world.person_a2.pk]),
            {"note": "nothing"})
        assert response.status_code == 400
        assert not DuplicateResolution.objects.exists()


class DuplicateApiTests(DuplicateWorld):
    """The same list and settlement through /api/registry, answered masked."""

    def test_it_lists_the_groups_masked(self) -> None:
        body = self.client_for(self.world.alice).get("/api/registry/duplicates/").json()
        assert [[p["id_number_masked"] for p in g["persons"]] for g in body["items"]] == [
            ["420102********001X", "420102********001X"]]
        assert body["next_page"] is None
        assert ID_A not in str(body)
        assert self.client_for(self.world.bob).get("/api/registry/duplicates/").json() == {
            "items": [], "next_page": None}

    def test_it_pages_the_groups_by_number(self) -> None:
        w = self.world
        twice = make_id("42010219800101123")
        for address in ("No. 2, Elm Row", "No. 3, Elm Row"):
            household = services.create_household(grid=w.grid_a1_2, address=address)
            services.create_person(grid=w.grid_a1_2, household=household, name="Twice",
                                   id_number=twice)
        client = self.client_for(w.alice)

        def page(number: int) -> tuple[list[str], int | None]:
            body = client.get("/api/registry/duplicates/", {"limit": 1, "page": number}).json()
            return ([p["name"] for g in body["items"] for p in g["persons"]][:1],
                    body["next_page"])

        first, second = page(1), page(2)
        assert (first[1], second[1]) == (2, None)
        assert sorted(first[0] + second[0]) == ["Twice", "Wang Jun"]
        assert page(3) == ([], None)
        assert client.get("/api/registry/duplicates/", {"page": 0}).status_code == 422
        with mock.patch.object(people_views, "DUPLICATES_PAGE", 1):
            listed = client.get(reverse("registry:duplicates"))
            assert len(listed.context["groups"]) == 1
            assert 'href="?page=2"' in listed.content.decode()
            last = client.get(reverse("registry:duplicates"), {"page": 2})
            assert len(last.context["groups"]) == 1 and last.context["next_page"] is None

    def test_it_keeps_the_page_of_the_group_being_settled(self) -> None:
        w = self.world
        twice = make_id("42010219800101123")
        for address in ("No. 2, Elm Row", "No. 3, Elm Row"):
            household = services.create_household(grid=w.grid_a1_2, address=address)
            services.create_person(grid=w.grid_a1_2, household=household, name="Twice",
                                   id_number=twice)
        client = self.client_for(w.alice)
        with mock.patch.object(people_views, "DUPLICATES_PAGE", 1):
            second = client.get(reverse("registry:duplicates"), {"page": 2}).context["groups"][0]
            url = reverse("registry:duplicate_resolve", args=[second.first.pk]) + "?page=2"
            assert f'action="{url}"' in client.get(
                reverse("registry:duplicates"), {"page": 2}).content.decode()
            refused = client.post(url, {"note": ""})
            assert refused.status_code == 400
            # The errors are shown on the group whose form failed, on its page.
            assert refused.context["failed_pk"] == second.first.pk
            settled = client.post(url, {"note": "Same person."})
            assert settled.status_code == 302
            assert settled["Location"] == reverse("registry:duplicates") + "?page=2"

    def test_it_settles_a_group_with_a_note(self) -> None:
        w, url = self.world, f"/api/registry/persons/{self.copy.pk}/resolve-duplicate"
        assert self.client_for(w.bob).post(url, {"note": "x"},
                                           content_type="application/json").status_code == 404
        assert self.client_for(w.li).post(url, {"note": "x"},
                                          content_type="application/json").status_code == 404
        refused = self.client_for(w.alice).post(url, {"note": " "},
                                                content_type="application/json")
        assert refused.status_code == 422
        settled = self.client_for(w.alice).post(url, {"note": "Same man."},
                                                content_type="application/json")
        assert settled.status_code == 201 and settled.json()["note"] == "Same man."
        assert self.client_for(w.alice).get("/api/registry/duplicates/").json()["items"] == []
