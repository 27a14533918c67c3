"""Where a fever is sent 发热门诊: the fever clinics of the town a record lies in.

A fever found at a checkpoint (checkpoints.passage_fever) or at a door (screening_referrals)
is told to the medical staff of the town's active fever clinics; a town without one is told as
a whole (its medical staff, wherever they are).
"""

from __future__ import annotations

from epigrid.areas.models import SEGMENT_WIDTH, Facility, Level

TOWN_PATH_LENGTH = Level.TOWN * (SEGMENT_WIDTH + 1)


def town_path(path: str) -> str:
    """The path of the town an area path lies in (the path itself above town level)."""
    return path[:TOWN_PATH_LENGTH]


def clinic_paths(town: str) -> list[str]:
    """The area paths of the town's active fever clinics; the town's own path when it has none
    (one query)."""
    found = list(Facility.objects.filter(
        kind=Facility.Kind.FEVER_CLINIC, active=True, area__path__startswith=town)
        .values_list("area__path", flat=True))
    return found or [town]
