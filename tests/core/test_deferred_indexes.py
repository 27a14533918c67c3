"""Loading rows with the secondary indexes and foreign keys set aside: they come back, exactly
the ones Django's migrations made, even when the load fails."""

from __future__ import annotations

import unittest

import pytest
from django.db import IntegrityError, connection
from django.test import TestCase

from epigrid.core.deferred_indexes import deferred_indexes
from epigrid.registry.models import Household, HouseholdVisit, Person, PersonScreening

MODELS = (Household, Person, HouseholdVisit, PersonScreening)


def constraints() -> dict[str, dict[str, object]]:
    with connection.cursor() as cursor:
        return {f"{model._meta.db_table}.{name}": found for model in MODELS
                for name, found in connection.introspection.get_constraints(
                    cursor, model._meta.db_table).items()}


def index_definitions() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = ANY(%s)",
                       [[model._meta.db_table for model in MODELS]])
        return {row[0] for row in cursor.fetchall()}


@unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL only: elsewhere a no-op")
class DeferredIndexTests(TestCase):
    def test_it_drops_the_secondary_indexes_and_foreign_keys_and_restores_them(self) -> None:
        before, definitions = constraints(), index_definitions()
        with deferred_indexes(MODELS) as dropped:
            during = constraints()
        names = {f"{item.model._meta.db_table}.{item.name}" for item in dropped}
        person_columns = {tuple(before[name]["columns"]) for name in names  # type: ignore[arg-type]
                          if name.startswith("registry_person.")}
        assert {("area_path", "id"), ("id_number_hash",), ("name",)} <= person_columns
        assert any(item.kind == "foreign key" for item in dropped)
        # Primary keys, unique and check constraints stay; every dropped one was secondary.
        assert set(during) == set(before) - names
        assert all(found["primary_key"] or found["unique"] or found["check"]
                   for found in during.values())
        assert constraints() == before
        assert index_definitions() == definitions

    def test_it_restores_them_when_the_load_fails(self) -> None:
        before, definitions = constraints(), index_definitions()
        # A unique constraint still guards the load.
        with pytest.raises(IntegrityError), deferred_indexes(MODELS), \
                connection.cursor() as cursor:
            cursor.execute("INSERT INTO registry_duplicateresolution (id_number_hash, "
                           "resolved_at, note) VALUES ('h', now(), 'a'), ('h', now(), 'b')")
        assert constraints() == before
        assert index_definitions() == definitions

    def test_it_leaves_alone_an_index_the_database_lacks(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX registry_person_name_prefix")
        with deferred_indexes([Person]) as dropped:
            pass
        assert "registry_person_name_prefix" not in {item.name for item in dropped}
        assert "registry_person_name_prefix" not in constraints_of(Person)
        assert "registry_person_phone_h" in constraints_of(Person)


def constraints_of(model: type[Person]) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, model._meta.db_table))


class DeferredIndexElsewhereTests(TestCase):
    def test_it_just_runs_the_load_on_another_database(self) -> None:
        if connection.vendor == "postgresql":
            self.skipTest("the PostgreSQL tests above")
        with deferred_indexes(MODELS) as dropped:
            Household.objects.count()
        assert dropped == []
