"""Volunteer figures 志愿服务: volunteers serving and who served, hours served 服务时长.

Two GROUP BY queries by the records' area path, read through the foreign key (volumes are
small: tens of thousands of volunteers, a few hundred thousand records): the volunteers, by the
area they registered in, serving on the day and having served on it (each volunteer once,
however many projects); the hours served on the day, by the area of the project. A record
entered after the moment of the count (`at`) is left out, so a past day is counted as the
records stood then. Who is serving is counted for today only (`snapshot`), as mobilization's
people on duty are.

Hours are recorded in half hours and a figure is a whole number: each area's hours are rounded
along the areas in path order, carrying the half hours over (`_whole_hours`), so that every
area's figure, its own or its subtree's, is its hours to the hour below or above and the
whole tree's is its hours rounded.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from epigrid.reporting.metrics import (
    DrillDown,
    Family,
    Leaves,
    Metric,
    Rise,
    Rollup,
    Unit,
    put,
    register,
)
from epigrid.volunteers.models import ServiceRecord, Volunteer, serving_q


def _list(name: str, status: str) -> DrillDown:
    # "any" for a figure of a past day: who served then may have left since, their project
    # closed since (the lists show today's volunteers and open projects by default).
    def url(area_id: int, day: datetime.date) -> str:
        return reverse(name) + f"?area={area_id}&status={status}"
    return url


def _volunteers(day: datetime.date, at: datetime.datetime) -> list[tuple[str, int, int]]:
    """(area path, serving, served) of the volunteers, one query for both figures."""
    serving = serving_q(day)
    served = Exists(ServiceRecord.objects.filter(volunteer=OuterRef("pk"), served_on=day,
                                                 created_at__lte=at))
    return list(Volunteer.objects.filter(created_at__lte=at).alias(served=served)
                .filter(serving | Q(served=True)).order_by()
                .values("area__path").annotate(serving=Count("id", filter=serving),
                                               served=Count("id", filter=Q(served=True)))
                .values_list("area__path", "serving", "served"))


def _hours(day: datetime.date, at: datetime.datetime) -> list[tuple[str, Decimal]]:
    """(project's area path, hours served on the day)."""
    return list(ServiceRecord.objects.filter(served_on=day, created_at__lte=at).order_by()
                .values("project__area__path").annotate(hours=Sum("hours"))
                .values_list("project__area__path", "hours"))


def _whole_hours(hours: list[tuple[str, Decimal]]) -> list[tuple[str, int]]:
    """Each path's hours in whole hours: the rounded running total's step at the path.

    Rounding each area alone would add its error up the tree (two hundred villages of half an
    hour each, 100 hours: 200 rounded half up, 0 rounded to even); in path order a subtree's
    areas follow one another, so its sum of steps is the difference of two rounded totals,
    never a whole hour away from its hours.
    """
    whole: list[tuple[str, int]] = []
    total, rounded = Decimal(0), 0
    for path, n in sorted(hours):  # the code points' order: a subtree's paths are together
        total += n
        step = int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP)) - rounded
        rounded += step
        whole.append((path, step))
    return whole


def compute(day: datetime.date, at: datetime.datetime) -> Leaves:
    leaves: Leaves = defaultdict(dict)
    for path, serving, served in _volunteers(day, at):
        put(leaves[path], "volunteers_serving", serving)
        put(leaves[path], "volunteers_served", served)
    for path, hours in _whole_hours(_hours(day, at)):
        put(leaves[path], "volunteers_hours", hours)
    return leaves


FAMILY = register(Family(key="volunteers", name=_("Volunteers"), order=80, compute=compute,
                         metrics=(
    Metric("volunteers_serving", _("Volunteers serving"), Unit.PERSONS, Rollup.LATEST,
           _("Volunteers registered on or before the day and not left before it (one leaving "
             "that day still counts), counted in the area they registered in."),
           snapshot=True, drill_down=_list("volunteers:volunteers", "serving"),
           rise=Rise.BETTER),
    Metric("volunteers_served", _("Volunteers who served"), Unit.PERSONS, Rollup.SUM,
           _("Volunteers with hours served on the day, each once whatever the projects, "
             "counted in the area they registered in."),
           drill_down=_list("volunteers:volunteers", "any"), rise=Rise.NEUTRAL),
    Metric("volunteers_hours", _("Volunteer hours served"), Unit.HOURS, Rollup.SUM,
           _("Hours volunteers served on the day, counted in the area of the project, in "
             "whole hours (half hours carried over from area to area)."),
           drill_down=_list("volunteers:projects", "any"), rise=Rise.NEUTRAL),
)))
