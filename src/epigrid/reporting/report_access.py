"""Who may write an area's daily report 日报, and the one way to fetch an area or a report for a
user (missing and forbidden answer the same 404).

The rule, in one function (`may_submit_report`): the area is a town or a village; the user is
active, an area officer 乡镇、村干部, the command 指挥部 or an administrator; and the user's
home area is that area or one of its ancestors (an administrator or a superuser: any area).
A town's officer may so write the report of the town and of each of its villages (standing in
for a village that cannot); a village's officer only the village's.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from epigrid.areas.models import Area, Level
from epigrid.core.access import Role, ScopedUser, sees_everything
from epigrid.reporting.models import DailyReport

# The levels that write a daily report: towns 乡镇/街道 and villages 村/社区.
REPORTING_LEVELS = (Level.TOWN, Level.VILLAGE)
# The roles that may write one (within their home area's subtree).
REPORTING_ROLES = frozenset({Role.AREA_OFFICER, Role.COMMAND, Role.ADMIN})


def reports_at(area: Area) -> bool:
    """Whether the area writes a daily report (a town or a village)."""
    return area.level in REPORTING_LEVELS


def may_submit_report(user: Any, area: Area) -> bool:
    """The user may write and submit `area`'s daily report (see the module's rule)."""
    if not (user.is_authenticated and user.is_active) or not reports_at(area):
        return False
    if sees_everything(user):
        return True
    if user.role not in REPORTING_ROLES:
        return False
    home: Area | None = getattr(user, "home_area", None)
    return home is not None and area.path.startswith(home.path)


def get_report_area_for_user(user: ScopedUser, pk: int) -> Area:
    """An area the user sees (any level: a district's completeness page too), or 404."""
    found = Area.objects.restrict(user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such area."))
    return found


def get_report_for_user(user: ScopedUser, pk: int) -> DailyReport:
    found = (DailyReport.objects.restrict(user).select_related("area", "submitted_by")
             .filter(pk=pk).first())
    if found is None:
        raise Http404(_("No such report."))
    return found
