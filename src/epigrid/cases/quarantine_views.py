"""Quarantine and follow-up pages: the list, a quarantine, starting one from a case, the
follow-up round of the day (made for a phone), and the rooms of a quarantine site.

Every record comes through `restrict(user)` (missing and forbidden answer the same 404); writes
call quarantine.py and followup.py and show their refusals on the form.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from epigrid.areas.access import area_user, get_site_for_user
from epigrid.areas.models import Facility
from epigrid.cases import followup
from epigrid.cases import quarantine as q
from epigrid.cases.access import get_case_for_user
from epigrid.cases.models import FollowUp, MissedFollowUp, Quarantine, QuarantineRoom
from epigrid.cases.quarantine_forms import (
    ExtendForm,
    FollowUpForm,
    QuarantineFilterForm,
    ReleaseForm,
    RoomEditForm,
    RoomForm,
    StartForm,
    due_soon,
    quarantine_sites,
)
from epigrid.core import offline
from epigrid.core.access import Capability, can, require
from epigrid.core.days import day_bounds
from epigrid.core.forms import apply_errors, flash_errors
from epigrid.core.http import wants_json
from epigrid.core.paging import keyset

DETAIL_ROWS = 60  # follow-ups shown on a quarantine's page: a month of two slots a day
# The follow-ups page opens without signal from the copy its service worker keeps
# (core.offline); a copy is good until its day ends (the forms' keys name the day).
FOLLOWUP_CACHE = "epigrid-follow-ups-v1"



def get_quarantine_for_user(user: Any, pk: int) -> Quarantine:
    found = Quarantine.objects.restrict(user).select_related(
        "case__person", "case__grid", "site", "room").filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such quarantine."))
    return found


def _site(request: HttpRequest, pk: int) -> Facility:
    site = get_site_for_user(Facility, area_user(request), pk)
    if site.kind != Facility.Kind.QUARANTINE_SITE:
        raise Http404(_("No such quarantine site."))
    return site


# --- quarantines -------------------------------------------------------------------------------

@login_required
@require_GET
def quarantine_list(request: HttpRequest) -> HttpResponseBase:
    user = area_user(request)
    form = QuarantineFilterForm(request.GET, user=user)
    rows = form.apply(Quarantine.objects.restrict(user)).select_related(
        "case__person", "case__grid", "site", "room")
    quarantines, next_after = keyset(rows, request, newest_first=True)
    for quarantine in quarantines:
        quarantine.due_soon = due_soon(quarantine)
    query = request.GET.copy()
    query.pop("after", None)
    return render(request, "cases/quarantine_list.html", {
        "form": form, "quarantines": quarantines, "next_after": next_after,
        "query": query.urlencode()})


def _detail_context(request: HttpRequest, quarantine: Quarantine, **forms: Any) -> dict[str, Any]:
    user = area_user(request)
    may_change = can(user, Capability.CHANGE_CASES) and quarantine.ended_on is None
    return {
        "quarantine": quarantine, "person": quarantine.case.person,
        "follow_ups": FollowUp.objects.filter(quarantine=quarantine).select_related(
            "recorded_by").order_by("-day", "-slot")[:DETAIL_ROWS],
        "missed": MissedFollowUp.objects.filter(quarantine=quarantine).order_by("-day", "slot"),
        "negatives": list(q.negative_tests(quarantine)[:5]),
        "needed": settings.QUARANTINE_RELEASE_NEGATIVE_TESTS,
        "may_change": may_change,
        "may_follow_up": can(user, Capability.FOLLOW_UP) and quarantine.ended_on is None,
        "release_form": forms.get("release_form") or (ReleaseForm() if may_change else None),
        "extend_form": forms.get("extend_form") or (ExtendForm() if may_change else None),
    }


@login_required
@require_GET
def quarantine_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    quarantine = get_quarantine_for_user(area_user(request), pk)
    return render(request, "cases/quarantine_detail.html", _detail_context(request, quarantine))


@login_required
@require_POST
def quarantine_release(request: HttpRequest, pk: int) -> HttpResponseBase:
    quarantine = get_quarantine_for_user(area_user(request), pk)
    require(area_user(request), Capability.CHANGE_CASES)
    form = ReleaseForm(request.POST)
    if form.is_valid():
        try:
            q.release(quarantine, by=area_user(request), on=form.cleaned_data["on"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(name)s was released from quarantine.")
                             % {"name": quarantine.case.person.name})
            return redirect("cases:quarantine_detail", pk=pk)
    return render(request, "cases/quarantine_detail.html",
                  _detail_context(request, quarantine, release_form=form), status=400)


@login_required
@require_POST
def quarantine_extend(request: HttpRequest, pk: int) -> HttpResponseBase:
    quarantine = get_quarantine_for_user(area_user(request), pk)
    require(area_user(request), Capability.CHANGE_CASES)
    form = ExtendForm(request.POST)
    if form.is_valid():
        try:
            extended = q.extend(quarantine, form.cleaned_data["exposure_date"],
                                form.cleaned_data["reason"], by=area_user(request))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The quarantine now runs until %(end)s.")
                             % {"end": extended.planned_end.isoformat()})
            return redirect("cases:quarantine_detail", pk=pk)
    return render(request, "cases/quarantine_detail.html",
                  _detail_context(request, quarantine, extend_form=form), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def quarantine_start(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Start a quarantine for case `pk` (linked from the case's page)."""
    user = area_user(request)
    case = get_case_for_user(user, pk)
    require(area_user(request), Capability.CHANGE_CASES)
    form = StartForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            quarantine = q.start_quarantine(case, data["kind"], starts_on=data["starts_on"],
                                            site=data["site"], room=data["room"], by=user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(name)s is in quarantine until %(end)s.") % {
                "name": case.person.name, "end": quarantine.planned_end.isoformat()})
            return redirect("cases:quarantine_detail", pk=quarantine.pk)
    return render(request, "cases/quarantine_start.html", {"case": case, "form": form},
                  status=400 if form.is_bound else 200)


# --- follow-ups --------------------------------------------------------------------------------

# A person's form of a slot is the slot's empty form with the person's prefix, as a formset's
# empty_form: each slot's is rendered once a page, then its prefix set per person (rendering each
# form's widgets took most of a 50-person page's time).
BLANK = "__prefix__"


def _slot_fields(form: FollowUpForm, may_record: bool) -> str:
    return render_to_string("cases/followup__slot_fields.html",
                            {"form": form, "may_record": may_record})


def _round_forms(rows: list[followup.TodayRow], day: Any, may_record: bool
                 ) -> list[dict[str, Any]]:
    """Each person's open slots, as their empty forms' fields (HTML)."""
    blank: dict[str, str] = {}
    items = []
    for row in rows:
        forms = {}
        for slot in row.due:
            if slot not in blank:
                blank[slot] = _slot_fields(FollowUpForm(prefix=f"q{BLANK}-{slot}", initial={
                    "day": day, "slot": slot}), may_record)
            # Our own rendering; the prefix is made of an id and a slot's code.
            forms[slot] = mark_safe(blank[slot].replace(  # noqa: S308
                f"q{BLANK}-", f"q{row.quarantine.pk}-"))
        items.append({"row": row, "forms": forms})
    return items


def _today_context(request: HttpRequest) -> dict[str, Any]:
    user, day = area_user(request), timezone.localdate()
    raw = request.GET.get("site", "")
    site = _site(request, int(raw)) if raw.isdigit() else None
    quarantines = (followup.site_quarantines(user, site) if site
                   else followup.home_quarantines(user))
    page = Paginator(followup.open_on(quarantines, day), settings.PAGE_SIZE).get_page(
        request.GET.get("page"))
    rows = followup.rows_of(page.object_list, day)
    may_record = can(user, Capability.FOLLOW_UP)
    return {"day": day, "site": site, "sites": quarantine_sites(user), "page": page,
            "items": _round_forms(rows, day, may_record), "slots": FollowUp.Slot.choices,
            "may_record": may_record, "offline_cache": FOLLOWUP_CACHE,
            "offline_until": day_bounds(day)[1].isoformat()}


@login_required
@require_GET
def followup_today(request: HttpRequest) -> HttpResponseBase:
    return render(request, "cases/followup_today.html", _today_context(request))


@login_required
@require_GET
def followup_worker(request: HttpRequest) -> HttpResponse:
    """The follow-ups page's service worker, served under its path so its scope covers it."""
    return offline.service_worker(FOLLOWUP_CACHE)


@login_required
@require_POST
def followup_record(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Record one slot of quarantine `pk`; back to the round (the site's, if one was chosen)."""
    quarantine = get_quarantine_for_user(area_user(request), pk)
    require(area_user(request), Capability.FOLLOW_UP)
    slot = request.POST.get("slot", "")
    form = FollowUpForm(request.POST, prefix=f"q{pk}-{slot}")
    if form.is_valid():
        try:
            recorded = followup.record_follow_up(
                quarantine, day=form.cleaned_data["day"], slot=form.cleaned_data["slot"],
                temperature=form.temperature_value(), symptoms=form.symptom_text(),
                by=area_user(request))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            name = quarantine.case.person.name
            if recorded.resent:
                messages.info(request, _("%(name)s: already saved.") % {"name": name})
            elif recorded.escalated:
                messages.warning(request, _("%(name)s has a fever: the case is now “fever, not "
                                            "ruled out” and the village is told.") % {"name": name})
            elif recorded.abnormal:
                messages.warning(request, _("%(name)s has a fever: the site's medical staff are "
                                            "told.") % {"name": name})
            else:
                messages.success(request, _("%(name)s: saved.") % {"name": name})
            # Back to the same site's round, on the page this person is on.
            kept = {key: request.GET[key] for key in ("site", "page")
                    if request.GET.get(key, "").isdigit()}
            back = reverse("cases:followup_today")
            back = f"{back}?{urlencode(kept)}" if kept else back
            if wants_json(request):  # the phone's offline queue (web/offline-forms.js)
                return JsonResponse({"redirect": back}, status=200 if recorded.resent else 201)
            return redirect(back)
    if wants_json(request):
        return JsonResponse({"errors": {form.add_prefix(name) if name != "__all__" else name:
                                        list(errors) for name, errors in form.errors.items()}},
                            status=422)
    context = _today_context(request)
    context["refused"] = form
    mine = [item for item in context["items"] if item["row"].quarantine.pk == pk]
    fields = _slot_fields(form, context["may_record"])  # with its errors, in the empty's place
    if mine:
        mine[0]["forms"][slot] = fields  # a slot already recorded shows its refused form too
    else:
        # Not on today's list (ended, or a site's person seen from the grid): show it alone.
        context["items"] = [{"row": followup.TodayRow(quarantine=quarantine),
                             "forms": {slot: fields}}]
    return render(request, "cases/followup_today.html", context, status=400)


# --- rooms -------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def quarantine_site_rooms(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A site's rooms with their places taken; its quarantines of the people the user sees."""
    user = area_user(request)
    site = _site(request, pk)
    may_change = can(user, Capability.CHANGE_SITES)
    form = RoomForm(request.POST or None)
    if request.method == "POST":
        require(area_user(request), Capability.CHANGE_SITES)
        if form.is_valid():
            try:
                room = q.create_room(site, form.cleaned_data["number"],
                                     form.cleaned_data["capacity"])
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Room %(number)s was added.")
                                 % {"number": room.number})
                return redirect("cases:quarantine_site_rooms", pk=pk)
    uses = q.room_uses(site)
    occupants = Quarantine.objects.restrict(user).filter(
        site=site, ended_on__isnull=True).select_related("case__person", "case__grid", "room")
    shown = list(occupants.order_by("room__number", "pk"))
    taken = sum(use.taken for use in uses)
    return render(request, "cases/quarantine_rooms.html", {
        "site": site, "uses": uses, "occupants": shown, "unseen": taken - len(shown),
        "places": sum(use.room.capacity for use in uses if use.room.active), "taken": taken,
        "form": form if may_change else None,
        "edit_forms": {use.room.pk: RoomEditForm(initial={
            "capacity": use.room.capacity, "active": use.room.active}) for use in uses}
        if may_change else {}}, status=400 if form.is_bound else 200)


@login_required
@require_POST
def quarantine_room_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = area_user(request)
    room = QuarantineRoom.objects.restrict(user).select_related("site").filter(pk=pk).first()
    if room is None:
        raise Http404(_("No such room."))
    require(area_user(request), Capability.CHANGE_SITES)
    form = RoomEditForm(request.POST)
    if form.is_valid():
        try:
            q.update_room(room, capacity=form.cleaned_data["capacity"],
                          active=form.cleaned_data["active"])
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("Room %(number)s was saved.") % {"number": room.number})
    else:
        messages.error(request, _("Room %(number)s: enter 1 to 50 places.")
                       % {"number": room.number})
    return redirect("cases:quarantine_site_rooms", pk=room.site_id)
