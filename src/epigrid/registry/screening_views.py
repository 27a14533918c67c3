"""Screening pages: campaigns, the grid worker's list for today, and the household form.

The household form is sent by offline-forms.js with `Accept: application/json` (answered with
JSON it understands) or, without JavaScript, as a plain post (answered with a redirect).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from epigrid.areas.access import area_user, may_see_path
from epigrid.areas.models import Area, Level
from epigrid.core import offline
from epigrid.core.access import Capability, can, require, sees_everything
from epigrid.core.forms import apply_errors
from epigrid.core.http import wants_json
from epigrid.core.panels import panels_for
from epigrid.registry import campaigns, nearby, screening
from epigrid.registry.models import Household, HouseholdVisit, ScreeningCampaign
from epigrid.registry.progress import SEGMENT
from epigrid.registry.progress_views import area_figures
from epigrid.registry.screening_forms import (
    NEW_MEMBER_ROWS,
    CampaignChangeForm,
    CampaignForm,
    MemberForm,
    NewMemberForm,
    VisitForm,
)

RECENT_VISITS = 50
TODAY_LIMIT = 300  # a grid holds a few hundred households; wider scopes narrow by grid
# The round's pages open without signal from copies its service worker keeps (core.offline):
# the list and the forms of its first doors, a morning's walk, kept when the list opens.
ROUND_CACHE = "epigrid-round-v1"
OFFLINE_KEEP = 60


def _campaign_for(request: HttpRequest, pk: int) -> ScreeningCampaign:
    found = screening.campaigns_for(area_user(request)).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such campaign."))
    return found


def _household_for(request: HttpRequest, campaign: ScreeningCampaign, pk: int) -> Household:
    found = Household.objects.restrict(area_user(request)).within(
        campaign.area_path).select_related("grid").filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such household."))
    return found


@login_required
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponseBase:
    campaigns = screening.campaigns_for(area_user(request))
    page = Paginator(campaigns, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registry/screening_campaign_list.html", {
        "page": page, "today": timezone.localdate(),
        "may_manage": can(area_user(request), Capability.MANAGE_CAMPAIGNS)})


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponseBase:
    user: Any = request.user
    require(user, Capability.MANAGE_CAMPAIGNS)
    form = CampaignForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = screening.start_campaign(user=user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(name)s was started.") % {"name": campaign.name})
            return redirect("registry:screening_campaign", pk=campaign.pk)
    return render(request, "registry/screening_campaign_form.html", {"form": form},
                  status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Rename a campaign or move its dates (registry.campaigns)."""
    campaign = _campaign_for(request, pk)
    if not campaigns.may_change(request.user, campaign):
        raise PermissionDenied
    form = CampaignChangeForm(request.POST or None, initial={
        "name": campaign.name, "starts_on": campaign.starts_on, "ends_on": campaign.ends_on})
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaigns.change_campaign(campaign, request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": campaign.name})
            return redirect("registry:screening_campaign", pk=campaign.pk)
    return render(request, "registry/screening_campaign_form.html",
                  {"form": form, "campaign": campaign}, status=400 if form.is_bound else 200)


@login_required
@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    campaign = _campaign_for(request, pk)
    visits = HouseholdVisit.objects.restrict(area_user(request)).filter(
        campaign=campaign).select_related("household", "worker").order_by("-visited_at", "-id")
    return render(request, "registry/screening_campaign_detail.html", {
        "campaign": campaign, "visits": visits[:RECENT_VISITS],
        "active": campaign.starts_on <= timezone.localdate() <= campaign.ends_on,
        "may_change": campaigns.may_change(request.user, campaign)})


@login_required
@require_GET
def today(request: HttpRequest) -> HttpResponseBase:
    """The worker's round: the households of her area not yet visited in the active campaign.

    Nearest first when the phone tells where she stands (`?near=lat,lon`, asked by the page's
    script); otherwise by grid, household number and address.
    """
    user: Any = request.user
    campaigns = list(screening.active_campaigns(user))
    chosen = request.GET.get("campaign", "")
    campaign = next((c for c in campaigns if str(c.pk) == chosen), campaigns[0] if campaigns
                    else None)
    # What the apps above know of her day (the follow-ups due in home quarantine: cases).
    context: dict[str, Any] = {"campaigns": campaigns, "campaign": campaign,
                               "panels": panels_for("round", request, campaign)}
    if campaign is not None:
        grid = _grid_filter(request)
        path = grid.path if grid is not None else ""
        unvisited = screening.unvisited_households(campaign, user, path)
        area = _round_area(user, campaign, grid)
        wide = area_figures(campaign, area) if area is not None and area.level != Level.GRID \
            else None
        if wide is not None and wide["computed_at"] is not None:
            # Above a grid the stored figures count it: live, a district's count took 120 ms.
            total, left = wide["figures"].households_total, wide["figures"].unvisited
        else:
            total = screening.round_households(campaign, user, path).count()
            left = unvisited.count()
        context |= {"area": area, "children": wide["children"] if wide else [],
                    "computed_at": wide["computed_at"] if wide else None,
                    "up": _up_from(user, campaign, area) if grid is not None else None}
        near = nearby.parse_position(request.GET.get("near", ""))
        ordered = (nearby.nearest_first(unvisited, *near) if near else
                   unvisited.order_by("area_path", "number", "address", "id"))
        context |= {"grid": grid, "total": total, "done": total - left, "left": left,
                    "households": ordered.select_related("grid")[:TODAY_LIMIT],
                    "limit": TODAY_LIMIT, "near": near, "offline_cache": ROUND_CACHE,
                    "offline_keep": OFFLINE_KEEP}
    return render(request, "registry/screening_today.html", context)


@login_required
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The screening pages' service worker: today's round and the forms of its doors open
    without signal (served under /registry/screening/, its scope)."""
    return offline.service_worker(ROUND_CACHE)


def _round_area(user: Any, campaign: ScreeningCampaign, chosen: Area | None) -> Area | None:
    """The area the round covers: the chosen one (else the user's home area) or the campaign's,
    whichever lies within the other; None when they do not meet."""
    if chosen is None and sees_everything(user):
        return campaign.area
    area = chosen if chosen is not None else user.home_area
    if area is None:
        return None
    if area.path.startswith(campaign.area_path):
        return area
    return campaign.area if campaign.area_path.startswith(area.path) else None


def _up_from(user: Any, campaign: ScreeningCampaign, area: Area | None) -> int | None:
    """The parent to go back up to, while it is still in the campaign and the user's area."""
    if area is None or area.parent_id is None or area.path == campaign.area_path:
        return None
    return area.parent_id if may_see_path(user, area.path[:-SEGMENT]) else None


def _grid_filter(request: HttpRequest) -> Area | None:
    raw = request.GET.get("grid", "")
    if not raw.isdigit():
        return None
    return Area.objects.restrict(area_user(request)).filter(pk=int(raw)).first()


@login_required
@require_http_methods(["GET", "POST"])
def household(request: HttpRequest, campaign: int, household: int) -> HttpResponseBase:
    user: Any = request.user
    found_campaign = _campaign_for(request, campaign)
    found = _household_for(request, found_campaign, household)
    require(user, Capability.SCREEN)
    members = list(found.members.order_by("id"))
    data = request.POST if request.method == "POST" else None
    visit_form = VisitForm(data) if data is not None else VisitForm.fresh()
    member_forms = [MemberForm(data, person=person) for person in members]
    new_forms = [NewMemberForm(data, index=n) for n in range(NEW_MEMBER_ROWS)]
    forms: list[Any] = [visit_form, *member_forms, *new_forms]
    if data is not None:
        if all(form.is_valid() for form in forms):
            answer = _record(request, found_campaign, found, visit_form, member_forms, new_forms)
            if answer is not None:
                return answer
        if wants_json(request):
            return JsonResponse({"errors": _errors_of(forms)}, status=422)
    last = HouseholdVisit.objects.filter(campaign=found_campaign, household=found).first()
    return render(request, "registry/screening_household.html", {
        "campaign": found_campaign, "household": found, "visit_form": visit_form,
        "member_forms": member_forms, "new_forms": new_forms, "last_visit": last,
    }, status=400 if data is not None else 200)


def _record(request: HttpRequest, campaign: ScreeningCampaign, household: Household,
            visit_form: VisitForm, member_forms: list[MemberForm],
            new_forms: list[NewMemberForm]) -> HttpResponseBase | None:
    """Store the visit; a refusal goes back onto the forms (and None is returned)."""
    used = [form for form in new_forms if form.is_used()]
    try:
        recorded = screening.record_visit(
            campaign, household, request.user, visit_form.cleaned_data["idempotency_key"],
            visited_at=visit_form.cleaned_data["visited_at"],
            members=[form.screening() for form in member_forms],
            new_members=[form.new_member() for form in used],
            note=visit_form.cleaned_data["note"], position=visit_form.cleaned_data["position"])
    except ValidationError as error:
        _route_errors(error, visit_form, member_forms, used)
        return None
    back = reverse("registry:screening_today") + f"?campaign={campaign.pk}"
    if wants_json(request):
        return JsonResponse({"visit": recorded.visit.pk, "result": recorded.result,
                             "redirect": back}, status=201 if recorded.created else 200)
    messages.success(request, _("The visit of %(address)s was saved.") % {
        "address": household.address})
    return redirect(back)


def _route_errors(error: ValidationError, visit_form: VisitForm, member_forms: list[MemberForm],
                  new_forms: list[NewMemberForm]) -> None:
    """Service keys (`members.0.temperature`) back onto the form and field they name."""
    for key, texts in error.message_dict.items():
        group, _dot, rest = key.partition(".")
        index, _dot, name = rest.partition(".")
        groups: dict[str, list[Any]] = {"members": list(member_forms),
                                        "new_members": list(new_forms)}
        rows = groups.get(group, [])
        form: Any = rows[int(index)] if index.isdigit() and int(index) < len(rows) else visit_form
        shown = name in form.fields and not form.fields[name].widget.is_hidden
        for text in texts:
            form.add_error(name if shown else None, text)


def _errors_of(forms: list[Any]) -> dict[str, list[str]]:
    """Errors by the name of the input they belong to, for a script to show."""
    found: dict[str, list[str]] = {}
    for form in forms:
        for name, errors in form.errors.items():
            found[form.add_prefix(name) if name != "__all__" else "__all__"] = list(errors)
    return found
