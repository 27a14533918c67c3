"""A campaign over the test district with a few visits, for the progress tests."""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone

from epigrid.areas.models import Area
from epigrid.registry import services as registry
from epigrid.registry.models import (
    Household,
    HouseholdVisit,
    Outcome,
    Person,
    PersonScreening,
    ScreeningCampaign,
)
from tests.base import World

DAY1 = datetime.date(2020, 2, 17)
DAY2 = datetime.date(2020, 2, 18)


def campaign_of(area: Area, name: str = "Round one") -> ScreeningCampaign:
    # bulk_create: the matrix counts audited writes, and a fixture is not one of the user's.
    existing = ScreeningCampaign.objects.filter(area=area, name=name).first()
    if existing is not None:
        return existing
    ScreeningCampaign.objects.bulk_create([ScreeningCampaign(
        area=area, area_path=area.path, name=name, starts_on=DAY1, ends_on=DAY2)])
    return ScreeningCampaign.objects.get(area=area, name=name)


def visit(campaign: ScreeningCampaign, household: Household, day: datetime.date,
          outcomes: dict[Person, str]) -> HouseholdVisit:
    made = HouseholdVisit.objects.create(
        campaign=campaign, household=household, area_path=household.area_path, visited_on=day,
        visited_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(10))),
        idempotency_key=uuid.uuid4())
    for person, outcome in outcomes.items():
        PersonScreening.objects.create(visit=made, person=person, outcome=outcome)
    return made


class Visited:
    """The district campaign: in town A, three households of grid A1-1 (two visited, day 1 and
    day 2) and one of A2-1 (visited day 2, one abnormal); town B's household unvisited."""

    def __init__(self, w: World) -> None:
        self.campaign = campaign_of(w.district)
        self.h2 = registry.create_household(grid=w.grid_a1_1, address="No. 15, East Lane")
        self.p2 = registry.create_person(grid=w.grid_a1_1, household=self.h2, name="Liu Fang")
        self.h3 = registry.create_household(grid=w.grid_a1_1, address="No. 16, East Lane")
        self.h4 = registry.create_household(grid=w.grid_a2_1, address="No. 2, Hill Road")
        self.p4 = registry.create_person(grid=w.grid_a2_1, household=self.h4, name="Gao Ming")
        self.p5 = registry.create_person(grid=w.grid_a2_1, household=self.h4, name="Gao Hua")
        self.visits = [
            visit(self.campaign, w.household_a, DAY1,
                  {w.person_a: Outcome.NORMAL, w.person_a2: Outcome.NORMAL}),
            visit(self.campaign, self.h2, DAY2, {self.p2: Outcome.NORMAL}),
            visit(self.campaign, self.h4, DAY2,
                  {self.p4: Outcome.FEVER_CLINIC, self.p5: Outcome.NORMAL}),
        ]
