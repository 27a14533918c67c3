"""Passage pages: the offline-first logging page 卡口登记, its service worker, the passage list
(the figures' drill-down target) and the fever referrals 发热转诊, with the buttons that mark one
arrived at the fever clinic or close it (CHANGE_CASES; passage_fever's rules). A referral names its
case's state and links to it only for a role that sees cases (VIEW_CASES); checkpoint staff see
that the person is on file, and the referral's own status, which is theirs to follow.

The logging page works without a network: passage_log.js keeps passages in a local queue, each
with its own UUID, and sends them to POST /api/passages/batch when it can; the service worker
(served from /checkpoints/log/, so its scope covers the logging pages) keeps the page and its
static files. Without JavaScript the page posts one passage at a time to itself.
Lists go through `restrict()` and page by key, newest first (`?before=<id>`).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from epigrid.areas.access import area_user
from epigrid.areas.models import Area, Checkpoint, Level
from epigrid.cases.access import may_view_cases
from epigrid.checkpoints import passage_fever, passages
from epigrid.checkpoints.duty_mine import my_shifts
from epigrid.checkpoints.models import Decision, FeverReferral, Passage
from epigrid.checkpoints.passage_forms import (
    PassageFilterForm,
    ReferralFilterForm,
    posted_item,
)
from epigrid.core import offline
from epigrid.core.days import day_bounds
from epigrid.core.forms import flash_errors
from epigrid.core.paging import keyset

# The cache the logging pages keep their copies in (passage_log.js names it too).
PASSAGE_CACHE = "epigrid-passage-log-v1"
QUICK_TEMPERATURES = ("36.0", "36.3", "36.5", "36.8", "37.0")
CHOOSE_LIMIT = 100


def _loggable(request: HttpRequest, pk: int) -> Checkpoint:
    if not passages.may_log_passages(request.user):
        raise PermissionDenied
    found = passages.checkpoints_for_logging(request.user).select_related("area").filter(
        pk=pk).first()
    if found is None:
        raise Http404
    return found


def _villages_near(checkpoint: Checkpoint) -> QuerySet[Area]:
    """The villages of the checkpoint's district: where passers-by say they are going."""
    district = checkpoint.area.path[: Level.DISTRICT * 9]
    return Area.objects.filter(level=Level.VILLAGE, path__startswith=district).only(
        "pk", "name").order_by("name")


@login_required
@require_GET
def log_choose(request: HttpRequest) -> HttpResponse:
    if not passages.may_log_passages(request.user):
        raise PermissionDenied
    loggable = passages.checkpoints_for_logging(request.user)
    rows = loggable.select_related("area").order_by("name", "pk")
    query = request.GET.get("q", "").strip()
    if query:
        rows = rows.filter(name__icontains=query) | rows.filter(code__istartswith=query)
    shown = list(rows[: CHOOSE_LIMIT + 1])
    shifts = my_shifts(area_user(request))
    # A shift at a checkpoint the user was since unassigned from is listed, but not linked:
    # its log page would answer "not found".
    may_log = set(loggable.filter(pk__in={mine.shift.checkpoint_id for mine in shifts})
                  .values_list("pk", flat=True)) if shifts else set()
    return render(request, "checkpoints/passage_choose.html", {
        "checkpoints": shown[:CHOOSE_LIMIT], "more": len(shown) > CHOOSE_LIMIT, "q": query,
        "shifts": shifts, "may_log": may_log})


@login_required
@require_http_methods(["GET", "POST"])
def log_page(request: HttpRequest, pk: int) -> HttpResponseBase:
    checkpoint = _loggable(request, pk)
    if request.method == "POST":  # the page without JavaScript: one passage at a time
        item = posted_item(request.POST) | {"at": request.POST.get("at") or
                                            timezone.now().isoformat()}
        result = passages.record_passage(request.user, checkpoint, item)
        if result.result == passages.ERROR:
            for field, errors in result.errors.items():
                for error in errors:
                    messages.error(request, f"{field}: {error}")
        else:
            messages.success(request, _("Stored."))
        return redirect("checkpoints:passage_log", pk=checkpoint.pk)
    config = {
        "checkpoint": checkpoint.pk, "batchUrl": reverse("api:passages_batch"),
        "workerUrl": reverse("checkpoints:passage_worker"),
        "scope": reverse("checkpoints:passage_log_choose"),
        "threshold": str(settings.FEVER_THRESHOLD), "batchSize": 500,
    }
    return render(request, "checkpoints/passage_log.html", {
        "checkpoint": checkpoint, "config": config, "temperatures": QUICK_TEMPERATURES,
        "villages": _villages_near(checkpoint), "decisions": Decision.choices,
        "threshold": settings.FEVER_THRESHOLD})


@login_required
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The logging pages' service worker, served under their path so its scope covers them."""
    return offline.service_worker(PASSAGE_CACHE)


def _filter_passages(rows: QuerySet[Passage], form: PassageFilterForm) -> QuerySet[Passage]:
    data = form.cleaned_data
    if data.get("checkpoint"):
        rows = rows.filter(checkpoint=data["checkpoint"])
    if data.get("day"):
        start, end = day_bounds(data["day"])
        if data.get("hour") is not None:
            start = start.replace(hour=data["hour"])
            end = start + datetime.timedelta(hours=1)
        rows = rows.filter(at__gte=start, at__lt=end)
    for name in ("decision", "direction", "kind"):
        if data.get(name):
            rows = rows.filter(**{name: data[name]})
    return rows


@login_required
@require_GET
def passage_list(request: HttpRequest) -> HttpResponse:
    user = area_user(request)
    checkpoints = Checkpoint.objects.restrict(user).order_by("name")
    form = PassageFilterForm(request.GET or None, checkpoints=checkpoints)
    rows: QuerySet[Passage] = Passage.objects.restrict(user)
    if form.is_bound and form.is_valid():
        rows = _filter_passages(rows, form)
    elif form.is_bound:
        rows = rows.none()
    shown, before = keyset(rows.select_related("checkpoint", "destination_area"), request,
                          "before", newest_first=True)
    checkpoint = form.cleaned_data.get("checkpoint") if form.is_bound and form.is_valid() \
        else None
    return render(request, "checkpoints/passage_list.html", {
        "form": form, "passages": shown, "next_before": before, "checkpoint": checkpoint,
        "may_log": checkpoint is not None and passages.checkpoints_for_logging(
            user).filter(pk=checkpoint.pk).exists()})


def _referral_page(request: HttpRequest, status: int = 200) -> HttpResponse:
    """The referral list filtered by the query string (the action forms post to it as well)."""
    user = area_user(request)
    form = ReferralFilterForm(request.GET or None)
    rows: QuerySet[FeverReferral] = FeverReferral.objects.restrict(user)
    if form.is_bound and form.is_valid():
        if form.cleaned_data.get("status"):
            rows = rows.filter(status=form.cleaned_data["status"])
        if form.cleaned_data.get("day"):
            start, end = day_bounds(form.cleaned_data["day"])
            rows = rows.filter(passage__at__gte=start, passage__at__lt=end)
    shows_cases = may_view_cases(user)
    related = ["passage", "passage__checkpoint", "passage__destination_area"]
    shown, before = keyset(rows.select_related(*related, *(["case"] if shows_cases else [])),
                           request, "before", newest_first=True)
    return render(request, "checkpoints/passage_referrals.html", {
        "form": form, "referrals": shown, "next_before": before, "shows_cases": shows_cases,
        "may_follow": passage_fever.may_follow_referrals(user),
        "outcome_max": passage_fever.OUTCOME_MAX, "query": request.GET.urlencode()},
        status=status)


@login_required
@require_GET
def referral_list(request: HttpRequest) -> HttpResponse:
    return _referral_page(request)


def _followed_referral(request: HttpRequest, pk: int) -> FeverReferral:
    """A referral the user sees (404 alike for missing and forbidden), if they may follow it."""
    user = area_user(request)
    found = FeverReferral.objects.restrict(user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such fever referral."))
    if not passage_fever.may_follow_referrals(user):
        raise PermissionDenied
    return found


def _after_move(request: HttpRequest, move: Any, done: str) -> HttpResponseBase:
    """Run a move; back to the list as it was filtered, or the list again with the refusal."""
    try:
        move()
    except ValidationError as error:
        flash_errors(request, error)
        return _referral_page(request, status=400)
    messages.success(request, done)
    query = request.GET.urlencode()
    return redirect(reverse("checkpoints:referrals") + (f"?{query}" if query else ""))


@login_required
@require_POST
def referral_arrive(request: HttpRequest, pk: int) -> HttpResponseBase:
    referral = _followed_referral(request, pk)
    return _after_move(request, lambda: passage_fever.mark_arrived(referral, by=request.user),
                       _("Marked arrived at the fever clinic."))


@login_required
@require_POST
def referral_close(request: HttpRequest, pk: int) -> HttpResponseBase:
    referral = _followed_referral(request, pk)
    outcome = request.POST.get("outcome", "")  # an empty or too long note: the service says no
    return _after_move(request, lambda: passage_fever.close_referral(
        referral, by=request.user, outcome=outcome), _("The referral is closed."))
