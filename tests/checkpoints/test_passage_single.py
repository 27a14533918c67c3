"""A lone passage (the single API, a device's passage a second): on PostgreSQL it is checked,
matched and stored in one statement (passages._record_checked); whatever it answers, it answers
as a batch would, for every role, checkpoint, resend and ID number."""

from __future__ import annotations

from django.db import connection

from epigrid.checkpoints.models import FeverReferral, Passage, PassageHour
from epigrid.checkpoints.passages import record_passage, record_passages
from epigrid.registry.models import Person
from tests.base import ID_A, BaseTestCase
from tests.checkpoints.passage_helpers import east_road_staff, item


class SinglePassageTests(BaseTestCase):
    def setUp(self) -> None:
        self.staff = east_road_staff(self.world)

    def test_it_answers_as_a_batch_would_for_every_role_and_checkpoint(self) -> None:
        w = self.world
        people = [w.admin, w.command, w.alice, w.bob, w.li, w.medic, w.stranger, self.staff]
        for user in people:
            for checkpoint in (w.checkpoint_a, w.checkpoint_b):
                alone = record_passage(user, checkpoint, item())
                batched = record_passages(user, checkpoint, [item(), item()])[0]
                assert (alone.result, alone.errors) == (batched.result, batched.errors), (
                    user.username, checkpoint.code)
                if alone.id is not None:
                    passage = Passage.objects.get(pk=alone.id)
                    assert (passage.checkpoint_id, passage.area_path, passage.recorded_by_id) \
                        == (checkpoint.pk, checkpoint.area.path, user.pk)
        stored = Passage.objects.count()
        assert sum(PassageHour.objects.values_list("passages_in", flat=True)) == stored

    def test_a_refused_checkpoint_stores_and_counts_nothing(self) -> None:
        w = self.world
        refused = record_passage(self.staff, w.checkpoint_b, item())
        missing = record_passage(self.staff, 999_999, item())
        assert (refused.result, missing.result) == ("error", "error")
        assert refused.errors == missing.errors
        if connection.vendor == "postgresql":  # SQLite's driver takes no integer past 64 bits
            past_bigint = record_passage(self.staff, None, item(checkpoint_id=10**20))
            assert (past_bigint.result, past_bigint.errors) == ("error", refused.errors)
        assert list(refused.errors) == ["checkpoint_id"]
        assert not Passage.objects.exists()
        assert not PassageHour.objects.exists()

    def test_a_resend_is_a_duplicate_even_at_a_checkpoint_no_longer_allowed(self) -> None:
        w = self.world
        first = item(checkpoint_id=w.checkpoint_a.pk)
        stored = record_passage(self.staff, None, first)
        again = record_passage(self.staff, None, first)
        elsewhere = record_passage(self.staff, None, first | {"checkpoint_id": w.checkpoint_b.pk})
        assert stored.result == "stored"
        assert (again.result, again.id) == ("duplicate", stored.id)
        assert (elsewhere.result, elsewhere.id) == ("duplicate", stored.id)
        assert PassageHour.objects.get().passages_in == 1

    def test_it_is_stored_exactly_as_a_batch_stores_it(self) -> None:
        fields = {"kind": "vehicle", "plate": "鄂A12345", "passengers": 3, "direction": "out",
                  "temperature": "36.84", "origin": "Wuchang", "destination": "Home",
                  "decision": "turned_back", "name": "Wang", "id_number": ID_A,
                  "at": item()["at"]}
        cp = self.world.checkpoint_a
        alone = record_passage(self.staff, cp, item(**fields))
        batched = record_passages(self.staff, cp, [item(**fields), item()])[0]
        skipped = {"id", "client_id", "id_number_enc", "received_at"}  # seals are random
        names = [f.attname for f in Passage._meta.concrete_fields if f.attname not in skipped]
        one, other = (Passage.objects.values(*names).get(pk=pk) for pk in (alone.id, batched.id))
        assert one == other
        assert (one["person_id"], one["area_path"]) == (self.world.person_a.pk, cp.area.path)

    def test_two_persons_of_one_id_number_match_nobody_either_way(self) -> None:
        w = self.world
        Person.objects.filter(pk=w.person_a2.pk).update(id_number_hash=w.person_a.id_number_hash)
        cp = w.checkpoint_a
        alone = record_passage(self.staff, cp, item(id_number=ID_A))
        batched = record_passages(self.staff, cp, [item(id_number=ID_A), item()])[0]
        persons = set(Passage.objects.filter(pk__in=[alone.id, batched.id]).values_list(
            "person_id", flat=True))
        assert persons == {None}

    def test_a_fever_is_referred_and_a_destination_checked(self) -> None:
        w = self.world
        fever = record_passage(self.staff, w.checkpoint_a, item(temperature="38.4",
                                                                id_number=ID_A))
        going = record_passage(self.staff, w.checkpoint_a,
                               item(destination_area_id=w.village_a1.pk))
        nowhere = record_passage(self.staff, w.checkpoint_a,
                                 item(destination_area_id=w.town_a.pk))
        assert (fever.result, going.result, nowhere.result) == ("stored", "stored", "error")
        referral = FeverReferral.objects.get(passage__client_id=fever.client_id)
        assert referral.case is not None and referral.case.person == w.person_a
        assert Passage.objects.get(client_id=going.client_id).destination_area == w.village_a1
