from __future__ import annotations

from django.db import transaction
from django.test import TestCase

from epigrid.areas.models import Area, Level
from epigrid.core.ids import IdPool, allocate_ids


class AllocateIdsTests(TestCase):
    def test_it_hands_out_fresh_ids_that_autoincrement_never_reuses(self) -> None:
        with transaction.atomic():
            first = allocate_ids(Area, 3)
        assert len(set(first)) == 3
        city = Area.objects.create(level=Level.CITY, code="110100000000", name="A")
        assert city.pk not in first
        with transaction.atomic():
            second = allocate_ids(Area, 2)
        assert min(second) > max(first) and min(second) > city.pk

    def test_it_allocates_nothing_for_zero(self) -> None:
        assert allocate_ids(Area, 0) == []

    def test_it_lets_rows_be_inserted_with_the_reserved_ids(self) -> None:
        with transaction.atomic():
            [pk] = allocate_ids(Area, 1)
            Area.objects.bulk_create([Area(pk=pk, level=Level.CITY, code="120100000000",
                                           name="B", path=f"{pk:08d}/")])
        after = Area.objects.create(level=Level.CITY, code="130100000000", name="C")
        assert after.pk > pk


class IdPoolTests(TestCase):
    def test_it_hands_out_reserved_ids_without_the_database(self) -> None:
        pool = IdPool(Area)
        with transaction.atomic():
            pool.reserve(3)
            pool.reserve(2)  # enough at hand: nothing more reserved
        assert len(pool.ids) == 3
        with self.assertNumQueries(0):
            first = pool.take(2)
            assert pool.take(2) is None  # too few: none taken
            second = pool.take(1)
        assert first is not None and second is not None
        assert first == sorted(first) and second[0] > first[-1]
        assert pool.take(0) == [] and pool.ids == []

    def test_it_tops_up_to_what_is_asked(self) -> None:
        pool = IdPool(Area)
        with transaction.atomic():
            pool.reserve(2)
            pool.take(1)
            pool.reserve(4)
        assert len(set(pool.ids)) == 4
