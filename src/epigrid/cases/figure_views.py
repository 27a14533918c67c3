"""Case figure pages 疫情数据: an area's figures for a day with its children, the epidemic curve
with Rt, the records behind each figure, and the panel on the area page.

Every area is fetched through `get_area_for_user` (missing and forbidden are the same 404) and
every list through `restrict(user)`. Figures come from figures.py (live for today, stored rows
for past days); lists page by key, newest first. The figures are counts, open to everyone in the
area; the records behind them name persons, so they need VIEW_CASES (figure_urls.py) and the
figures link to them only for those who have it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from epigrid.areas.access import area_user, get_area_for_user, may_see_path
from epigrid.areas.models import Area, Level
from epigrid.cases import curve, figure_lists, figure_meaning, figures
from epigrid.cases.access import may_view_cases
from epigrid.cases.states import Category
from epigrid.core.paging import page_after

PAGE_SIZE = 50
CATEGORY_LABELS = dict(Category.choices)
FIXED_LABELS: dict[str, Any] = {
    "new_local_confirmed": gettext_lazy("New confirmed: local"),
    "new_imported_confirmed": gettext_lazy("New confirmed: imported"),
    "in_home_quarantine": gettext_lazy("In home quarantine"),
    "in_centralized_quarantine": gettext_lazy("In centralized quarantine"),
    "quarantined_today": gettext_lazy("Quarantine begun"),
    "released_today": gettext_lazy("Released from quarantine"),
    "new_contacts_not_quarantined": gettext_lazy("New close contacts not quarantined"),
    "contacts_awaiting_quarantine": gettext_lazy("Close contacts awaiting quarantine"),
    "follow_ups_due": gettext_lazy("Follow-ups due"),
    "follow_ups_done": gettext_lazy("Follow-ups recorded"),
    "follow_ups_missed": gettext_lazy("Follow-ups missed"),
    "tests_done": gettext_lazy("Test results"),
    "tests_positive": gettext_lazy("Positive results"),
    "tests_pending": gettext_lazy("Tests awaiting a result"),
}
KIND_LABELS = {"new": gettext_lazy("New"), "total": gettext_lazy("Cumulative"),
               "current": gettext_lazy("Under management")}


class BadDayError(ValueError):
    pass


def label(code: str) -> str:
    if code in FIXED_LABELS:
        return str(FIXED_LABELS[code])
    kind, _sep, category = code.partition("_")
    return _("%(kind)s: %(category)s") % {"kind": KIND_LABELS[kind],
                                           "category": CATEGORY_LABELS[category]}


def parse_day(raw: str | None) -> datetime.date:
    """The ?day= of a page: an ISO date not after today; today when not given."""
    today = timezone.localdate()
    if not raw:
        return today
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        raise BadDayError(_("Give the day as YYYY-MM-DD (got “%(day)s”).") % {"day": raw}) from None
    if day > today:
        raise BadDayError(_("The day %(day)s is in the future.") % {"day": raw})
    return day


@dataclass
class Figure:
    code: str
    label: str
    value: int
    change: int

    @property
    def trend(self) -> str:
        return figure_meaning.trend(self.code, self.change)


def figure_rows(values: figures.Figures, yesterday: figures.Figures,
                codes: tuple[str, ...] = figures.CODES) -> list[Figure]:
    return [Figure(code, label(code), values[code], values[code] - yesterday.get(code, 0))
            for code in codes]


def _day_or_400(request: HttpRequest) -> datetime.date | HttpResponse:
    try:
        return parse_day(request.GET.get("day"))
    except BadDayError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")


def _parent_id(request: HttpRequest, area: Area) -> int | None:
    if area.parent_id is None or area.parent is None:
        return None
    return area.parent_id if may_see_path(area_user(request), area.parent.path) else None


@login_required
@require_GET
def figure_area(request: HttpRequest, area_id: int) -> HttpResponse:
    area = get_area_for_user(area_user(request), area_id)
    day = _day_or_400(request)
    if isinstance(day, HttpResponse):
        return day
    values, children = figures.figures_for(area, day)
    before, _children = figures.figures_for(area, day - datetime.timedelta(days=1))
    child_areas = list(Area.objects.filter(parent=area).order_by("name", "pk"))
    context = {
        "area": area, "day": day, "today": timezone.localdate(),
        "previous_day": day - datetime.timedelta(days=1),
        "next_day": day + datetime.timedelta(days=1) if day < timezone.localdate() else None,
        "parent_id": _parent_id(request, area),
        "groups": [
            (_("The four categories"), figure_rows(
                values, before, figures.CASE_CODES + figures.ORIGIN_CODES)),
            (_("Quarantine and follow-up"), figure_rows(
                values, before, figures.QUARANTINE_CODES + figures.FOLLOW_UP_CODES)),
            (_("Nucleic-acid tests"), figure_rows(values, before, figures.TEST_CODES)),
        ],
        "headline": [(code, label(code)) for code in figures.HEADLINE],
        "headline_categories": [CATEGORY_LABELS[code.partition("_")[2]]
                                for code in figures.HEADLINE],
        "children": [(child, [children.get(child.pk, figures.complete(None))[code]
                              for code in figures.HEADLINE]) for child in child_areas],
        "is_grid": area.level == Level.GRID,
        # The records behind a figure name persons: linked only for those who may see them.
        "may_list": may_view_cases(area_user(request)),
    }
    return render(request, "cases/figure_area.html", context)


@login_required
@require_GET
def figure_curve(request: HttpRequest, area_id: int) -> HttpResponse:
    area = get_area_for_user(area_user(request), area_id)
    found = curve.build(area.path)
    return render(request, "cases/figure_curve.html", {
        "area": area, "curve": found.as_json(), "total": sum(found.by_report),
        "labels": {"by_onset": _("By onset date"), "by_report": _("By report date"),
                   "rt": _("Rt"), "interval": _("Credible interval (95%%)") % {}},
        "latest_rt": found.rt[-1] if found.rt else None})


@login_required
@require_GET
def figure_records(request: HttpRequest, area_id: int, code: str) -> HttpResponse:
    """The records behind one figure of an area and day, a page at a time (newest first)."""
    user = area_user(request)
    area = get_area_for_user(user, area_id)
    if code not in figures.CODES:
        raise Http404(_("No such figure."))
    day = _day_or_400(request)
    if isinstance(day, HttpResponse):
        return day
    found: Any = figure_lists.records(code, area.path, day)  # a ScopedQuerySet
    after = request.GET.get("after", "")
    page, last = page_after(found.restrict(user), int(after) if after.isdigit() else None,
                            PAGE_SIZE, newest_first=True)
    return render(request, "cases/figure_records.html", {
        "area": area, "day": day, "code": code, "label": label(code),
        "kind": figure_lists.kind_of(code), "rows": page,
        "next_after": str(last) if last is not None else ""})


def area_panel(request: HttpRequest, area: Area) -> SafeString:
    """The case figures panel of the area page (registered with core.panels): today's figures of
    the four categories, counted live (three small queries, figures.headline_now) so a case
    confirmed a minute ago shows."""
    today = timezone.localdate()
    values = figures.headline_now(area)
    return render_to_string("cases/figure__panel.html", {
        "area": area, "day": today,
        "rows": [(code, label(code), values[code]) for code in figures.HEADLINE],
        "quarantine": values["in_home_quarantine"] + values["in_centralized_quarantine"],
        "may_list": may_view_cases(area_user(request)),
    }, request=request)
