"""Recording passages: each bad item refused with its field and reason, the good ones stored,
resends stored once, and the hourly figures added to exactly."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from epigrid.areas.models import Checkpoint
from epigrid.checkpoints import passage_rows
from epigrid.checkpoints.models import Passage, PassageHour
from epigrid.checkpoints.passage_items import Batch, clean_item
from epigrid.checkpoints.passage_rows import Row
from epigrid.checkpoints.passages import (
    MAX_BATCH,
    BatchTooLargeError,
    hour_of,
    record_passage,
    record_passages,
)
from tests.base import ID_A, BaseTestCase
from tests.checkpoints.passage_helpers import east_road_staff, item, items


def hour_row(checkpoint_id: int, at: datetime.datetime) -> dict[str, int]:
    row = PassageHour.objects.filter(checkpoint_id=checkpoint_id, hour=hour_of(at)).values(
        "passages_in", "passages_out", "vehicles", "persons", "turned_back", "referred",
        "fevers").first()
    return row or {}


class RecordingTests(BaseTestCase):
    def setUp(self) -> None:
        self.staff = east_road_staff(self.world)
        self.cp = self.world.checkpoint_a

    def record(self, *batch: dict[str, object]) -> list[tuple[str, dict[str, list[str]]]]:
        results = record_passages(self.staff, self.cp, list(batch))
        return [(r.result, r.errors) for r in results]

    def test_it_stores_the_common_case_with_the_checkpoint_s_area(self) -> None:
        result = record_passage(self.staff, self.cp, item())
        assert result.result == "stored"
        passage = Passage.objects.get(pk=result.id)
        assert (passage.checkpoint_id, passage.area_path, passage.temperature, passage.kind,
                passage.passengers, passage.recorded_by) == (
            self.cp.pk, self.world.village_a1.path, Decimal("36.5"), "person", 1, self.staff)

    def test_it_refuses_each_bad_item_with_its_field_and_stores_the_good_ones(self) -> None:
        now = timezone.now()
        batch = [
            item(temperature="33.9"),
            item(temperature="43.1"),
            item(kind="vehicle", plate="鄂I12345"),
            item(id_number="420102198001010011"),  # check character should be X
            item(at=(now + datetime.timedelta(minutes=30)).isoformat()),
            item(at=(now - datetime.timedelta(days=8)).isoformat()),
            item(checkpoint_id=self.world.checkpoint_b.pk),  # Wu is not assigned there
            item(direction="sideways"),
            item(client_id="not-a-uuid"),
            item(temperature="34.0"),  # the edges themselves are possible
            item(temperature="43.0"),
            item(kind="vehicle", plate="鄂AD12345", passengers=3),
        ]
        answers = self.record(*batch)
        fields = [sorted(errors) for _result, errors in answers]
        assert fields == [["temperature"], ["temperature"], ["plate"], ["id_number"], ["at"],
                          ["at"], ["checkpoint_id"], ["direction"], ["client_id"], [], [], []]
        assert [result for result, _errors in answers][-3:] == ["stored"] * 3
        assert "between 34.0 and 43.0" in answers[0][1]["temperature"][0]
        assert "future" in answers[4][1]["at"][0]
        assert "more than 7 days ago" in answers[5][1]["at"][0]
        assert "check character" in answers[3][1]["id_number"][0]
        assert "I and O" in answers[2][1]["plate"][0]
        assert Passage.objects.count() == 3

    def test_it_allows_a_little_clock_skew_and_a_week_old_queue(self) -> None:
        now = timezone.now()
        answers = self.record(item(at=(now + datetime.timedelta(minutes=4)).isoformat()),
                              item(at=(now - datetime.timedelta(days=6, hours=23)).isoformat()))
        assert [result for result, _errors in answers] == ["stored", "stored"]

    def test_it_names_every_wrong_field_of_one_item(self) -> None:
        [(result, errors)] = self.record(item(temperature="50", kind="vehicle", plate="",
                                              passengers=0, decision="wave"))
        assert result == "error"
        assert sorted(errors) == ["decision", "passengers", "plate", "temperature"]

    def test_it_refuses_a_plate_on_a_person_and_a_fever_without_temperature(self) -> None:
        answers = self.record(item(plate="鄂A12345"), item(decision="fever", temperature=None))
        assert [sorted(errors) for _r, errors in answers] == [["plate"], ["temperature"]]

    def test_it_refuses_a_batch_over_the_limit_whole(self) -> None:
        with self.assertRaises(BatchTooLargeError):
            record_passages(self.staff, self.cp, items(MAX_BATCH + 1))
        assert Passage.objects.count() == 0

    def test_it_stores_a_resent_item_once_and_answers_duplicate(self) -> None:
        batch = items(5)
        first = record_passages(self.staff, self.cp, batch)
        again = record_passages(self.staff, self.cp, [*batch, item()])
        assert [r.result for r in first] == ["stored"] * 5
        assert [r.result for r in again] == ["duplicate"] * 5 + ["stored"]
        assert [r.id for r in again[:5]] == [r.id for r in first]
        assert Passage.objects.count() == 6

    def test_it_stores_an_item_repeated_within_one_batch_once(self) -> None:
        one = item()
        assert [r.result for r in record_passages(self.staff, self.cp, [one, one])] == [
            "stored", "duplicate"]

    def test_it_answers_duplicate_for_a_resend_even_when_it_has_grown_old(self) -> None:
        stored = item(at=(timezone.now() - datetime.timedelta(days=6)).isoformat())
        record_passages(self.staff, self.cp, [stored])
        late = stored | {"at": (timezone.now() - datetime.timedelta(days=9)).isoformat()}
        assert record_passage(self.staff, self.cp, late).result == "duplicate"

    def test_it_adds_exact_hourly_figures_after_batches_and_resends(self) -> None:
        at = (timezone.now() - datetime.timedelta(hours=2)).replace(minute=5)
        when = at.isoformat()
        first = [item(at=when), item(at=when, direction="out"),
                 item(at=when, kind="vehicle", plate="鄂A12345", passengers=4,
                      decision="turned_back"),
                 item(at=when, decision="quarantine"), item(at=when, temperature="33")]
        record_passages(self.staff, self.cp, first)
        second = [*first[:2], item(at=when, temperature="38.2")]
        record_passages(self.staff, self.cp, second)
        assert hour_row(self.cp.pk, at) == {
            "passages_in": 4, "passages_out": 1, "vehicles": 1, "persons": 8,
            "turned_back": 1, "referred": 1, "fevers": 1}
        assert PassageHour.objects.get().area_path == self.world.village_a1.path

    def test_it_counts_each_hour_on_its_own(self) -> None:
        base = (timezone.now() - datetime.timedelta(hours=3)).replace(minute=59)
        record_passages(self.staff, self.cp, [
            item(at=base.isoformat()), item(at=(base + datetime.timedelta(minutes=2)).isoformat()),
            item(at=(base + datetime.timedelta(minutes=3)).isoformat())])
        assert hour_row(self.cp.pk, base)["passages_in"] == 1
        assert hour_row(self.cp.pk, base + datetime.timedelta(minutes=2))["passages_in"] == 2

    def test_it_matches_a_known_id_number_and_keeps_it_masked(self) -> None:
        result = record_passage(self.staff, self.cp, item(id_number=ID_A.lower(), name="Wang"))
        passage = Passage.objects.get(pk=result.id)
        assert passage.person == self.world.person_a
        assert passage.id_number_masked == "420102********001X"
        assert ID_A not in passage.id_number_enc

    def test_officers_log_in_their_area_and_not_beyond_it(self) -> None:
        w = self.world
        here = record_passage(w.alice, w.checkpoint_a, item())
        there = record_passage(w.alice, w.checkpoint_b, item())
        nobody = record_passage(w.li, w.checkpoint_a, item())  # grid workers do not log
        assert (here.result, there.result, nobody.result) == ("stored", "error", "error")
        assert there.errors == nobody.errors

    @override_settings(FEVER_THRESHOLD=Decimal("38.0"))
    def test_it_follows_the_configured_fever_threshold(self) -> None:
        low, high = record_passages(self.staff, self.cp, [item(temperature="37.9"),
                                                          item(temperature="38.0")])
        decisions = dict(Passage.objects.values_list("pk", "decision"))
        assert (decisions[low.id], decisions[high.id]) == ("pass", "fever")

    def test_one_passage_is_stored_as_a_batch_stores_it(self) -> None:
        """PostgreSQL stores a lone passage through plain values, a batch through arrays: the
        rows must not differ but for their own ids."""
        w = self.world
        fields = {"kind": "vehicle", "plate": "鄂A12345", "passengers": 3, "direction": "out",
                  "temperature": "36.84", "origin": "Wuchang", "destination": "Home",
                  "destination_area_id": w.village_a1.pk, "decision": "turned_back",
                  "name": "Wang", "id_number": ID_A,
                  "at": (timezone.now() - datetime.timedelta(minutes=5)).isoformat()}
        alone = record_passage(self.staff, self.cp, item(**fields))
        batched = record_passages(self.staff, self.cp, [item(**fields), item()])[0]
        assert (alone.result, batched.result) == ("stored", "stored")
        skipped = {"id", "client_id", "id_number_enc", "received_at"}  # the seal is randomized
        names = [f.attname for f in Passage._meta.concrete_fields if f.attname not in skipped]
        one, other = (Passage.objects.values(*names).get(pk=pk) for pk in (alone.id, batched.id))
        assert one == other
        assert (one["temperature"], one["person_id"], one["passengers"]) == (
            Decimal("36.8"), w.person_a.pk, 3)


class RecorderDeletedTests(BaseTestCase):
    """Who recorded a passage has no constraint in the database (a lock on the user's row per
    stored passage): deleting the user through Django still leaves no passage pointing at it."""

    def test_it_forgets_who_recorded_a_passage_when_the_user_is_deleted(self) -> None:
        staff = east_road_staff(self.world)
        single = record_passage(staff, self.world.checkpoint_a, item())
        batch = record_passages(staff, self.world.checkpoint_a, items(3))
        ids = [single.id, *(result.id for result in batch)]
        assert Passage.objects.filter(pk__in=ids, recorded_by=staff).count() == 4
        staff.delete()
        assert list(Passage.objects.filter(pk__in=ids).values_list("recorded_by_id", flat=True)
                    ) == [None] * 4


class CheckpointDeletedTests(BaseTestCase):
    """A passage's checkpoint has no constraint in the database (a lock on the checkpoint's row
    per stored passage); the hour it is counted into has one. A checkpoint deleted after a
    request found it (it had no passages, or PROTECT would have kept it) takes no passage."""

    def test_it_stores_no_passage_at_a_checkpoint_deleted_meanwhile(self) -> None:
        staff = east_road_staff(self.world)
        gone = Checkpoint.objects.create(area=self.world.village_a1, code="EAST-2",
                                         name="East Road 2", kind=Checkpoint.Kind.ROAD)
        # What the request found: the checkpoint, in the user's scope.
        batch = Batch(now=timezone.now(), checkpoints={gone.pk: gone}, destinations={},
                      fever_threshold=Decimal("37.3"))
        found, errors = clean_item(item(checkpoint_id=gone.pk), uuid.uuid4(), batch)
        assert found is not None, errors
        gone_pk = gone.pk
        gone.delete()
        with self.assertRaises(IntegrityError), transaction.atomic():
            passage_rows.store([Row(found)], staff.pk, batch.now)
            connection.check_constraints()  # as a commit would
        assert not Passage.objects.filter(checkpoint_id=gone_pk).exists()
        assert not PassageHour.objects.filter(checkpoint_id=gone_pk).exists()
