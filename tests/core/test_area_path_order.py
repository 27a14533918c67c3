"""Area paths compare byte by byte whatever the database's locale: the subtree ranges and every
ORDER BY path rely on it. A PostgreSQL database created under zh_CN.UTF-8 or en_US.UTF-8 would
otherwise sort "~" before the digits and leave every child out of its parent's range."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection, models
from django.test import TestCase

from epigrid.areas.models import Area
from epigrid.core.access import PATH_END, AreaPathField, subtree_q
from tests.base import BaseTestCase


def path_fields() -> list[tuple[type[models.Model], models.Field]]:  # type: ignore[type-arg]
    """Every concrete field of epigrid's models that holds an area path, by its name."""
    return [(model, field) for model in apps.get_models()
            if model.__module__.startswith("epigrid.")
            for field in model._meta.concrete_fields
            if field.name == "path" or field.name.endswith("_path")]


class AreaPathFieldTests(TestCase):
    def test_it_is_the_field_of_every_area_path(self) -> None:
        found = path_fields()
        assert len(found) >= 30
        plain = [f"{model.__name__}.{field.name}" for model, field in found
                 if not isinstance(field, AreaPathField)]
        assert plain == []

    def test_it_gives_every_column_the_c_collation_on_postgresql(self) -> None:
        if connection.vendor != "postgresql":
            pytest.skip("PostgreSQL's collations (SQLite compares bytes already)")
        with connection.cursor() as cursor:
            cursor.execute("SELECT table_name, column_name, collation_name "
                           "FROM information_schema.columns WHERE table_schema = current_schema()")
            collations = {(table, column): collation for table, column, collation in cursor}
        wrong = [(model._meta.db_table, field.column,
                  collations.get((model._meta.db_table, field.column)))
                 for model, field in path_fields()
                 if collations.get((model._meta.db_table, field.column)) != "C"]
        assert wrong == []

    def test_it_shows_what_a_locales_order_would_do(self) -> None:
        if connection.vendor != "postgresql":
            pytest.skip("PostgreSQL's ICU collations")
        child, parent = "00000001/00000002/00000003/", "00000001/00000002/"
        with connection.cursor() as cursor:
            cursor.execute('SELECT %s < %s COLLATE "und-x-icu", %s < %s COLLATE "C"',
                           [child, parent + PATH_END] * 2)
            assert cursor.fetchone() == (False, True)


class SubtreeRangeTests(BaseTestCase):
    def test_it_holds_the_children_and_not_the_neighbours(self) -> None:
        w = self.world
        town = set(Area.objects.filter(subtree_q("path", w.town_a.path)))
        assert {w.town_a, w.village_a1, w.village_a2, w.grid_a1_1, w.grid_a2_1} <= town
        assert w.town_b not in town and w.village_b1 not in town
        ordered = list(Area.objects.filter(subtree_q("path", w.town_a.path))
                       .order_by("path").values_list("path", flat=True))
        assert ordered == sorted(ordered) and ordered[0] == w.town_a.path
