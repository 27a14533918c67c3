"""Lab pages 核酸检测: labs with their load, a lab's results, one result by hand, the queue of
results waiting for a person. All need the LAB_RESULTS capability (and VIEW_CASES, as every page
of cases/urls.py); every row comes through `restrict()` (a lab by its area, a result by its
person's grid or, unmatched, its lab's area), and a lab or result outside the user's area answers
404 like a missing one.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from epigrid.areas.access import area_user
from epigrid.cases import lab_figures, labs
from epigrid.cases.lab_forms import DiscardForm, FilterForm, LabForm, ResolveForm, ResultForm
from epigrid.cases.models import Lab, LabTest
from epigrid.core.access import Capability, ScopedUser, require
from epigrid.core.forms import apply_errors
from epigrid.core.paging import keyset

R = LabTest.Result


def _user(request: HttpRequest) -> Any:
    user = area_user(request)
    require(user, Capability.LAB_RESULTS)
    return user


def get_lab_for_user(user: ScopedUser, pk: int) -> Lab:
    found = Lab.objects.restrict(user).select_related("area").filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such lab."))
    return found


def get_test_for_user(user: ScopedUser, pk: int) -> LabTest:
    found = LabTest.objects.restrict(user).select_related("lab").filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such result."))
    return found


@login_required
@require_GET
def lab_list(request: HttpRequest) -> HttpResponseBase:
    user = _user(request)
    rows = list(Lab.objects.restrict(user).select_related("area"))
    loads = lab_figures.lab_loads(rows)
    waiting = lab_figures.unmatched_counts(rows)
    return render(request, "cases/lab_list.html", {
        "labs": [(lab, loads[lab.pk], waiting.get(lab.pk, 0)) for lab in rows],
        "window_days": lab_figures.WINDOW_DAYS,
        # The page is LAB_RESULTS's, and so is the lab importer (importers.LabResultImporter).
        "upload_url": reverse("imports:new") + "?importer=lab_results"})


def _lab_edit(request: HttpRequest, lab: Lab | None) -> HttpResponseBase:
    user = _user(request)
    form = LabForm(request.POST if request.method == "POST" else None, user=user, lab=lab)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = labs.save_lab(code=data["code"], name=data["name"], area=data["area_code"],
                                  daily_capacity=data["daily_capacity"], lab=lab)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": saved.name})
            return redirect("cases:lab_results", pk=saved.pk)
    return render(request, "cases/lab_form.html", {"form": form, "lab": lab},
                  status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def lab_create(request: HttpRequest) -> HttpResponseBase:
    return _lab_edit(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def lab_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _lab_edit(request, get_lab_for_user(_user(request), pk))


@login_required
@require_GET
def lab_results(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A lab's results, newest id last (keyset pages), filtered by result, day and match."""
    user = _user(request)
    lab = get_lab_for_user(user, pk)
    form = FilterForm(request.GET)
    rows = form.apply(LabTest.objects.restrict(user).filter(lab=lab).select_related("person"))
    tests, next_after = keyset(rows, request)
    query = request.GET.copy()
    query.pop("after", None)
    return render(request, "cases/lab_results.html", {
        "lab": lab, "form": form, "tests": tests, "next_after": next_after,
        "query": query.urlencode(), "load": lab_figures.lab_loads([lab])[lab.pk],
        "days": lab_figures.daily_counts(lab)})


@login_required
@require_http_methods(["GET", "POST"])
def lab_result_create(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = _user(request)
    lab = get_lab_for_user(user, pk)
    form = ResultForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recorded = labs.record_result(lab, by=user, **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _result_message(recorded))
            return redirect(reverse("cases:lab_results", args=[lab.pk])
                            + f"?sample={recorded.test.sample_id}")
    return render(request, "cases/lab_result_form.html", {"form": form, "lab": lab},
                  status=400 if form.is_bound else 200)


def _result_message(recorded: labs.Recorded) -> str:
    test = recorded.test
    words = {"created": _("Sample %(sample)s was recorded."),
             "updated": _("Sample %(sample)s was updated."),
             "unchanged": _("Sample %(sample)s was already recorded; nothing changed.")}
    text = words[recorded.outcome] % {"sample": test.sample_id}
    if test.match == LabTest.Match.UNMATCHED:
        text += " " + _("No single person of your area has its ID number: it waits in the "
                        "queue.")
    if recorded.case is not None:
        text += " " + _("The person's case is now %(state)s.") % {
            "state": recorded.case.get_state_display()}
    return text


@login_required
@require_GET
def lab_unmatched(request: HttpRequest) -> HttpResponseBase:
    """Results waiting for a person, of the labs of the user's area."""
    user = _user(request)
    rows = LabTest.objects.restrict(user).filter(match=LabTest.Match.UNMATCHED).select_related(
        "lab__area")
    tests, next_after = keyset(rows, request)
    return render(request, "cases/lab_unmatched.html", {
        "tests": tests, "next_after": next_after, "resolve_form": ResolveForm(user=user),
        "discard_form": DiscardForm()})


@login_required
@require_POST
def lab_resolve(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = _user(request)
    test = get_test_for_user(user, pk)
    form = ResolveForm(request.POST, user=user)
    if form.is_valid():
        try:
            recorded = labs.assign_person(test, form.cleaned_data["person"], by=user,
                                          note=form.cleaned_data["note"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Sample %(sample)s now belongs to %(name)s.") % {
                "sample": test.sample_id, "name": form.cleaned_data["person"].name}
                + (" " + _("The person's case is now %(state)s.") % {
                    "state": recorded.case.get_state_display()} if recorded.case else ""))
            return redirect("cases:lab_unmatched")
    return _queue_error(request, test, form, "resolve")


@login_required
@require_POST
def lab_discard(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = _user(request)
    test = get_test_for_user(user, pk)
    form = DiscardForm(request.POST)
    if form.is_valid():
        try:
            labs.discard(test, by=user, note=form.cleaned_data["note"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Sample %(sample)s was discarded.") % {
                "sample": test.sample_id})
            return redirect("cases:lab_unmatched")
    return _queue_error(request, test, form, "discard")


def _queue_error(request: HttpRequest, test: LabTest, form: Form,
                 action: str) -> HttpResponseBase:
    return render(request, "cases/lab_queue_error.html", {
        "test": test, "form": form, "action": action}, status=400)
