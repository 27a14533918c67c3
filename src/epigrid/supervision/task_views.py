"""Task pages 督办: the list (pending ones by their day, overdue ones marked), setting a task,
a task with its history and its parts, and the forms that hand it down 分解下达, report it done
报结, accept it 办结, send it back 退回 or withdraw it 撤销.

Tasks come through `restrict(user)` (missing and forbidden answer the same 404); each action
checks who may take it (403), calls services.py and shows its refusals on the form's fields.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from epigrid.areas.access import AreaUser, area_user, sees
from epigrid.core.access import Capability, can, require
from epigrid.core.forms import apply_errors
from epigrid.supervision import access, handing, services
from epigrid.supervision.document_forms import RouteForm, areas_below
from epigrid.supervision.models import Task, TaskEvent, TaskStatus
from epigrid.supervision.task_forms import (
    AcceptForm,
    ReportForm,
    SendBackForm,
    TaskFilterForm,
    TaskForm,
    WithdrawForm,
)


def days_overdue(task: Task, today: datetime.date) -> int:
    """How many days a task in hand is past its day (0 when it is not)."""
    if task.status != TaskStatus.OPEN:
        return 0
    return task.days_past_due(today)


def sees_document(user: Any, task: Task) -> bool:
    """Whether the user sees the task's document: its desk's area or the task's in the user's
    subtree (an area sees what it was routed). One seen only through another of its tasks is
    named, not linked: no query per row."""
    return task.document is not None and (sees(user, task.area.path)
                                           or sees(user, task.document.area.path))


@dataclass(frozen=True)
class Row:
    """A task as the list shows it."""

    task: Task
    overdue: int  # days past its day, 0 if not overdue
    to_accept: bool  # reported done, and this user's desk decides on it
    document_link: bool

    @classmethod
    def of(cls, user: Any, task: Task, today: datetime.date) -> Row:
        return cls(task, days_overdue(task, today),
                   task.status == TaskStatus.REPORTED and access.may_decide(user, task),
                   sees_document(user, task))


@login_required
@require_GET
def task_list(request: HttpRequest) -> HttpResponseBase:
    user = area_user(request)
    today = timezone.localdate()
    form = TaskFilterForm(request.GET, user=user)
    tasks = form.apply(Task.objects.restrict(user).for_list(), today).order_by("due_on", "id")
    page = Paginator(tasks, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/task_list.html", {
        "form": form, "page": page, "rows": [Row.of(user, task, today) for task in page],
        "may_set": can(user, Capability.SUPERVISE)})


@login_required
@require_http_methods(["GET", "POST"])
def task_new(request: HttpRequest) -> HttpResponseBase:
    user = area_user(request)
    require(user, Capability.SUPERVISE)
    initial = {"area": request.GET["area"]} if request.GET.get("area", "").isdigit() else None
    form = TaskForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = services.set_task(data["area"], by=user, title=data["title"],
                                     due_on=data["due_on"], instructions=data["instructions"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The task is set to %(area)s, due %(due)s.")
                             % {"area": task.area.name, "due": task.due_on.isoformat()})
            return redirect("supervision:task", pk=task.pk)
    return render(request, "supervision/task_form.html", {"form": form},
                  status=400 if form.is_bound else 200)


def _detail(request: HttpRequest, task: Task, status: int = 200,
            **forms_given: forms.Form) -> HttpResponseBase:
    """The task's page with the action forms its viewer may use (a refused one as posted)."""
    user = area_user(request)
    handle, decide = access.may_handle(user, task), access.may_decide(user, task)
    in_hand = handle and task.status == TaskStatus.OPEN
    offered: dict[str, tuple[bool, Callable[[], forms.Form]]] = {
        "hand_down_form": (in_hand and areas_below(user, task.area).exists(),
                           lambda: RouteForm(user=user, under=task.area)),
        "report_form": (in_hand, ReportForm),
        "accept_form": (decide and task.status == TaskStatus.REPORTED, AcceptForm),
        "send_back_form": (decide and task.status == TaskStatus.REPORTED, SendBackForm),
        "withdraw_form": (decide and task.is_pending, WithdrawForm),
    }
    context: dict[str, Any] = {
        name: forms_given[name] if name in forms_given else (make() if allowed else None)
        for name, (allowed, make) in offered.items()}
    context.update({
        "task": task, "overdue": days_overdue(task, timezone.localdate()),
        "today": timezone.localdate(),
        "document_link": sees_document(user, task),
        "parent_link": task.parent is not None and access.sees_task(user, task.parent),
        "parts": Task.objects.restrict(user).filter(parent=task).select_related("area")
        .order_by("due_on", "id"),
        "events": TaskEvent.objects.filter(task=task).select_related("by")})
    return render(request, "supervision/task_detail.html", context, status=status)


@login_required
@require_GET
def task_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _detail(request, access.get_task_for_user(area_user(request), pk))


def _act(request: HttpRequest, pk: int, *, check: Callable[[AreaUser, Task], None],
         form_class: type[forms.Form], name: str, done: str,
         action: Callable[[Task, AreaUser, dict[str, Any]], Any]) -> HttpResponseBase:
    """One action on a task: fetched in the user's scope (404), checked (403), the form read,
    the service called; its refusal shown on the task's page (400)."""
    user = area_user(request)
    task = access.get_task_for_user(user, pk)
    check(user, task)  # before the form: a 403 whatever it holds
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(task, user, form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("supervision:task", pk=pk)
    return _detail(request, task, status=400, **{name: form})


@login_required
@require_POST
def task_report(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _act(request, pk, check=access.require_may_handle, form_class=ReportForm,
                name="report_form", done=_("The task is reported done; the desk is told."),
                action=lambda task, user, data: services.report_done(
                    task, by=user, report=data["report"]))


@login_required
@require_POST
def task_accept(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _act(request, pk, check=access.require_may_decide, form_class=AcceptForm,
                name="accept_form", done=_("The task is accepted as completed."),
                action=lambda task, user, data: services.accept(
                    task, by=user, note=data["note"]))


@login_required
@require_POST
def task_send_back(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _act(request, pk, check=access.require_may_decide, form_class=SendBackForm,
                name="send_back_form", done=_("The task is sent back to the area."),
                action=lambda task, user, data: services.send_back(
                    task, by=user, note=data["note"], due_on=data["due_on"]))


@login_required
@require_POST
def task_withdraw(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _act(request, pk, check=access.require_may_decide, form_class=WithdrawForm,
                name="withdraw_form", done=_("The task is withdrawn."),
                action=lambda task, user, data: services.withdraw(
                    task, by=user, note=data["note"]))


@login_required
@require_POST
def task_hand_down(request: HttpRequest, pk: int) -> HttpResponseBase:
    """分解下达: the rows of the form, a part for each area below the task's."""
    user = area_user(request)
    task = access.get_task_for_user(user, pk)
    access.require_may_handle(user, task)
    form = RouteForm(request.POST, user=user, under=task.area)
    if form.is_valid():
        try:
            parts = handing.hand_down(task, form.routings(), by=user)
        except ValidationError as error:
            form.refused(error)
        else:
            messages.success(request, ngettext(
                "The task is handed down to %(n)d area.",
                "The task is handed down to %(n)d areas.", len(parts)) % {"n": len(parts)})
            return redirect("supervision:task", pk=pk)
    return _detail(request, task, status=400, hand_down_form=form)
