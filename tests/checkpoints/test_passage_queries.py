"""What a passage costs the database: a device's single passage in two queries on PostgreSQL,
a batch in as many queries whatever its size, and the hand-written checkpoint look-up that
saves the ORM's compiling holding to the same rule as `checkpoints_for_logging`."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from epigrid.accounts.models import User
from epigrid.accounts.services import create_api_token, create_user
from epigrid.areas.models import Area
from epigrid.checkpoints.models import Passage, PassageHour
from epigrid.checkpoints.passage_scope import loggable_checkpoints
from epigrid.checkpoints.passages import checkpoints_for_logging
from epigrid.core.access import Role
from tests.base import ID_A, ID_B, PASSWORD, BaseTestCase
from tests.checkpoints.passage_helpers import east_road_staff, item, items

SINGLE = "/api/passages"
BATCH = "/api/passages/batch"


def statements(captured: CaptureQueriesContext) -> list[str]:
    """The queries a request ran, less the savepoints of the test's own transaction."""
    return [query["sql"] for query in captured.captured_queries
            if not query["sql"].upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


class PassageQueryTests(BaseTestCase):
    def setUp(self) -> None:
        self.staff = east_road_staff(self.world)
        _token, key = create_api_token(self.staff, "East Road phone")
        self.device = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
        self.device.get("/api/accounts/me")  # "last used" is written once a minute: now

    def send(self, url: str, body: Any) -> tuple[Any, list[str]]:
        with CaptureQueriesContext(connection) as captured:
            response = self.device.post(url, json.dumps(body), content_type="application/json")
        assert response.status_code in (200, 201), response.content
        return response.json(), statements(captured)

    def test_a_single_passage_costs_its_token_and_one_statement(self) -> None:
        body, queries = self.send(SINGLE, item(checkpoint_id=self.world.checkpoint_a.pk))
        assert body["result"] == "stored"
        # PostgreSQL checks the checkpoint, inserts the passage and adds it to its hour in one
        # statement (no transaction of its own); SQLite looks the checkpoint up first and
        # upserts the hour after the insert.
        assert len(queries) == (2 if connection.vendor == "postgresql" else 4), queries
        assert "FROM \"accounts_apitoken\"" in queries[0]
        assert PassageHour.objects.get().passages_in == 1

    def test_an_id_number_s_person_is_matched_in_it_and_a_resend_adds_the_stored_id(self) -> None:
        first = item(checkpoint_id=self.world.checkpoint_a.pk, id_number=ID_A)
        stored, queries = self.send(SINGLE, first)
        assert len(queries) == (2 if connection.vendor == "postgresql" else 5), queries
        again, queries = self.send(SINGLE, first)
        assert (again["result"], again["id"]) == ("duplicate", stored["id"])
        assert len(queries) == (3 if connection.vendor == "postgresql" else 5), queries
        assert Passage.objects.get().person == self.world.person_a
        assert PassageHour.objects.get().passages_in == 1  # the resend is not counted again

    def test_a_batch_costs_as_many_queries_for_500_passages_as_for_5(self) -> None:
        cp = self.world.checkpoint_a.pk

        def batch(n: int) -> list[dict[str, Any]]:
            """n passages shaped alike: a refused one, a repeat, a vehicle, ID numbers."""
            repeated = item()
            return [*items(n - 5), repeated, repeated, item(temperature="33"),
                    item(kind="vehicle", plate="鄂A12345", passengers=3),
                    item(id_number=ID_B)]

        small, few = self.send(BATCH, {"checkpoint_id": cp, "passages": batch(5)})
        large, many = self.send(BATCH, {"checkpoint_id": cp, "passages": batch(500)})
        assert (small["stored"], small["duplicates"], small["errors"]) == (3, 1, 1)
        assert (large["stored"], large["duplicates"], large["errors"]) == (498, 1, 1)
        assert len(many) == len(few), (few, many)
        assert sum(PassageHour.objects.values_list("passages_in", flat=True)) == 501

    def test_fevers_notify_in_as_many_queries_for_five_as_for_one(self) -> None:
        cp = self.world.checkpoint_a.pk
        _one, few = self.send(BATCH, {"checkpoint_id": cp,
                                      "passages": [item(temperature="38.5"), *items(4)]})
        _five, many = self.send(BATCH, {"checkpoint_id": cp,
                                        "passages": items(5, temperature="38.5")})
        assert len(many) == len(few), (few, many)
        assert sum(PassageHour.objects.values_list("fevers", flat=True)) == 6


class LoggableCheckpointTests(BaseTestCase):
    def test_the_hand_written_look_up_answers_like_the_rule_for_every_role(self) -> None:
        w = self.world
        staff = east_road_staff(w)
        idle = create_user(username="guard_zhang", password=PASSWORD,
                           role=Role.CHECKPOINT_STAFF, home_area=w.village_b1)
        gone = create_user(username="gone", password=PASSWORD, role=Role.AREA_OFFICER,
                           home_area=w.town_a)
        User.objects.filter(pk=gone.pk).update(is_active=False)
        gone.refresh_from_db()
        ids = {w.checkpoint_a.pk, w.checkpoint_b.pk, 999_999}
        people = [w.admin, w.command, w.alice, w.bob, w.li, w.medic, w.stranger, staff, idle,
                  gone]
        for user in people:
            expected = set(checkpoints_for_logging(user).filter(pk__in=ids)
                           .values_list("pk", flat=True))
            found = loggable_checkpoints(user, ids)
            assert set(found) == expected, user.username
            for checkpoint in found.values():
                assert checkpoint.area.path == Area.objects.get(pk=checkpoint.area_id).path
        assert set(loggable_checkpoints(staff, ids)) == {w.checkpoint_a.pk}
        assert set(loggable_checkpoints(w.bob, ids)) == {w.checkpoint_b.pk}
        assert loggable_checkpoints(w.stranger, ids) == {}
        assert loggable_checkpoints(staff, set()) == {}

    def test_its_checkpoints_load_their_other_fields_when_read(self) -> None:
        w = self.world
        found = loggable_checkpoints(w.admin, {w.checkpoint_a.pk})[w.checkpoint_a.pk]
        with self.assertNumQueries(0):
            assert (found.name, found.area.path, found.active) == (
                "East Road Checkpoint", w.village_a1.path, True)
        with self.assertNumQueries(1):  # deferred, as with .only()
            assert str(found.latitude) == "30.600000"


class PassageIndexTests(BaseTestCase):
    def test_a_passage_s_checkpoint_is_indexed_once_leading_the_time_index(self) -> None:
        """Every stored passage pays for each index: the checkpoint's own one is left out, the
        (checkpoint, at) index serves look-ups by checkpoint."""
        with connection.cursor() as cursor:
            found = connection.introspection.get_constraints(cursor, Passage._meta.db_table)
        indexed = [tuple(c["columns"]) for c in found.values()
                   if c["index"] and c["columns"] and c["columns"][0] == "checkpoint_id"]
        assert indexed == [("checkpoint_id", "at")]
