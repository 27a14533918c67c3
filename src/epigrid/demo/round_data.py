"""The grid worker's morning 每日随访 (SCENARIOS.md, 07:30): on her round, beside the households
to visit, two people of her grid in home quarantine whose morning temperature is due.

A returnee from a key area living in her grid went to the fever clinic four days ago and was
confirmed the next day; the two others of his household have been close contacts in home
quarantine since the day after (today is their third day). A story of the demo's outbreak,
told the way its other stories are (outbreak_data), so the figures count it like any other.
"""

from __future__ import annotations

import datetime

from django.db.models import Count

from epigrid.areas.models import Area
from epigrid.cases.models import Evidence, Exposure, LabTest, Origin, Quarantine, Source
from epigrid.cases.states import State
from epigrid.demo.outbreak_data import KEY_AREAS, Outbreak, Story, at_hour
from epigrid.demo.personas import home_areas
from epigrid.registry.models import Person

HOUSEHOLD_SIZE = 3  # the returnee and the two in quarantine
QUARANTINE_DAY = 3  # today is their third day


def _household(grid: Area, taken: set[int]) -> list[Person]:
    """The persons of the grid's first household of three none of whom has a story yet."""
    sizes = (Person.objects.filter(area_path__startswith=grid.path, household__isnull=False)
             .values("household_id").annotate(n=Count("id")).filter(n=HOUSEHOLD_SIZE)
             .order_by("household_id").values_list("household_id", flat=True))
    for household_id in sizes[:20]:
        members = list(Person.objects.filter(household_id=household_id).order_by("pk"))
        if not {member.pk for member in members} & taken:
            return members
    return []


def returnee_at_home(outbreak: Outbreak, grid: Area | None) -> int:
    """Tell the returnee's story and his household's in `outbreak`; the persons it tells of."""
    members = _household(grid, set(outbreak.stories)) if grid is not None else []
    if not members:
        return 0
    returnee, *household = members
    today = outbreak.today
    started = today - datetime.timedelta(days=QUARANTINE_DAY - 1)
    confirmed = started - datetime.timedelta(days=1)
    visit = confirmed - datetime.timedelta(days=1)
    story = outbreak.stories[returnee.pk] = Story(
        returnee, source=Source.CLINIC, origin=Origin.IMPORTED,
        imported_from=returnee.returnee_origin or KEY_AREAS[0])
    outbreak.infected += 1
    story.onset = visit - datetime.timedelta(days=1)
    story.move(State.FEVER, at_hour(visit, 10), "发热门诊就诊")
    story.tests.append((at_hour(visit, 11), LabTest.Result.POSITIVE))
    story.move(State.SUSPECTED, at_hour(visit, 14), "肺部CT异常")
    story.move(State.CONFIRMED, at_hour(confirmed, 9), "核酸阳性", Evidence.TEST)
    outbreak.treat(story)
    for member in household:
        outbreak.exposures.append(Exposure(
            source=returnee, contact=member, area_path=returnee.area_path,
            exposed_on=visit - datetime.timedelta(days=1), setting=Exposure.Setting.HOUSEHOLD))
        contact = outbreak.stories[member.pk] = Story(member)
        contact.move(State.CLOSE_CONTACT, at_hour(started, 9), "流调判定为密接")
        contact.quarantine = (Quarantine.Kind.HOME, started)
        contact.move(State.QUARANTINED, at_hour(started, 12), "落实居家隔离")
        outbreak.release(contact)  # its tests so far; no release before day 14
    return len(members)


def grid_workers_morning(outbreak: Outbreak) -> int:
    """returnee_at_home() in the demo grid worker's grid (demo.personas)."""
    return returnee_at_home(outbreak, home_areas()["grid"])
