"""Mobilization figures 力量下沉: people sent down on duty and arrived, payments paid 发放.

Two GROUP BY queries by the records' area path, read through the foreign key (volumes are
small: thousands of people, thousands of payments): the people sent down, by the area they
were sent to, on duty on the day and arrived on it; the payments paid on the day, by the area
that applied for them. A record entered after the moment of the count (`at`) is left out, so a
past day is counted as the records stood then. Who is on duty is a state without history (the
day someone left is written over, not logged): it is counted for today only (`snapshot`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from epigrid.core.days import day_bounds
from epigrid.mobilization.models import (
    Deployment,
    DeploymentStatus,
    Payment,
    PaymentStatus,
    on_duty_q,
)
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


def _list(name: str, status: str) -> DrillDown:
    def url(area_id: int, day: datetime.date) -> str:
        return reverse(name) + f"?area={area_id}&status={status}"
    return url


def _people(day: datetime.date, at: datetime.datetime) -> list[tuple[str, int, int]]:
    """(area path, on duty, arrived) of the people sent down, one query for both figures."""
    on_duty, arrived = on_duty_q(day), Q(arrived_on=day)
    return list(Deployment.objects.filter(on_duty | arrived, created_at__lte=at).order_by()
                .values("area__path").annotate(on_duty=Count("id", filter=on_duty),
                                               arrived=Count("id", filter=arrived))
                .values_list("area__path", "on_duty", "arrived"))


def _paid(day: datetime.date, at: datetime.datetime) -> list[tuple[str, int]]:
    """(applying area path, payments paid on the day until `at`)."""
    start, end = day_bounds(day)
    return list(Payment.objects.filter(status=PaymentStatus.PAID, paid_at__gte=start,
                                       paid_at__lt=min(end, at)).order_by()
                .values("area__path").annotate(n=Count("id")).values_list("area__path", "n"))


def compute(day: datetime.date, at: datetime.datetime) -> Leaves:
    leaves: Leaves = defaultdict(dict)
    for path, on_duty, arrived in _people(day, at):
        put(leaves[path], "mobilization_on_duty", on_duty)
        put(leaves[path], "mobilization_arrived", arrived)
    for path, paid in _paid(day, at):
        put(leaves[path], "mobilization_payments_paid", paid)
    return leaves


FAMILY = register(Family(key="mobilization", name=_("Mobilization"), order=70, compute=compute,
                         metrics=(
    Metric("mobilization_on_duty", _("People sent down on duty"), Unit.PERSONS, Rollup.LATEST,
           _("People sent down who had arrived and not left on the day (one leaving that day "
             "still counts), counted in the area they were sent to."),
           snapshot=True, drill_down=_list("mobilization:deployments", DeploymentStatus.ON_DUTY),
           rise=Rise.BETTER),
    Metric("mobilization_arrived", _("People sent down arrived"), Unit.PERSONS, Rollup.SUM,
           _("People sent down who arrived on the day, counted in the area they were sent "
             "to."),
           drill_down=_list("mobilization:deployments", DeploymentStatus.ANY), rise=Rise.NEUTRAL),
    Metric("mobilization_payments_paid", _("Condolence and subsidy payments paid"),
           Unit.PAYMENTS, Rollup.SUM,
           _("Condolence and subsidy payments paid out on the day, counted in the area that "
             "applied for them."),
           drill_down=_list("mobilization:payments", "paid"), rise=Rise.NEUTRAL),
)))
