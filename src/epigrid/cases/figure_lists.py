"""The records behind every case figure (figures.py): each code maps to the queryset it counts.

A list page shows these, so a figure of 7 opens onto the 7 records that make it (the follow-ups
due list shows each quarantine in progress once: each owes two checks that day).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from epigrid.cases.figures import CODES, new_contacts
from epigrid.cases.models import (
    Case,
    FollowUp,
    LabTest,
    MissedFollowUp,
    Origin,
    Quarantine,
    Transition,
)
from epigrid.cases.states import CATEGORY_OF, State
from epigrid.core.access import subtree_q
from epigrid.core.days import day_bounds

KINDS = ("case", "quarantine", "follow_up", "missed", "test")


def states_of(category: str) -> list[str]:
    return [state for state, cat in CATEGORY_OF.items() if cat == category]


def _moves(category: str, entering: bool) -> QuerySet[Transition]:
    """A case's transitions into (or out of) the category from outside (or to outside) it."""
    inside = states_of(category)
    moves = Transition.objects.filter(case=OuterRef("pk"))
    if entering:
        return moves.filter(to_state__in=inside).exclude(from_state__in=inside)
    return moves.filter(from_state__in=inside).exclude(to_state__in=inside)


ORIGIN_OF = {"new_local_confirmed": Origin.LOCAL, "new_imported_confirmed": Origin.IMPORTED}


def _cases(code: str, path: str, day: datetime.date) -> QuerySet[Case]:
    cases = Case.objects.filter(subtree_q("area_path", path))
    start, end = day_bounds(day)
    if code in ORIGIN_OF:  # new_confirmed by origin
        cases, code = cases.filter(origin=ORIGIN_OF[code]), "new_confirmed"
    elif code == "contacts_awaiting_quarantine":  # in the state itself, not the category
        moves = Transition.objects.filter(case=OuterRef("pk"), at__lt=end)
        return cases.filter(
            Exists(moves.filter(to_state=State.CLOSE_CONTACT).exclude(
                from_state=State.CLOSE_CONTACT)),
            ~Exists(moves.filter(from_state=State.CLOSE_CONTACT).exclude(
                to_state=State.CLOSE_CONTACT)))
    elif code == "new_contacts_not_quarantined":
        return cases.filter(pk__in=new_contacts(path, day).values("case_id"))
    kind, _sep, category = code.partition("_")
    if kind == "new":
        return cases.filter(Exists(_moves(category, True).filter(at__gte=start, at__lt=end)))
    cases = cases.filter(Exists(_moves(category, True).filter(at__lt=end)))
    if kind == "current":
        cases = cases.filter(~Exists(_moves(category, False).filter(at__lt=end)))
    return cases


def _quarantines(code: str, path: str, day: datetime.date) -> QuerySet[Quarantine]:
    quarantines = Quarantine.objects.filter(subtree_q("area_path", path))
    ongoing = Q(starts_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))
    if code == "in_home_quarantine":
        return quarantines.filter(ongoing, kind=Quarantine.Kind.HOME)
    if code == "in_centralized_quarantine":
        return quarantines.filter(ongoing, kind=Quarantine.Kind.CENTRALIZED)
    if code == "follow_ups_due":
        return quarantines.filter(ongoing)
    if code == "quarantined_today":
        return quarantines.filter(starts_on=day)
    return quarantines.filter(ended_on=day, outcome=Quarantine.Outcome.RELEASED)


def _tests(code: str, path: str, day: datetime.date) -> QuerySet[LabTest]:
    start, end = day_bounds(day)
    tests = LabTest.objects.filter(subtree_q("area_path", path)).exclude(
        match=LabTest.Match.DISCARDED)
    if code == "tests_pending":
        return tests.filter(Q(resulted_at__isnull=True) | Q(resulted_at__gte=end),
                            sampled_at__lt=end)
    tests = tests.filter(sampled_at__lt=end, resulted_at__gte=start, resulted_at__lt=end
                         ).exclude(result=LabTest.Result.PENDING)
    if code == "tests_positive":
        return tests.filter(result=LabTest.Result.POSITIVE)
    return tests


def kind_of(code: str) -> str:
    if code.startswith(("new_", "total_", "current_")) or code == "contacts_awaiting_quarantine":
        return "case"
    if code == "follow_ups_done":
        return "follow_up"
    if code == "follow_ups_missed":
        return "missed"
    if code.startswith("tests_"):
        return "test"
    return "quarantine"


def records(code: str, path: str, day: datetime.date) -> QuerySet[Any]:
    """The records a figure counts, in the subtree at `path` (unrestricted: the caller
    restricts to the user)."""
    if code not in CODES:
        raise KeyError(code)
    kind = kind_of(code)
    if kind == "case":
        return _cases(code, path, day).select_related("person")
    if kind == "quarantine":
        return _quarantines(code, path, day).select_related("case__person", "site")
    if kind == "follow_up":
        return FollowUp.objects.filter(subtree_q("area_path", path), day=day).select_related(
            "quarantine__case__person")
    if kind == "missed":
        return MissedFollowUp.objects.filter(subtree_q("area_path", path), day=day
                                             ).select_related("quarantine__case__person")
    return _tests(code, path, day).select_related("person", "lab")
