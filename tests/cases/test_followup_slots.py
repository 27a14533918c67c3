"""Which slots count as missed: properties of the deadline rule over any times (hypothesis)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from epigrid.cases import followup as f

BASE = datetime.date(2020, 2, 10)
moments = st.builds(lambda day, minute: timezone.make_aware(datetime.datetime.combine(
    BASE + datetime.timedelta(days=day), datetime.time()) + datetime.timedelta(minutes=minute)),
    st.integers(0, 6), st.integers(0, 24 * 60 - 1))


@given(created=moments, now=moments, start_offset=st.integers(-2, 3),
       lookback=st.integers(0, 4))
def test_it_flags_exactly_the_slots_due_after_placement_and_before_now(
        created: datetime.datetime, now: datetime.datetime, start_offset: int,
        lookback: int) -> None:
    starts_on = timezone.localdate(created) + datetime.timedelta(days=start_offset)
    first = timezone.localdate(now) - datetime.timedelta(days=lookback)
    quarantine = {"starts_on": starts_on, "created_at": created}
    found = list(f._empty_slots(quarantine, now, first))
    expected = []
    day = min(starts_on, first) - datetime.timedelta(days=1)
    while day <= timezone.localdate(now) + datetime.timedelta(days=1):
        for slot in f.SLOTS:
            due = f.deadline(day, slot)
            if day >= starts_on and day >= first and created < due < now:
                expected.append((day, slot))
        day += datetime.timedelta(days=1)
    assert found == expected
    assert len(set(found)) == len(found)


@given(st.decimals(min_value=Decimal("30.0"), max_value=Decimal("45.0"), places=1))
def test_it_calls_a_reading_abnormal_from_37_3_up(temperature: Decimal) -> None:
    assert f.is_abnormal(temperature, "") == (temperature >= Decimal("37.3"))
    assert f.is_abnormal(temperature, "cough")
