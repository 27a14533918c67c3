"""The keepers' answer to the hours a volunteer claims 时长申报 (confirmed, which records them,
or declined with a reason), and withdrawing a sign-up 报名 (by the volunteer, or by the
project's keepers for them).

Claims come through `HoursClaim.objects.restrict(user)`: missing and forbidden answer the same
404; a reader of the project who does not keep it gets 403. A refusal (the 24 hours of a day
already served elsewhere, a claim answered already) comes back on the project's page as a
notice, the claim still waiting.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from epigrid.areas.access import area_user
from epigrid.core.forms import flash_errors
from epigrid.volunteers import access, self_service
from epigrid.volunteers.models import HoursClaim, Project, Signup

# The project's page with its keepers' forms, shown again with a refusal.
from epigrid.volunteers.project_views import project_page
from epigrid.volunteers.self_forms import DeclineForm
from epigrid.volunteers.self_views import my_page


def kept_claim(request: HttpRequest, pk: int) -> HoursClaim:
    """A claim in the user's scope (404) on a project the user keeps (403)."""
    user = area_user(request)
    claim = (HoursClaim.objects.restrict(user).select_related("project__area", "volunteer")
             .filter(pk=pk).first())
    if claim is None:
        raise Http404(_("No such claim of hours."))
    access.require_may_manage(user, claim.project.area.path)
    return claim


def _refused(request: HttpRequest, project: Project,
             source: ValidationError | BaseForm) -> HttpResponseBase:
    """A button in a list refused: its messages as notices on the project's page."""
    flash_errors(request, source)
    return project_page(request, project, status=400)


@login_required
@require_POST
def claim_confirm(request: HttpRequest, pk: int) -> HttpResponseBase:
    claim = kept_claim(request, pk)
    try:
        self_service.confirm_claim(claim, by=area_user(request))
    except ValidationError as error:
        return _refused(request, claim.project, error)
    messages.success(request, _("%(hours)s hours of %(name)s on %(day)s confirmed.") % {
        "hours": claim.hours, "name": claim.volunteer.name, "day": claim.served_on.isoformat()})
    return redirect("volunteers:project", pk=claim.project_id)


@login_required
@require_POST
def claim_decline(request: HttpRequest, pk: int) -> HttpResponseBase:
    claim = kept_claim(request, pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _refused(request, claim.project, form)
    try:
        self_service.decline_claim(claim, by=area_user(request),
                                   reason=form.cleaned_data["reason"])
    except ValidationError as error:
        return _refused(request, claim.project, error)
    messages.success(request, _("The claim of %(name)s on %(day)s is declined.") % {
        "name": claim.volunteer.name, "day": claim.served_on.isoformat()})
    return redirect("volunteers:project", pk=claim.project_id)


def reachable_signup(request: HttpRequest, pk: int) -> tuple[Signup, bool]:
    """The user's own sign-up (True), else one of a project in their scope (404 when neither):
    a village's volunteer signs up to the town's projects, which their scope does not hold."""
    user = area_user(request)
    signups = Signup.objects.select_related("project__area", "volunteer")
    own = signups.filter(pk=pk, volunteer__account=user).first()
    if own is not None:
        return own, True
    found = signups.restrict(user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such sign-up."))
    return found, False


@login_required
@require_POST
def signup_withdraw(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = area_user(request)
    signup, own = reachable_signup(request, pk)
    if not own:
        access.require_may_manage(user, signup.project.area.path)
    try:
        self_service.withdraw_signup(signup, by=user)
    except ValidationError as error:
        flash_errors(request, error)
        if own:
            return my_page(request, self_service.volunteer_of(user), status=400)
        return project_page(request, signup.project, status=400)
    messages.success(request, _("The sign-up of %(name)s to %(project)s is withdrawn.") % {
        "name": signup.volunteer.name, "project": signup.project.name})
    if own:
        return redirect("volunteers:me")
    return redirect("volunteers:project", pk=signup.project_id)
