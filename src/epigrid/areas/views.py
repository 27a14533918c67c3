"""Area pages: the browser (detail, tree, search) and the risk-level change.

Every area is fetched through `access.get_area_for_user`, so a page outside the user's subtree is
the same 404 as a page that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from epigrid.areas import services
from epigrid.areas.access import (
    AreaUser,
    area_user,
    get_area_for_user,
    may_see_path,
    root_area_for,
)
from epigrid.areas.columns import child_columns
from epigrid.areas.figures import children_table
from epigrid.areas.forms import AreaSearchForm, RiskChangeForm
from epigrid.areas.models import Area, Level, RiskLevel
from epigrid.core.access import Capability, can, require
from epigrid.core.exports import FORMATS, export_response
from epigrid.core.forms import apply_errors
from epigrid.core.panels import area_panels

SEARCH_LIMIT = 50
HISTORY_LIMIT = 20


@login_required
@require_GET
def browse(request: HttpRequest) -> HttpResponseBase:
    """Start where the user works: the home area (the root city for those who see all)."""
    root = root_area_for(area_user(request))
    if root is None:
        return render(request, "areas/no_area.html", status=200)
    return redirect("areas:detail", pk=root.pk)


def _breadcrumbs(user: AreaUser, area: Area) -> list[tuple[Area, bool]]:
    """The area's ancestors, each with whether the user may open it.

    The area itself is fetched with them, so a city (no ancestors) costs one query like any other.
    """
    ids = [*area.ancestor_ids(), area.pk]
    ancestors = [a for a in Area.objects.filter(pk__in=ids).order_by("path") if a.pk != area.pk]
    return [(ancestor, may_see_path(user, ancestor.path)) for ancestor in ancestors]


def _detail_context(request: HttpRequest, area: Area,
                    risk_form: RiskChangeForm | None = None) -> dict[str, Any]:
    user = area_user(request)
    may_change_risk = can(user, Capability.CHANGE_RISK)
    if may_change_risk and risk_form is None:
        risk_form = RiskChangeForm()
    return {
        "area": area,
        "breadcrumbs": _breadcrumbs(user, area),
        "table": children_table(area),
        "child_level": Level(area.level + 1).label if area.level < Level.GRID else "",
        "history": list(area.risk_changes.select_related("changed_by")[:HISTORY_LIMIT]),
        "risk_form": risk_form if may_change_risk else None,
        "may_export": can(user, Capability.EXPORT),
        "may_change_areas": can(user, Capability.CHANGE_AREAS),
        "search_form": AreaSearchForm(),
        "panels": area_panels(request, area),  # other apps' figures (core.panels)
    }


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    area = get_area_for_user(area_user(request), pk)
    fmt = request.GET.get("export")
    if fmt:
        return _export_children(request, area, fmt)
    return render(request, "areas/area_detail.html", _detail_context(request, area))


def _export_children(request: HttpRequest, area: Area, fmt: str) -> HttpResponseBase:
    require(area_user(request), Capability.EXPORT)
    if fmt not in FORMATS:
        return HttpResponse(_("Unknown export format."), status=400)
    table = children_table(area)
    return export_response(request, table.rows, child_columns(), fmt,
                           filename=f"areas-{area.code}", model_label=Area._meta.label)


@login_required
@require_POST
def change_risk(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = area_user(request)
    area = get_area_for_user(user, pk)
    require(user, Capability.CHANGE_RISK)
    form = RiskChangeForm(request.POST)
    if form.is_valid():
        try:
            services.change_risk_level(area, form.cleaned_data["level"],
                                       reason=form.cleaned_data["reason"], changed_by=user,
                                       effective_on=form.cleaned_data["effective_on"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The risk level of %(area)s is now %(level)s.") % {
                "area": area.name, "level": RiskLevel(form.cleaned_data["level"]).label})
            return redirect("areas:detail", pk=area.pk)
    return render(request, "areas/area_detail.html", _detail_context(request, area, form),
                  status=400)


@login_required
@require_GET
def children(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The children of one node of the tree, loaded by htmx when the node is opened."""
    area = get_area_for_user(area_user(request), pk)
    return render(request, "areas/_tree_children.html", {"table": children_table(area)})


@login_required
@require_GET
def tree(request: HttpRequest) -> HttpResponseBase:
    root = root_area_for(area_user(request))
    if root is None:
        return render(request, "areas/no_area.html")
    return render(request, "areas/area_tree.html",
                  {"root": root, "table": children_table(root), "search_form": AreaSearchForm()})


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponseBase:
    form = AreaSearchForm(request.GET)
    results: list[Area] = []
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
    if query:
        results = list(
            Area.objects.restrict(area_user(request))
            .filter(Q(name__icontains=query) | Q(code__startswith=query))
            .select_related("parent").order_by("level", "name")[:SEARCH_LIMIT + 1])
    return render(request, "areas/area_search.html", {
        "search_form": form, "query": query, "results": results[:SEARCH_LIMIT],
        "more": len(results) > SEARCH_LIMIT})
