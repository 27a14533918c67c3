"""Risk level pages 风险等级: the proposals of the rules waiting for the command (confirm, or
override with a reason: Capability.CHANGE_RISK), and the current levels of the towns and villages
of the user's area (the map of levels, as a table by level).

Proposals and areas come through `restrict(user)`: a proposal outside the user's subtree answers
404 like a missing one.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from epigrid.areas.access import area_user, root_area_for
from epigrid.areas.models import Area, RiskLevel
from epigrid.core.access import Capability, can
from epigrid.core.forms import apply_errors
from epigrid.core.paging import keyset
from epigrid.reporting import risk_services
from epigrid.reporting.models import ProposalStatus, RiskProposal
from epigrid.reporting.report_forms import ConfirmForm, OverrideForm
from epigrid.reporting.risk_rules import FALLBACK_LEVEL, RISK_AREA_LEVELS, explain, rules

LEVEL_LIST_LIMIT = 200  # areas listed per level on the map of levels


def get_proposal_for_user(user: Any, pk: int) -> RiskProposal:
    found = (RiskProposal.objects.restrict(user).select_related("area", "decided_by")
             .filter(pk=pk).first())
    if found is None:
        raise Http404(_("No such proposal."))
    return found


def _context(request: HttpRequest, **forms: Any) -> dict[str, Any]:
    user = area_user(request)
    decided = request.GET.get("status") == "decided"
    rows = RiskProposal.objects.restrict(user).select_related("area", "decided_by")
    rows = (rows.exclude(status=ProposalStatus.PENDING) if decided
            else rows.filter(status=ProposalStatus.PENDING))
    proposals, next_after = keyset(rows, request, newest_first=True)
    for proposal in proposals:  # the reason in the reader's language
        proposal.reason_shown = explain(
            proposal.rule, proposal.figures, proposal.day, proposal.reason)
    may_decide = can(user, Capability.CHANGE_RISK)
    return {"proposals": proposals, "next_after": next_after, "decided": decided,
            "may_decide": may_decide, "rules": rules(), "fallback": FALLBACK_LEVEL,
            "confirm_form": forms.get("confirm_form") or ConfirmForm(),
            "override_form": forms.get("override_form") or OverrideForm(),
            "failed": forms.get("failed")}


@login_required
@require_GET
def risk_proposals(request: HttpRequest) -> HttpResponseBase:
    return render(request, "reporting/risk_proposals.html", _context(request))


@login_required
@require_POST
def risk_confirm(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = area_user(request)
    proposal = get_proposal_for_user(user, pk)
    if not can(user, Capability.CHANGE_RISK):
        raise PermissionDenied(_("Your role may not change risk levels."))
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            risk_services.confirm_proposal(proposal, by=user, note=form.cleaned_data["note"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(area)s is now at risk level %(level)s.") % {
                "area": proposal.area.name, "level": proposal.get_proposed_level_display()})
            return redirect("reporting:risk_proposals")
    return render(request, "reporting/risk_proposals.html",
                  _context(request, confirm_form=form, failed=proposal.pk), status=400)


@login_required
@require_POST
def risk_override(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = area_user(request)
    proposal = get_proposal_for_user(user, pk)
    if not can(user, Capability.CHANGE_RISK):
        raise PermissionDenied(_("Your role may not change risk levels."))
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            decided = risk_services.override_proposal(
                proposal, level=form.cleaned_data["level"], by=user,
                note=form.cleaned_data["note"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(area)s stays at or moves to risk level %(level)s, "
                                        "as you decided.") % {
                "area": proposal.area.name, "level": decided.get_decided_level_display()})
            return redirect("reporting:risk_proposals")
    return render(request, "reporting/risk_proposals.html",
                  _context(request, override_form=form, failed=proposal.pk), status=400)


@login_required
@require_GET
def risk_levels(request: HttpRequest) -> HttpResponseBase:
    """The current levels of the towns and villages the user sees: counts, then the areas of
    each level (high first)."""
    user = area_user(request)
    root = root_area_for(user)
    if root is None:
        raise Http404(_("You have no area."))
    areas = Area.objects.restrict(user).filter(level__in=RISK_AREA_LEVELS)
    counts = dict(areas.order_by().values_list("risk_level").annotate(n=Count("id")))
    levels = []
    for level in (RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW):
        listed = list(areas.filter(risk_level=level).select_related("parent")
                      .order_by("path")[:LEVEL_LIST_LIMIT + 1])
        levels.append({"level": level, "count": counts.get(level, 0),
                       "areas": listed[:LEVEL_LIST_LIMIT],
                       "more": len(listed) > LEVEL_LIST_LIMIT})
    return render(request, "reporting/risk_levels.html", {
        "root": root, "levels": levels, "public_list": settings.CAP_FEED})
