"""Pages that change the tree: add a sub-area, edit an area, move a subtree.

They need Capability.CHANGE_AREAS; the area is fetched like every other (404 outside scope).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from epigrid.areas import services
from epigrid.areas.access import AreaUser, area_user, get_area_for_user
from epigrid.areas.area_forms import AreaForm, MoveForm
from epigrid.areas.models import Area, Level
from epigrid.core.access import Capability, require
from epigrid.core.forms import apply_errors


def _changeable_area(request: HttpRequest, pk: int) -> tuple[AreaUser, Area]:
    user = area_user(request)
    area = get_area_for_user(user, pk)
    require(user, Capability.CHANGE_AREAS)
    return user, area


@login_required
@require_http_methods(["GET", "POST"])
def create_child(request: HttpRequest, pk: int) -> HttpResponseBase:
    _user, parent = _changeable_area(request, pk)
    if parent.level >= Level.GRID:
        raise PermissionDenied
    form = AreaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            child = services.create_area(parent=parent, level=parent.level + 1,
                                         **form.service_fields())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": child.name})
            return redirect("areas:detail", pk=child.pk)
    return render(request, "areas/area_form.html", {
        "form": form, "parent": parent, "area": None,
        "title": _("New %(level)s in %(parent)s") % {
            "level": Level(parent.level + 1).label, "parent": parent.name}},
        status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    _user, area = _changeable_area(request, pk)
    form = AreaForm(request.POST or None, instance=Area.objects.get(pk=area.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_area(area, **form.service_fields())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": area.name})
            return redirect("areas:detail", pk=area.pk)
    return render(request, "areas/area_form.html", {
        "form": form, "area": area, "parent": None,
        "title": _("Edit %(name)s") % {"name": area.name}},
        status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def move(request: HttpRequest, pk: int) -> HttpResponseBase:
    user, area = _changeable_area(request, pk)
    if area.level == Level.CITY:
        raise PermissionDenied
    form = MoveForm(request.POST or None, user=user, area=area)
    if request.method == "POST" and form.is_valid():
        try:
            services.move_area(area, form.cleaned_data["parent_code"])
        except ValidationError as error:
            apply_errors(form, error, {"parent": "parent_code"})
        else:
            messages.success(request, _("%(name)s was moved.") % {"name": area.name})
            return redirect("areas:detail", pk=area.pk)
    return render(request, "areas/area_move.html", {"form": form, "area": area},
                  status=400 if form.is_bound else 200)
