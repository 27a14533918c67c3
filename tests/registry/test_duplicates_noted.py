"""The IDs held in more than one household, noted where the duplicates list reads them: as a
person is saved through the services, and by the nightly recount of the whole registry
(registry.duplicates)."""

from __future__ import annotations

from unittest import mock

from django.conf import settings
from django.urls import reverse

from epigrid.core import crypto
from epigrid.registry import bulk, duplicates, services
from epigrid.registry.models import DuplicateId, Person
from epigrid.registry.tasks import recount_duplicates
from tests.base import ID_A, ID_B, BaseTestCase


def noted() -> set[str]:
    return set(DuplicateId.objects.values_list("id_number_hash", flat=True))


class NotedDuplicateTests(BaseTestCase):
    """Wang Jun (ID_A) lives at No. 14, East Lane (household A, grid A1-1)."""

    def setUp(self) -> None:
        self.key_a = crypto.keyed_hash(ID_A, "id_number")
        self.elm = services.create_household(grid=self.world.grid_a1_2, address="No. 1, Elm Row")

    def listed(self) -> list[str]:
        response = self.client_for(self.world.command).get(reverse("registry:duplicates"))
        return [group.key for group in response.context["groups"]]

    def test_it_notes_an_id_a_new_person_of_another_household_holds(self) -> None:
        assert noted() == set()
        services.create_person(grid=self.world.grid_a1_2, household=self.elm, name="Wang Jun",
                               id_number=ID_A)
        assert noted() == {self.key_a} and self.listed() == [self.key_a]

    def test_it_notes_nothing_within_one_household_or_without_one(self) -> None:
        w = self.world
        services.create_person(grid=w.grid_a1_1, household=w.household_a, name="Wang Jun (2)",
                               id_number=ID_A)
        services.create_person(grid=w.grid_a1_2, name="Wang Jun, visiting", id_number=ID_A)
        services.create_person(grid=w.grid_a1_2, household=self.elm, name="No ID")
        assert noted() == set() and self.listed() == []

    def test_it_notes_an_id_given_to_a_person_or_a_person_moved(self) -> None:
        w = self.world
        other = services.create_person(grid=w.grid_a1_2, household=self.elm, name="Zhao")
        services.update_person(other, id_number=ID_A)
        assert noted() == {self.key_a}
        DuplicateId.objects.all().delete()
        services.update_person(other, id_number="")
        visitor = services.create_person(grid=w.grid_a1_2, name="Visitor", id_number=ID_A)
        assert noted() == set()
        services.update_person(visitor, household=self.elm)
        assert noted() == {self.key_a} and self.listed() == [self.key_a]

    def test_a_duplicate_written_past_the_services_is_listed_once_recounted(self) -> None:
        copy = Person.objects.get(pk=self.world.person_a.pk)
        row = tuple(getattr(copy, column) for column in bulk.PERSON_COLUMNS)
        at = bulk.PERSON_COLUMNS.index("household_id")
        bulk.insert_persons([(*row[:at], self.elm.pk, *row[at + 1:])])
        assert self.listed() == []  # the list reads the noted IDs alone
        services.update_person(self.world.person_a, occupation="driver")
        assert noted() == set()  # neither its ID nor its household changed: not looked up
        assert duplicates.recount() == (1, 0)
        assert self.listed() == [self.key_a]
        assert duplicates.recount() == (0, 0)

    def test_the_recount_drops_an_id_no_longer_shared(self) -> None:
        copy = services.create_person(grid=self.world.grid_a1_2, household=self.elm,
                                      name="Wang Jun", id_number=ID_A)
        copy.delete()
        assert noted() == {self.key_a} and self.listed() == []  # counted live: nothing shown
        assert recount_duplicates() == {"noted": 0, "dropped": 1}
        assert noted() == set()

    def test_the_recount_keeps_an_id_noted_while_it_groups(self) -> None:
        key_b = crypto.keyed_hash(ID_B, "id_number")

        def noted_meanwhile() -> set[str]:  # another session commits a shared ID meanwhile
            DuplicateId.objects.create(id_number_hash=key_b)
            return set()

        with mock.patch.object(duplicates, "shared_everywhere", noted_meanwhile):
            assert duplicates.recount() == (0, 0)
        assert noted() == {key_b}

    def test_the_beat_recounts_every_night(self) -> None:
        entry = settings.CELERY_BEAT_SCHEDULE["recount-duplicate-ids"]
        assert entry["task"] == recount_duplicates.name
        assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {10})

    def test_the_list_takes_two_queries(self) -> None:
        services.create_person(grid=self.world.grid_a1_2, household=self.elm, name="Wang Jun",
                               id_number=ID_A)
        with self.assertNumQueries(2):
            groups = services.duplicate_groups(self.world.command)
        assert [len(group.persons) for group in groups] == [2]
