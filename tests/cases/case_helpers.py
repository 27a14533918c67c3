"""Cases of the test world for the case pages and API: Wang Jun (town A) is a fever patient,
Zhao Min (town B) a close contact; both opened two hours ago, so later moves may be dated now."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from epigrid.cases import services
from epigrid.cases.models import Case, Source
from epigrid.cases.states import State
from tests.base import World


def hours_ago(hours: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(hours=hours)


def open_case(person: Any, state: str = State.FEVER, *, by: Any = None, hours: float = 2,
              **fields: Any) -> Case:
    fields.setdefault("reason", "38.6 at the morning follow-up")
    return services.open_case(person, state, by=by, at=hours_ago(hours), **fields)


def town_a_case(w: World) -> Case:
    """Wang Jun's open fever case (the same one however often it is asked for)."""
    found = Case.objects.filter(person=w.person_a, is_open=True).first()
    return found or open_case(w.person_a, by=w.alice, source=Source.CLINIC)


def town_b_case(w: World) -> Case:
    found = Case.objects.filter(person=w.person_b, is_open=True).first()
    return found or open_case(w.person_b, State.CLOSE_CONTACT, by=w.bob,
                              source=Source.TRACING, reason="shared a meal with a case")
