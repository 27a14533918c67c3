"""Writing the daily report 日报 of a town or a village: save a draft, submit it.

One function, `save_report`, for pages, API and imports alike. Its rules:
- the area writes reports (a town or a village; refused on `area`), the day is not in the future
  (refused on `day`), and then the user may write its report (report_access.may_submit_report;
  refused with PermissionDenied);
- a submitted report has a situation text (refused on `situation`), texts have a length limit;
- a report submitted after the day's cutoff (settings.DAILY_CUTOFF, 16:00 by default) is
  accepted and marked late 迟报; a submitted report may be corrected later: it stays submitted
  with its first submission time (and so its lateness), the audit log keeps every change.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.areas.models import Area
from epigrid.reporting.models import DailyReport, ReportStatus
from epigrid.reporting.report_access import may_submit_report, reports_at
from epigrid.reporting.services import cutoff_at

MAX_SITUATION = 5000
MAX_REMARKS = 2000


def is_late(day: datetime.date, at: datetime.datetime) -> bool:
    """A report submitted at `at` for `day` is late when `at` is after the day's cutoff."""
    return at > cutoff_at(day)


def check_report(area: Area, day: datetime.date, situation: str, remarks: str, submit: bool,
                 at: datetime.datetime) -> None:
    """The input's refusals, each naming its field."""
    errors: dict[str, list[str]] = {}
    if not reports_at(area):
        errors["area"] = [_("Only towns and villages write a daily report; %(area)s is a "
                            "%(level)s.") % {"area": area.name,
                                             "level": area.get_level_display()}]
    if day > timezone.localdate(at):
        errors["day"] = [_("The day %(day)s is in the future: its report cannot be written "
                           "yet.") % {"day": day.isoformat()}]
    if submit and not situation.strip():
        errors["situation"] = [_("Describe the day's situation before submitting the report.")]
    if len(situation) > MAX_SITUATION:
        errors["situation"] = [_("Keep the situation to %(n)d characters (it has %(got)d).")
                               % {"n": MAX_SITUATION, "got": len(situation)}]
    if len(remarks) > MAX_REMARKS:
        errors["remarks"] = [_("Keep the remarks to %(n)d characters (they have %(got)d).")
                             % {"n": MAX_REMARKS, "got": len(remarks)}]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_report(area: Area, day: datetime.date, *, by: Any, situation: str = "",
                remarks: str = "", submit: bool = False,
                at: datetime.datetime | None = None) -> DailyReport:
    """Save `area`'s report of `day` as a draft, or submit it (`submit`): the stored report."""
    at = at or timezone.now()
    situation, remarks = situation.strip(), remarks.strip()
    check_report(area, day, situation, remarks, submit, at)
    if not may_submit_report(by, area):
        raise PermissionDenied(_("You may not write the daily report of %(area)s.")
                               % {"area": area.name})
    report = DailyReport.objects.select_for_update().filter(area=area, day=day).first()
    if report is None:
        report = DailyReport(area=area, area_path=area.path, day=day)
    report.situation, report.remarks = situation, remarks
    if submit and not report.is_submitted:
        report.status = ReportStatus.SUBMITTED
        report.submitted_by = by
        report.submitted_at = at
        report.late = is_late(day, at)
    if report.is_submitted and not report.situation:
        raise ValidationError({"situation": [_("A submitted report keeps its situation text.")]})
    report.save()
    return report
