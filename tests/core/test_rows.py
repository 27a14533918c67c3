"""core.rows: instances of hand-written SQL typed as the ORM types them, deferred where not
selected, and their queries counted like the ORM's."""

from __future__ import annotations

from types import SimpleNamespace

from django.db import connection
from django.test.utils import CaptureQueriesContext

from epigrid.areas.models import Checkpoint
from epigrid.core.rows import Columns, fetch_all
from tests.base import BaseTestCase

COLUMNS = Columns(Checkpoint, ("name", "id", "active", "created_at", "latitude"), "c")


class RowsTests(BaseTestCase):
    def load(self, pk: int) -> Checkpoint:
        table = connection.ops.quote_name(Checkpoint._meta.db_table)
        [row] = fetch_all(f"SELECT {COLUMNS.sql()} FROM {table} c WHERE c.id = %s", [pk])  # noqa: S608
        return COLUMNS.instance(row)

    def test_it_types_values_as_the_orm_does(self) -> None:
        site = self.world.checkpoint_a
        found = self.load(site.pk)
        expected = Checkpoint.objects.get(pk=site.pk)
        assert (found.pk, found.name, found.active, found.created_at, found.latitude) == (
            expected.pk, expected.name, True, expected.created_at, expected.latitude)
        assert found.active is True  # not SQLite's 1

    def test_it_selects_in_the_model_s_order_and_defers_the_rest(self) -> None:
        assert COLUMNS.attnames == ["id", "created_at", "name", "latitude", "active"]
        found = self.load(self.world.checkpoint_b.pk)
        with self.assertNumQueries(1):
            assert found.code == "CP-B-001"

    def test_its_queries_are_counted(self) -> None:
        with CaptureQueriesContext(connection) as captured:
            self.load(self.world.checkpoint_a.pk)
        assert len(captured.captured_queries) == 1

    def test_postgresql_prepares_them_after_the_configured_runs(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("PostgreSQL only")
        from django.conf import settings

        connection.ensure_connection()
        assert connection.connection.prepare_threshold == (settings.PREPARE_AFTER or None)
        for _ in range(settings.PREPARE_AFTER + 1):
            found = self.load(self.world.checkpoint_a.pk)
        assert found.name == "East Road Checkpoint"
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements "
                           "WHERE statement LIKE %s", ["%areas_checkpoint%"])
            assert cursor.fetchone()[0] >= 1

    def test_postgresql_keeps_one_binding_cursor_per_connection(self) -> None:
        """A cursor serves every query of its connection; another connection (Django's after
        reconnecting) gets a cursor of its own, as does a closed cursor's connection."""
        if connection.vendor != "postgresql":
            self.skipTest("PostgreSQL only")
        import psycopg

        from epigrid.core.rows import _binary_cursor

        connection.ensure_connection()
        db = SimpleNamespace(connection=connection.connection)
        first = _binary_cursor(db)
        assert _binary_cursor(db) is first and first.connection is connection.connection
        params = connection.get_connection_params()
        with psycopg.connect(**params) as other:
            db.connection = other
            second = _binary_cursor(db)
            assert second is not first and second.connection is other
            second.execute("SELECT %b::int", [7])
            assert second.fetchall() == [(7,)]
            second.close()
            assert _binary_cursor(db) is not second
