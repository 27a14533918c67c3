"""Security-matrix entries of the supervision app's inspection and finding pages (merged into the
matrix).

Town A's fever clinic was inspected by the district's command with three findings: one the
insiders look at, one Alice rectifies and one a command user of town A verifies (each put back
as it was whenever a call needs it). Adding a finding is sent empty: the insider, past the 404
and the 403, is refused by the form (400), and nothing is written.
"""

from __future__ import annotations

from django.utils import timezone

from epigrid.supervision import inspections
from epigrid.supervision.inspections import FindingInput
from epigrid.supervision.models import Finding, FindingStatus, Inspection, Severity
from tests.base import World
from tests.security.matrix import Entry, obj, page

SUMMARY = "Matrix: inspection of the fever clinic"
LOOKED_AT, TO_RECTIFY, TO_VERIFY = ("Matrix: no sign-in sheet", "Matrix: to rectify",
                                    "Matrix: to verify")


def prepare(w: World) -> None:
    today = timezone.localdate()
    inspection = inspections.record_inspection(
        w.town_a, by=w.command, inspected_on=today, inspectors="Matrix inspectors",
        facility=w.facility_a, summary=SUMMARY,
        findings=[FindingInput(text, today, Severity.SERIOUS)
                  for text in (LOOKED_AT, TO_RECTIFY, TO_VERIFY)])
    inspections.rectify(Finding.objects.get(inspection=inspection, description=TO_VERIFY),
                        by=w.alice, rectification="Matrix: a sheet at the door")


def _inspection(w: World) -> Inspection:
    return Inspection.objects.get(summary=SUMMARY)


def _to_rectify(w: World) -> Finding:
    """The finding Alice rectifies, open again whatever a call before did."""
    Finding.objects.filter(description=TO_RECTIFY).update(
        status=FindingStatus.OPEN, rectification="", rectified_at=None, rectified_by=None)
    return Finding.objects.get(description=TO_RECTIFY)


def _to_verify(w: World) -> Finding:
    """The finding town A's command verifies, rectified again whatever a call before did."""
    Finding.objects.filter(description=TO_VERIFY).update(
        status=FindingStatus.RECTIFIED, verified_at=None, verified_by=None, verify_note="")
    return Finding.objects.get(description=TO_VERIFY)


EMPTY_FORM = frozenset({200, 400})  # the GET, and an empty form refused (nothing written)
PAGES: dict[str, Entry] = {
    "supervision:inspections": page(queries=("", "?q=Matrix", "?area={town_a}")),
    # Recording an inspection is a supervising role's: Alice gets 403.
    "supervision:inspection_new": page(methods=("get", "post"), insider="a_command",
                                       insider_ok=EMPTY_FORM),
    "supervision:inspection": obj(_inspection),
    "supervision:finding_add": obj(_inspection, methods=("post",), insider="a_command",
                                   insider_ok=frozenset({400})),
    "supervision:findings": page(queries=("", "?status=any", "?status=overdue",
                                          "?status=verified", "?area={town_a}")),
    "supervision:finding_rectify": obj(_to_rectify, methods=("post",),
                                       data={"rectification": "matrix"},
                                       insider_ok=frozenset({302})),
    "supervision:finding_verify": obj(_to_verify, methods=("post",), data={"decision": "accept"},
                                      insider="a_command", insider_ok=frozenset({302})),
}

API: dict[str, Entry] = {}
