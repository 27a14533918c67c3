"""A small outbreak in town A (and one case in town B) over four days, for the figure tests.

Days: d0 = today - 3, d1, d2 = yesterday, d3 = today.
- p1 (grid A1-1): fever d0, suspected d1, confirmed d2, admitted d3; onset d0; tested d2 (negative).
- p2 (grid A1-1): close contact d0, quarantined d1 (home, ended d2 escalated), asymptomatic d2
  after a positive test (sampled d1), confirmed d3.
- p3 (grid A1-2): fever d2, excluded d3.
- p4 (grid A2-1): close contact d2, centralized quarantine from d2 (one follow-up done, one missed).
- p6 (grid A1-2): close contact d0, quarantined d0 (home), released d2.
- p5 (grid B1-1, town B): confirmed d2.
- an unmatched sample at the district's lab, pending since d2; a discarded one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from epigrid.cases import services
from epigrid.cases.models import (
    Case,
    Evidence,
    FollowUp,
    Lab,
    LabTest,
    MissedFollowUp,
    Quarantine,
)
from epigrid.cases.states import State
from epigrid.registry import services as registry
from epigrid.registry.models import Person
from tests.base import World


def noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def early(day: datetime.date) -> datetime.datetime:
    """A minute after midnight: today's moves stay in the past whenever the test runs."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(0, 1)))


@dataclass
class Outbreak:
    d0: datetime.date
    d1: datetime.date
    d2: datetime.date
    d3: datetime.date
    cases: dict[str, Case]
    quarantines: dict[str, Quarantine]


def _move(case: Case, state: str, at: datetime.datetime) -> Case:
    services.transition(case, state, reason="test", at=at, evidence=Evidence.TEST)
    return Case.objects.get(pk=case.pk)


def _quarantine(case: Case, kind: str, starts: datetime.date, **fields: object) -> Quarantine:
    return Quarantine.objects.create(case=case, area_path=case.area_path, kind=kind,
                                     starts_on=starts,
                                     planned_end=starts + datetime.timedelta(days=14), **fields)


def outbreak(w: World) -> Outbreak:
    d3 = timezone.localdate()
    d0, d1, d2 = (d3 - datetime.timedelta(days=n) for n in (3, 2, 1))
    p3 = registry.create_person(grid=w.grid_a1_2, name="Qian Hao")
    p4 = registry.create_person(grid=w.grid_a2_1, name="Zhou Yan")
    p6 = registry.create_person(grid=w.grid_a1_2, name="Feng Bo")

    def open_(person: Person, state: str, day: datetime.date,
              onset: datetime.date | None = None) -> Case:
        return services.open_case(person, state, reason="test", at=noon(day), onset_date=onset,
                                  evidence=Evidence.TEST)

    c1 = open_(w.person_a, State.FEVER, d0, onset=d0)
    c1 = _move(c1, State.SUSPECTED, noon(d1))
    c1 = _move(c1, State.CONFIRMED, noon(d2))
    c1 = _move(c1, State.ADMITTED, early(d3))
    c2 = open_(w.person_a2, State.CLOSE_CONTACT, d0)
    c2 = _move(c2, State.QUARANTINED, noon(d1))
    c2 = _move(c2, State.ASYMPTOMATIC, noon(d2))
    c2 = _move(c2, State.CONFIRMED, early(d3))
    c3 = open_(p3, State.FEVER, d2)
    c3 = _move(c3, State.EXCLUDED, early(d3))
    c4 = open_(p4, State.CLOSE_CONTACT, d2)
    c6 = open_(p6, State.CLOSE_CONTACT, d0)
    c6 = _move(c6, State.QUARANTINED, noon(d0))
    c6 = _move(c6, State.RELEASED, noon(d2))
    c5 = open_(w.person_b, State.CONFIRMED, d2)

    q2 = _quarantine(c2, Quarantine.Kind.HOME, d1, ended_on=d2,
                     outcome=Quarantine.Outcome.ESCALATED)
    q4 = _quarantine(c4, Quarantine.Kind.CENTRALIZED, d2, site=w.facility_a)
    q6 = _quarantine(c6, Quarantine.Kind.HOME, d0, ended_on=d2,
                     outcome=Quarantine.Outcome.RELEASED)
    FollowUp.objects.create(quarantine=q4, area_path=q4.area_path, day=d2,
                            slot=FollowUp.Slot.MORNING, temperature=Decimal("36.5"))
    MissedFollowUp.objects.create(quarantine=q4, area_path=q4.area_path, day=d2,
                                  slot=FollowUp.Slot.EVENING)

    lab = Lab.objects.create(area=w.district, code="LAB-1", name="District CDC lab")
    matched = {"match": LabTest.Match.MATCHED}
    LabTest.objects.create(lab=lab, sample_id="S1", person=w.person_a2,
                           area_path=w.person_a2.area_path, sampled_at=noon(d1),
                           resulted_at=noon(d2), result=LabTest.Result.POSITIVE, **matched)
    LabTest.objects.create(lab=lab, sample_id="S2", person=w.person_a,
                           area_path=w.person_a.area_path, sampled_at=noon(d2),
                           resulted_at=noon(d2), result=LabTest.Result.NEGATIVE, **matched)
    LabTest.objects.create(lab=lab, sample_id="S3", area_path=w.district.path, name="Unknown",
                           sampled_at=noon(d2), match=LabTest.Match.UNMATCHED)
    LabTest.objects.create(lab=lab, sample_id="S4", area_path=w.district.path, name="Void",
                           sampled_at=noon(d2), match=LabTest.Match.DISCARDED)
    return Outbreak(d0=d0, d1=d1, d2=d2, d3=d3,
                    cases={"p1": c1, "p2": c2, "p3": c3, "p4": c4, "p5": c5, "p6": c6},
                    quarantines={"p2": q2, "p4": q4, "p6": q6})
