"""Supplies copy their warehouse's or area's path; it follows a moved subtree."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.dispatch import receiver

from epigrid.areas.services import area_path_changed
from epigrid.core.access import subtree_q
from epigrid.supplies.models import Donation, Movement, SupplyRequest

PATH_COPIES = (Donation, Movement, SupplyRequest)


@receiver(area_path_changed)
def rewrite_copied_paths(sender: Any, old: str, new: str, **kwargs: Any) -> None:
    for model in PATH_COPIES:
        model.objects.filter(subtree_q("area_path", old)).update(
            area_path=Concat(Value(new), Substr(F("area_path"), len(old) + 1)))
