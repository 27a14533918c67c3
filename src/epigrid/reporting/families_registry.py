"""Registry figures 摸排数据: households and persons registered, door-to-door screening 摸排
of the day.

Counted per grid in three GROUP BY queries, each read from one index: households and persons by
grid id (their foreign keys' indexes, which B-tree deduplication keeps small: 11 million persons
in a few tens of MB; a record's `area_path` is its grid's path), and the visits of the campaigns
running on the day with the screened and abnormal persons each visit counts of its screenings.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from epigrid.areas.models import Area
from epigrid.core.days import day_bounds
from epigrid.registry.models import Household, HouseholdVisit, Person
from epigrid.reporting.metrics import Family, Leaves, Metric, Rise, Rollup, Unit, register


def _households(area_id: int, day: datetime.date) -> str:
    return reverse("registry:household_list") + f"?area={area_id}"


def _persons(area_id: int, day: datetime.date) -> str:
    return reverse("registry:person_list") + f"?area={area_id}"


def _progress(area_id: int, day: datetime.date) -> str:
    return reverse("registry:progress_index")


def compute(day: datetime.date, at: datetime.datetime) -> Leaves:
    _start, end = day_bounds(day)
    leaves: Leaves = defaultdict(dict)
    # A day not over yet has every row registered so far (none is created in the future): no
    # filter on created_at, which no index holds, so the count reads the (area_path, id) index
    # alone instead of every row of 11 million.
    registered = Q() if end > timezone.now() else Q(created_at__lt=end)
    paths = dict(Area.objects.values_list("id", "path"))
    for model, code in ((Household, "households_registered"), (Person, "persons_registered")):
        rows = (model.objects.filter(registered).order_by().values("grid_id")
                .annotate(n=Count("grid_id")).values_list("grid_id", "n"))
        for grid_id, n in rows:
            leaves[paths[grid_id]][code] = n
    running = Q(campaign__starts_on__lte=day, campaign__ends_on__gte=day, visited_on__lte=day)
    today_only = Q(visited_on=day)
    visits = (HouseholdVisit.objects.filter(running).order_by().values("area_path")
              .annotate(total=Count("visited_on"), today=Count("visited_on", filter=today_only),
                        screened=Coalesce(Sum("persons_screened", filter=today_only), 0),
                        abnormal=Coalesce(Sum("persons_abnormal", filter=today_only), 0))
              .values_list("area_path", "total", "today", "screened", "abnormal"))
    for path, total, today, screened, abnormal in visits:
        values = leaves[path]
        values["households_visited_campaign"] = total
        values["households_visited_today"] = today
        values["persons_screened_today"] = screened
        values["persons_abnormal_today"] = abnormal
    return leaves


FAMILY = register(Family(key="registry", name=_("Registry and screening"), order=10,
                         compute=compute, metrics=(
    Metric("households_registered", _("Households registered"), Unit.HOUSEHOLDS, Rollup.LATEST,
           _("Households registered by the end of the day."), drill_down=_households,
           rise=Rise.NEUTRAL),
    Metric("persons_registered", _("Persons registered"), Unit.PERSONS, Rollup.LATEST,
           _("Persons registered by the end of the day."), drill_down=_persons,
           rise=Rise.NEUTRAL),
    Metric("households_visited_today", _("Households visited today"), Unit.HOUSEHOLDS,
           Rollup.SUM, _("Household visits of screening campaigns recorded for the day."),
           drill_down=_progress, rise=Rise.BETTER),
    Metric("households_visited_campaign", _("Households visited in running campaigns"),
           Unit.HOUSEHOLDS, Rollup.LATEST,
           _("Household visits up to the day in the campaigns running on the day."),
           drill_down=_progress, rise=Rise.BETTER),
    Metric("persons_screened_today", _("Persons screened today"), Unit.PERSONS, Rollup.SUM,
           _("Persons present at the day's visits."), drill_down=_progress, rise=Rise.BETTER),
    Metric("persons_abnormal_today", _("Persons with an abnormal screening"), Unit.PERSONS,
           Rollup.SUM, _("Persons of the day's visits whose outcome was not normal "
                         "(fever clinic, home quarantine, report to the village)."),
           drill_down=_progress),
)))
