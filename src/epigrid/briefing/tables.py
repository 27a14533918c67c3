"""The briefing's tables as plain text cells, shared by the DOCX and the PDF writers."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from epigrid.briefing.content import Briefing
from epigrid.briefing.meeting import age_of

MAX_NAMED = 30  # areas named in the "not reported" line; the rest are counted


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]
    widths: tuple[int, ...]  # relative column widths


def signed(change: int | None) -> str:
    if change is None:
        return "–"
    return f"+{change:,}" if change > 0 else f"{change:,}"


def figures(briefing: Briefing) -> Table:
    """Every metric of the area: its value and the change since yesterday, family by family."""
    rows = []
    for family, found in briefing.meeting.figures.groups:
        for row in found:
            rows.append([str(family.name), str(row.metric.name), f"{row.value:,}",
                         signed(row.change)])
    return Table([_("Group"), _("Figure"), briefing.area.name, _("Change since yesterday")],
                 rows, (2, 5, 2, 2))


def ages(briefing: Briefing) -> Table:
    problems = briefing.meeting.problems
    return Table([*(group.label for group in problems.ages), _("overdue"), _("open")],
                 [[*(f"{group.count:,}" for group in problems.ages), f"{problems.overdue:,}",
                   f"{problems.total:,}"]], (1,) * (len(problems.ages) + 2))


def problems(briefing: Briefing) -> Table:
    day = briefing.day
    rows = []
    for problem in briefing.meeting.problems.oldest:
        due = problem.due_on.isoformat()
        if problem.due_on < day:
            due = _("%(day)s (overdue)") % {"day": due}
        rows.append([problem.title, problem.area.name, problem.level_area.name,
                     str(problem.get_status_display()), str(problem.get_urgency_display()),
                     due, str(age_of(problem, day))])
    return Table([_("Problem"), _("Raised in"), _("Handled at"), _("Status"), _("Urgency"),
                  _("Due"), _("Days open")], rows, (6, 3, 3, 2, 2, 3, 2))


def prepared_line(briefing: Briefing) -> str:
    return _("Prepared at %(at)s for the dispatch meeting.") % {
        "at": timezone.localtime(briefing.generated_at).strftime("%Y-%m-%d %H:%M")}


def closure_line(briefing: Briefing) -> str:
    rate = briefing.meeting.closure
    return _("Closure today: %(closed)d of %(due)d closed (%(rate)s); %(raised)d raised "
             "today.") % {"closed": rate.closed, "due": rate.due, "rate": rate.percent,
                          "raised": rate.raised}


def unreported_line(briefing: Briefing) -> str:
    missing = briefing.meeting.unreported
    if missing is None:
        return _("Daily reports are not collected yet: the areas that did not report cannot be "
                 "listed.")
    if not missing:
        return _("Every area has reported.")
    names = pgettext("list separator", ", ").join(a.name for a in missing[:MAX_NAMED])
    if len(missing) > MAX_NAMED:
        names = _("%(names)s and %(n)d more") % {"names": names, "n": len(missing) - MAX_NAMED}
    return _("Not reported: %(names)s.") % {"names": names}
