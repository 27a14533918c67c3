"""Properties of hours served 服务时长.

- `parse_hours` takes exactly the half hours in (0, 24] from any decimal string, whatever its
  spelling, and answers None (never raises) for anything else.
- Whatever desks try to record (and withdraw), in any order, a volunteer's day holds at most
  24 hours and a project at most one record of a volunteer's day: the records are exactly those
  a plain reading of the rules keeps.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from epigrid.volunteers import services
from epigrid.volunteers.models import DAY_HOURS, ServiceRecord
from epigrid.volunteers.services import parse_hours
from tests.volunteers.helpers import VolunteersTestCase, days

HALF = Decimal("0.5")


def in_halves(value: Decimal) -> bool:
    """The rule read plainly, in exact fractions (the oracle)."""
    if not value.is_finite() or not HALF <= value <= DAY_HOURS:
        return False  # below half an hour no value is a whole number of halves
    return (Fraction(value) * 2).denominator == 1


spellings = st.sampled_from([str, lambda d: format(d, "f"), lambda d: format(d, "e"),
                             lambda d: f"  {d}\t", lambda d: str(d).lower()])


@given(st.decimals(allow_nan=True, allow_infinity=True), spellings)
@example(Decimal("1E-999999999"), str)  # a remainder that underflowed to 0 once passed
@example(Decimal("0.5" + "0" * 40 + "1"), str)  # past the context's 28 digits
@example(Decimal("24.0000000000000000000000000000001"), str)
@example(Decimal("0.5" + "0" * 60), str)
@example(Decimal("-0"), str)
@example(Decimal("sNaN"), str)
def test_it_takes_exactly_the_half_hours_of_a_day(value: Decimal, spell: Any) -> None:
    parsed = parse_hours(spell(value))
    if in_halves(value):
        assert parsed == value
        assert parsed is not None and parsed.as_tuple().exponent == -1  # as stored
    else:
        assert parsed is None


@given(st.integers(1, 48), spellings)
def test_every_half_hour_of_a_day_is_taken(halves: int, spell: Any) -> None:
    assert parse_hours(spell(Decimal(halves) / 2)) == Decimal(halves) / 2


@given(st.one_of(st.text(), st.floats(), st.integers(), st.none(), st.booleans()))
def test_it_never_raises(raw: Any) -> None:
    parsed = parse_hours(raw)
    assert parsed is None or in_halves(parsed)


attempts = st.lists(st.tuples(
    st.sampled_from(["record", "record", "record", "withdraw"]),
    st.integers(0, 2),  # which project
    st.integers(0, 1),  # which volunteer
    st.integers(-3, -1),  # which day
    st.sampled_from(["0.5", "4", "4.5", "8", "12", "20", "24", "0", "24.5", "1.3"])),
    max_size=14)


class RecordSequenceTests(TestCase, VolunteersTestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(attempts)
    def test_no_day_holds_more_than_24_hours_nor_a_project_two_records(
            self, tries: list[tuple[str, int, int, int, str]]) -> None:
        projects = [self.project(name=f"Project {n}") for n in range(3)]
        volunteers = [self.volunteer(name=f"Volunteer {n}") for n in range(2)]
        kept: dict[tuple[int, int, int], Decimal] = {}  # what the rules keep, read plainly
        for action, p, v, day, hours in tries:
            key = (p, v, day)
            if action == "withdraw":
                record = ServiceRecord.objects.filter(
                    project=projects[p], volunteer=volunteers[v], served_on=days(day)).first()
                if record is not None:
                    services.withdraw_hours(record, by=self.world.alice)
                    del kept[key]
                continue
            amount = parse_hours(hours)
            that_day = sum((h for (_, w, d), h in kept.items() if (w, d) == (v, day)),
                           Decimal(0))
            allowed = (amount is not None and key not in kept
                       and that_day + amount <= DAY_HOURS)
            try:
                self.hours(projects[p], volunteers[v], hours, served_on=days(day))
            except ValidationError:
                assert not allowed, (key, hours, kept)
            else:
                assert allowed, (key, hours, kept)
                assert amount is not None
                kept[key] = amount
        stored = {(projects.index(r.project), volunteers.index(r.volunteer),
                   (r.served_on - days(0)).days): r.hours
                  for r in ServiceRecord.objects.select_related("project", "volunteer")}
        assert stored == kept
        by_day = ServiceRecord.objects.values("volunteer", "served_on").annotate(
            total=Sum("hours"))
        assert all(row["total"] <= DAY_HOURS for row in by_day)
        twice = ServiceRecord.objects.values("project", "volunteer", "served_on").annotate(
            n=Count("id")).filter(n__gt=1)
        assert not twice.exists()
