"""Problem pages 问题清单: the list (filters, closure-rate panel 日清日结), raising a problem, a
problem with its history, and the forms that assign, change status, close and reopen it.

Problems come through `restrict(user)` (their origin or their current level in the user's
subtree; missing and forbidden answer the same 404); writes call services.py and show its
refusals on the form's fields.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from epigrid.areas.access import area_user, root_area_for
from epigrid.areas.models import Area
from epigrid.core.access import Capability, can, require
from epigrid.core.forms import apply_errors
from epigrid.core.paging import keyset
from epigrid.problems import queries, services
from epigrid.problems.access import get_problem_for_user
from epigrid.problems.closure import ClosureRate, closure_rates
from epigrid.problems.forms import (
    AssignForm,
    FilterForm,
    RaiseForm,
    ReopenForm,
    StatusForm,
)
from epigrid.problems.models import Problem, ProblemEvent


def area_rates(user: Any, day: Any) -> list[ClosureRate]:
    """The closure rate of the user's area and of each of its children, on `day`."""
    home = root_area_for(user)
    if home is None:
        return []
    children = list(Area.objects.restrict(user).filter(parent=home).order_by("name"))
    return closure_rates([home, *children], day)


@login_required
@require_GET
def problem_list(request: HttpRequest) -> HttpResponseBase:
    user = area_user(request)
    form = FilterForm(request.GET)
    now = timezone.now()
    rows = queries.apply(user, queries.visible(user), form.filters(), now)
    problems, next_after = keyset(rows, request, newest_first=True)
    today = timezone.localdate(now)
    day = form.chosen_day()
    return render(request, "problems/problem_list.html", {
        "form": form, "next_after": next_after, "day": day,
        "rows": [(problem, queries.is_overdue(problem, today)) for problem in problems],
        "rates": area_rates(user, day),
        "may_raise": can(user, Capability.RAISE_PROBLEMS)})


@login_required
@require_http_methods(["GET", "POST"])
def problem_raise(request: HttpRequest) -> HttpResponseBase:
    user = area_user(request)
    require(area_user(request), Capability.RAISE_PROBLEMS)
    initial = {"area": request.GET["area"]} if request.GET.get("area", "").isdigit() else None
    form = RaiseForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            problem = services.raise_problem(
                data["area"], by=user, title=data["title"], description=data["description"],
                category=data["category"], urgency=data["urgency"], due_on=data["due_on"],
                assignee_unit=data["assignee_unit"], assignee=data["assignee"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The problem “%(title)s” is on the list of %(area)s.")
                             % {"title": problem.title, "area": problem.area.name})
            return redirect("problems:detail", pk=problem.pk)
    return render(request, "problems/problem_raise.html", {"form": form},
                  status=400 if form.is_bound else 200)


def _detail_context(request: HttpRequest, problem: Problem, **forms: Any) -> dict[str, Any]:
    user = area_user(request)
    may_resolve = can(user, Capability.RESOLVE_PROBLEMS)
    open_ = not problem.is_closed
    return {
        "problem": problem,
        "overdue": queries.is_overdue(problem, timezone.localdate()),
        "events": ProblemEvent.objects.filter(problem=problem).select_related(
            "by", "assignee", "level_area"),
        "assign_form": forms.get("assign_form") or (
            AssignForm(user=user, area=problem.area, initial={
                "assignee_unit": problem.assignee_unit, "assignee": problem.assignee_id,
                "due_on": problem.due_on})
            if may_resolve and open_ else None),
        "status_form": forms.get("status_form") or (
            StatusForm() if may_resolve and open_ else None),
        "reopen_form": forms.get("reopen_form") or (
            ReopenForm() if may_resolve and not open_ else None),
    }


@login_required
@require_GET
def problem_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    problem = get_problem_for_user(area_user(request), pk)
    return render(request, "problems/problem_detail.html", _detail_context(request, problem))


@login_required
@require_POST
def problem_assign(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = area_user(request)
    problem = get_problem_for_user(user, pk)
    require(area_user(request), Capability.RESOLVE_PROBLEMS)
    form = AssignForm(request.POST, user=user, area=problem.area)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.assign(problem, by=user, assignee_unit=data["assignee_unit"],
                            assignee=data["assignee"], note=data["note"],
                            due_on=data["due_on"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The problem is assigned."))
            return redirect("problems:detail", pk=pk)
    return render(request, "problems/problem_detail.html",
                  _detail_context(request, problem, assign_form=form), status=400)


@login_required
@require_POST
def problem_status(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Change the status; choosing “closed” closes the problem (a note needed, evidence kept)."""
    user = area_user(request)
    problem = get_problem_for_user(user, pk)
    require(area_user(request), Capability.RESOLVE_PROBLEMS)
    form = StatusForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["status"] == "closed":
                services.close(problem, by=user, note=data["note"], evidence=data["evidence"])
            else:
                services.change_status(problem, data["status"], by=user, note=data["note"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The problem's status is changed."))
            return redirect("problems:detail", pk=pk)
    return render(request, "problems/problem_detail.html",
                  _detail_context(request, problem, status_form=form), status=400)


@login_required
@require_POST
def problem_reopen(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = area_user(request)
    problem = get_problem_for_user(user, pk)
    require(area_user(request), Capability.RESOLVE_PROBLEMS)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.reopen(problem, by=user, note=form.cleaned_data["note"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The problem is open again."))
            return redirect("problems:detail", pk=pk)
    return render(request, "problems/problem_detail.html",
                  _detail_context(request, problem, reopen_form=form), status=400)


@login_required
@require_GET
def problem_evidence(request: HttpRequest, pk: int, event_id: int) -> HttpResponseBase:
    """The evidence file of a closing step, for those who see the problem."""
    problem = get_problem_for_user(area_user(request), pk)
    event = ProblemEvent.objects.filter(problem=problem, pk=event_id).exclude(
        evidence="").first()
    if event is None:
        raise Http404(_("No such evidence."))
    return FileResponse(event.evidence.open("rb"), as_attachment=True,
                        filename=event.evidence_name or "evidence")
