from __future__ import annotations

from django.db import transaction
from django.test import TestCase

from epigrid.areas.models import Area, Level
from epigrid.core.ids import allocate_ids


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
