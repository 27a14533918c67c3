"""Checkpoint figures 卡口数据: passages in and out, persuaded to turn back 劝返, referrals.

Read from `PassageHour` (the checkpoints app's hourly counts, kept as passages arrive): one
GROUP BY the checkpoints' area path over the day's hours; passages themselves are never scanned.
"""

from __future__ import annotations

import datetime

from django.db.models import Sum
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from epigrid.checkpoints.models import PassageHour
from epigrid.core.days import day_bounds
from epigrid.reporting.metrics import Family, Leaves, Metric, Rise, Rollup, Unit, register

# Our code -> PassageHour's column.
COLUMNS = {"passages_in": "passages_in", "passages_out": "passages_out",
           "vehicles": "vehicles", "persons_passing": "persons",
           "turned_back": "turned_back", "referred_to_quarantine": "referred",
           "fever_referrals": "fevers"}


def _figures(area_id: int, day: datetime.date) -> str:
    """The checkpoint figures of the area for that day (its busiest checkpoints link on to the
    passage list filtered by checkpoint, day and decision)."""
    return (reverse("checkpoints:figure_area", args=(area_id,))
            + f"?day={day.isoformat()}&days=1")


def compute(day: datetime.date, at: datetime.datetime) -> Leaves:
    start, end = day_bounds(day)
    rows = (PassageHour.objects.filter(hour__gte=start, hour__lt=end).order_by()
            .values("area_path").annotate(**{code: Sum(column)
                                             for code, column in COLUMNS.items()})
            .values_list("area_path", *COLUMNS))
    leaves: Leaves = {}
    for path, *counts in rows:
        leaves[path] = {code: int(n) for code, n in zip(COLUMNS, counts, strict=True) if n}
    return leaves


# Traffic is neither good nor bad news; those it brings to quarantine or to a fever clinic are.
RISING_WORSE = frozenset({"referred_to_quarantine", "fever_referrals"})


def _metric(code: str, name: Promise, unit: Promise, computed: Promise) -> Metric:
    return Metric(code, name, unit, Rollup.SUM, computed, drill_down=_figures,
                  rise=Rise.WORSE if code in RISING_WORSE else Rise.NEUTRAL)


FAMILY = register(Family(key="checkpoints", name=_("Checkpoints"), order=30, compute=compute,
                         metrics=(
    _metric("passages_in", _("Passages in"), Unit.PASSAGES,
            _("Persons and vehicles logged entering at the checkpoints on the day.")),
    _metric("passages_out", _("Passages out"), Unit.PASSAGES,
            _("Persons and vehicles logged leaving at the checkpoints on the day.")),
    _metric("vehicles", _("Vehicles"), Unit.VEHICLES, _("Vehicles logged on the day.")),
    _metric("persons_passing", _("Persons passing"), Unit.PERSONS,
            _("Persons logged on the day, passengers of vehicles included.")),
    _metric("turned_back", _("Persuaded to turn back"), Unit.PASSAGES,
            _("Passages persuaded to turn back on the day.")),
    _metric("referred_to_quarantine", _("Referred to quarantine"), Unit.PASSAGES,
            _("Passages referred to quarantine on the day.")),
    _metric("fever_referrals", _("Fever referrals"), Unit.PASSAGES,
            _("Passages with a fever referred to the fever clinic on the day.")),
)))
