"""Certificates of hours 志愿服务时长证明 (certificates.py): issuing one from the volunteer's own
page or, for the keepers, from a volunteer's page; the certificate as it is printed; looking a
number up.

A volunteer comes through `access.get_volunteer_for_user` (404 missing or out of sight); one
the user may not issue for answers 403; a volunteer with no hours recorded is told so on the
page they came from (400). Certificates come through `certificates.certificates_for`: those of
the volunteers whose area the user sees, and their own.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from epigrid.areas.access import area_user
from epigrid.core.forms import flash_errors
from epigrid.volunteers import access, certificates
from epigrid.volunteers.models import Volunteer
from epigrid.volunteers.self_views import my_page
from epigrid.volunteers.volunteer_views import volunteer_page


class LookupForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Certificate number"), max_length=40,
                             help_text=gettext_lazy("The ten letters and digits printed on it."))


def _issue(request: HttpRequest, volunteer: Volunteer,
           refused_page: HttpResponseBase | None = None) -> HttpResponseBase | None:
    """The certificate's page once issued, or None when refused (the notice flashed)."""
    try:
        made = certificates.issue_certificate(volunteer, by=area_user(request))
    except ValidationError as error:
        flash_errors(request, error)
        return refused_page
    messages.success(request, _("Certificate %(number)s is issued: print this page.")
                     % {"number": made.number})
    return redirect("volunteers:certificate", pk=made.pk)


@login_required
@require_POST
def certificate_issue(request: HttpRequest, pk: int) -> HttpResponseBase:
    volunteer = access.get_volunteer_for_user(area_user(request), pk)
    issued = _issue(request, volunteer)
    return issued or volunteer_page(request, volunteer, status=400)


@login_required
@require_POST
def my_certificate_issue(request: HttpRequest) -> HttpResponseBase:
    volunteer = certificates.own_volunteer(request.user)
    if volunteer is None:
        raise Http404(_("You are not registered as a volunteer."))
    serving = volunteer if volunteer.left_on is None else None
    return _issue(request, volunteer) or my_page(request, serving, status=400)


@login_required
@require_GET
def certificate_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    found = certificates.get_certificate_for_user(area_user(request), pk)
    return render(request, "volunteers/certificate.html", {"certificate": found})


@login_required
@require_GET
def certificate_lookup(request: HttpRequest) -> HttpResponseBase:
    form = LookupForm(request.GET or None)
    if form.is_valid():
        found = certificates.find_certificate(area_user(request), form.cleaned_data["number"])
        if found is not None:
            return redirect("volunteers:certificate", pk=found.pk)
        form.add_error("number", _("No certificate numbered %(number)s among your areas.")
                       % {"number": certificates.normal_number(form.cleaned_data["number"])})
    return render(request, "volunteers/certificate_lookup.html", {"form": form},
                  status=400 if form.is_bound and form.errors else 200)
