"""Registry figures 摸排数据: households and persons registered, door-to-door screening 摸排
of the day.

Counted per grid (the records' `area_path`) in three GROUP BY queries: households, persons, and
the visits with their screened persons (campaigns running on the day).
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from epigrid.cases.figures import day_bounds
from epigrid.registry.models import Household, HouseholdVisit, Outcome, Person
from epigrid.reporting.metrics import Family, Leaves, Metric, Rollup, Unit, register


def _households(area_id: int, day: datetime.date) -> str:
    return reverse("registry:household_list") + f"?area={area_id}"


def _persons(area_id: int, day: datetime.date) -> str:
    return reverse("registry:person_list") + f"?area={area_id}"


def _progress(area_id: int, day: datetime.date) -> str:
    return reverse("registry:progress_index")


def compute(day: datetime.date, at: datetime.datetime) -> Leaves:
    _start, end = day_bounds(day)
    leaves: Leaves = defaultdict(dict)
    for model, code in ((Household, "households_registered"), (Person, "persons_registered")):
        rows = (model.objects.filter(created_at__lt=end).order_by().values("area_path")
                .annotate(n=Count("id")).values_list("area_path", "n"))
        for path, n in rows:
            leaves[path][code] = n
    running = Q(campaign__starts_on__lte=day, campaign__ends_on__gte=day, visited_on__lte=day)
    visits = (HouseholdVisit.objects.filter(running).order_by().values("area_path")
              .annotate(total=Count("id", distinct=True),
                        today=Count("id", distinct=True, filter=Q(visited_on=day)),
                        screened=Count("persons", filter=Q(visited_on=day,
                                                           persons__present=True)),
                        abnormal=Count("persons", filter=Q(visited_on=day, persons__present=True)
                                       & ~Q(persons__outcome=Outcome.NORMAL)))
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
           _("Households registered by the end of the day."), drill_down=_households),
    Metric("persons_registered", _("Persons registered"), Unit.PERSONS, Rollup.LATEST,
           _("Persons registered by the end of the day."), drill_down=_persons),
    Metric("households_visited_today", _("Households visited today"), Unit.HOUSEHOLDS,
           Rollup.SUM, _("Household visits of screening campaigns recorded for the day."),
           drill_down=_progress),
    Metric("households_visited_campaign", _("Households visited in running campaigns"),
           Unit.HOUSEHOLDS, Rollup.LATEST,
           _("Household visits up to the day in the campaigns running on the day."),
           drill_down=_progress),
    Metric("persons_screened_today", _("Persons screened today"), Unit.PERSONS, Rollup.SUM,
           _("Persons present at the day's visits."), drill_down=_progress),
    Metric("persons_abnormal_today", _("Persons with an abnormal screening"), Unit.PERSONS,
           Rollup.SUM, _("Persons of the day's visits whose outcome was not normal "
                         "(fever clinic, home quarantine, report to the village)."),
           drill_down=_progress),
)))
