"""Stored figures copy their area's path: they follow the area when a subtree moves."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.dispatch import receiver

from epigrid.areas.services import area_path_changed
from epigrid.core.access import subtree_q
from epigrid.reporting.models import DailyFigures, DailyReport, RiskProposal

# Every reporting table with a copied `area_path` column; a new one must be added here.
PATH_COPIES = (DailyFigures, DailyReport, RiskProposal)


@receiver(area_path_changed)
def rewrite_copied_paths(sender: Any, old: str, new: str, **kwargs: Any) -> None:
    for model in PATH_COPIES:
        model.objects.filter(subtree_q("area_path", old)).update(
            area_path=Concat(Value(new), Substr(F("area_path"), len(old) + 1)))
