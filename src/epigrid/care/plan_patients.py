"""Who a plan's row carries, as the transfer desk needs to read it on screen: the masked name
(as in the printed plan) linking to the case, its state and the severity the bed was asked for,
and which rows are one household, so that a family is seen together when a transfer is changed
(SCENARIOS.md, 13:00). The full name is on the case's page, whose opening is logged."""

from __future__ import annotations

import string
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from epigrid.care import plan_documents
from epigrid.care.models import AdmissionRequest


@dataclass(frozen=True)
class Patient:
    masked: str
    case_id: int
    state: str  # the case's, in the reader's language
    severity: str  # the bed request's, else the case's ("" when neither says)
    household: str  # "A", "B"… when another row of the page is of the same household, else ""


def patients(requests: Iterable[AdmissionRequest]) -> list[Patient]:
    """One per request, in order; their case and person selected with them."""
    requests = list(requests)
    shared = Counter(r.case.person.household_id for r in requests
                     if r.case.person.household_id is not None)
    marks: dict[int, str] = {}
    for request in requests:
        household = request.case.person.household_id
        if household is not None and shared[household] > 1 and household not in marks:
            marks[household] = _mark(len(marks))
    return [Patient(masked=plan_documents.masked(r.case.person.name), case_id=r.case_id,
                    state=r.case.get_state_display(),
                    severity=r.get_severity_display() or r.case.get_severity_display(),
                    household=marks.get(r.case.person.household_id or 0, ""))
            for r in requests]


def _mark(index: int) -> str:
    """A, B, … Z, AA, AB, …"""
    letters = string.ascii_uppercase
    return _mark(index // 26 - 1) + letters[index % 26] if index >= 26 else letters[index]  # noqa: PLR2004
