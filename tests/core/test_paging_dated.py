"""Keyset pages by a date column, newest first, then id (`core.paging.page_after(dated_by=)`):
a ledger's lines by when they happened, however many share a moment; every row once, in order,
whatever the page size."""

from __future__ import annotations

import datetime

from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from epigrid.core.models import AuditEntry
from epigrid.core.paging import page_after

START = datetime.datetime(2020, 2, 1, 8, tzinfo=datetime.UTC)


def paged(size: int) -> list[int]:
    """Every page's ids, read through, following each page's cursor."""
    rows, after, seen = AuditEntry.objects.all(), None, list[int]()
    while True:
        items, after = page_after(rows, after, size, dated_by="at")
        seen += [item.pk for item in items]
        if after is None:
            return seen


class DatedPagesTests(TestCase):
    @settings(max_examples=40, deadline=None)
    @given(hours=st.lists(st.integers(min_value=0, max_value=3), max_size=12),
           size=st.integers(min_value=1, max_value=4))
    def test_it_reads_every_row_once_newest_first_then_by_id(self, hours: list[int],
                                                             size: int) -> None:
        AuditEntry.objects.all().delete()
        for hour in hours:  # few distinct moments: most rows share theirs with another
            entry = AuditEntry.objects.create(action="create", model="test.Row")
            AuditEntry.objects.filter(pk=entry.pk).update(
                at=START + datetime.timedelta(hours=hour))
        expected = list(AuditEntry.objects.order_by("-at", "-pk").values_list("pk", flat=True))
        self.assertEqual(paged(size), expected)

    def test_it_starts_again_from_nothing_after_a_row_not_among_them(self) -> None:
        entry = AuditEntry.objects.create(action="create", model="test.Row")
        items, after = page_after(AuditEntry.objects.exclude(pk=entry.pk), entry.pk, 5,
                                  dated_by="at")
        self.assertEqual((items, after), ([], None))
        self.assertLess(abs((timezone.now() - entry.at).total_seconds()), 60)
