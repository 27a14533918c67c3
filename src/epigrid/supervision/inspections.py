"""Writes of inspections 督导检查: record one with its findings, rectify 整改, verify 销号.

Rules:
- an inspection names what was inspected (a site of the area, or the area itself), the day (not
  in the future) and the inspectors; each finding says what is wrong, how grave, and the day it
  must be put right by (not before the inspection);
- the area rectifies an open finding, saying what it did; the inspectors verify a rectified one
  (closed 销号) or reopen it, saying why (and may give a new day);
- the area's responsible people are told of the findings when recorded and when reopened.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.alerts.services import notify
from epigrid.alerts.wording import worded
from epigrid.areas.access import own_area
from epigrid.areas.models import Area, Facility
from epigrid.core.days import local_day
from epigrid.core.errors import Errors, add, not_future, refuse, required
from epigrid.supervision.models import Finding, FindingStatus, Inspection, Severity
from epigrid.supervision.services import responsible


@dataclass(frozen=True)
class FindingInput:
    description: str
    rectify_by: datetime.date
    severity: str = Severity.MINOR


@transaction.atomic
def record_inspection(area: Area, *, by: Any, inspected_on: datetime.date, inspectors: str,
                      findings: Sequence[FindingInput] = (), facility: Facility | None = None,
                      subject: str = "", summary: str = "") -> Inspection:
    """An inspection of `facility` (a site of `area`'s subtree) or of `area` itself."""
    errors: Errors = {}
    if facility is not None:
        if not facility.area.path.startswith(area.path):
            add(errors, "facility", _("%(site)s is not in %(area)s.")
                % {"site": facility.name, "area": area.name})
        subject = subject.strip() or facility.name
    subject = required(errors, "subject", subject, _("Say what was inspected."))
    inspectors = required(errors, "inspectors", inspectors, _("Name the inspectors."))
    not_future(errors, "inspected_on", inspected_on)
    own_area(errors, by, area)
    for index, finding in enumerate(findings):
        _check_finding(errors, finding, inspected_on, f"findings.{index}.")
    refuse(errors)
    inspection = Inspection.objects.create(
        area=facility.area if facility is not None else area, facility=facility,
        subject=subject, inspected_on=inspected_on, inspectors=inspectors,
        summary=summary.strip(), recorded_by=by)
    for finding in findings:
        Finding.objects.create(inspection=inspection, description=finding.description.strip(),
                               severity=finding.severity, rectify_by=finding.rectify_by)
    if findings:
        transaction.on_commit(lambda: _tell_findings(inspection, len(findings)))
    return inspection


def _check_finding(errors: Errors, finding: FindingInput, inspected_on: datetime.date,
                   prefix: str) -> None:
    required(errors, f"{prefix}description", finding.description, _("Say what was found."))
    if finding.severity not in Severity.values:
        add(errors, f"{prefix}severity", _("Choose how grave the finding is."))
    if finding.rectify_by < inspected_on:
        add(errors, f"{prefix}rectify_by", _("The day to put it right by comes before the "
                                             "inspection."))


@transaction.atomic
def add_finding(inspection: Inspection, finding: FindingInput, *, by: Any) -> Finding:
    """A finding added after the visit (the inspectors' report written up later)."""
    errors: Errors = {}
    _check_finding(errors, finding, inspection.inspected_on, "")
    refuse(errors)
    created = Finding.objects.create(inspection=inspection, severity=finding.severity,
                                     description=finding.description.strip(),
                                     rectify_by=finding.rectify_by)
    transaction.on_commit(lambda: _tell_findings(inspection, 1))
    return created


def _tell_findings(inspection: Inspection, count: int) -> None:
    def wording() -> tuple[str, str]:
        return (_("Inspection of %(subject)s: %(n)d to rectify")
                % {"subject": inspection.subject, "n": count},
                _("Inspected on %(day)s by %(who)s.")
                % {"day": inspection.inspected_on.isoformat(), "who": inspection.inspectors})

    notify([inspection.area], responsible(inspection.area), worded(wording),
           link=reverse("supervision:inspection", args=[inspection.pk]), exact=True)


def _locked(finding: Finding) -> Finding:
    return (Finding.objects.select_for_update(of=("self",))
            .select_related("inspection__area").get(pk=finding.pk))


@transaction.atomic
def rectify(finding: Finding, *, by: Any, rectification: str) -> Finding:
    """整改: the area says how it put the finding right."""
    finding = _locked(finding)
    errors: Errors = {}
    if finding.status != FindingStatus.OPEN:
        add(errors, "__all__", _("The finding is %(status)s already.")
            % {"status": finding.get_status_display()})
    rectification = required(errors, "rectification", rectification,
                             _("Say how it was put right."))
    refuse(errors)
    finding.status, finding.rectification = FindingStatus.RECTIFIED, rectification
    finding.rectified_at, finding.rectified_by = timezone.now(), by
    finding.save(update_fields=["status", "rectification", "rectified_at", "rectified_by",
                                "updated_at"])
    return finding


@transaction.atomic
def verify(finding: Finding, *, by: Any, accepted: bool, note: str = "",
           rectify_by: datetime.date | None = None) -> Finding:
    """销号 (accepted) or reopened with the reason and, if given, a new day."""
    finding = _locked(finding)
    errors: Errors = {}
    if finding.status != FindingStatus.RECTIFIED:
        add(errors, "__all__", _("Only a rectified finding is verified."))
    if not accepted:
        note = required(errors, "note", note, _("Say why the rectification is not enough."))
        if rectify_by is not None and rectify_by < local_day():
            add(errors, "rectify_by", _("%(day)s has passed.") % {"day": rectify_by.isoformat()})
    refuse(errors)
    finding.verify_note, finding.verified_by = note.strip(), by
    fields = ["status", "verify_note", "verified_by", "verified_at", "updated_at"]
    if accepted:
        finding.status, finding.verified_at = FindingStatus.VERIFIED, timezone.now()
    else:
        finding.status, finding.verified_at = FindingStatus.OPEN, None
        finding.reopened_at, finding.reopens = timezone.now(), finding.reopens + 1
        fields += ["reopened_at", "reopens"]
        if rectify_by is not None:
            finding.rectify_by = rectify_by
            fields.append("rectify_by")
        inspection = finding.inspection
        transaction.on_commit(lambda: _tell_findings(inspection, 1))
    finding.save(update_fields=fields)
    return finding
