"""Problems copy two area paths (origin and handling level); both follow a moved subtree."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.dispatch import receiver

from epigrid.areas.services import area_path_changed
from epigrid.core.access import subtree_q
from epigrid.problems.models import Problem

PATH_FIELDS = ("area_path", "level_path")


@receiver(area_path_changed)
def rewrite_copied_paths(sender: Any, old: str, new: str, **kwargs: Any) -> None:
    for field in PATH_FIELDS:
        Problem.objects.filter(subtree_q(field, old)).update(
            **{field: Concat(Value(new), Substr(F(field), len(old) + 1))})
