"""Site pages (checkpoints, facilities, warehouses): one set of views, parametrized by model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from epigrid.areas import services
from epigrid.areas.access import area_user, get_site_for_user
from epigrid.areas.columns import SITE_COLUMNS
from epigrid.areas.forms import SiteFilterForm, SiteForm, site_form_class
from epigrid.areas.models import Checkpoint, Facility, Site, Warehouse
from epigrid.core.access import Capability, can, require
from epigrid.core.exports import FORMATS, export_response
from epigrid.core.forms import apply_errors
from epigrid.core.views import record_history


@dataclass(frozen=True)
class SiteKind:
    """A site model and the names its pages go by."""

    slug: str  # URL segment and name of the list page: "checkpoints"
    singular: str  # prefix of the other URL names: "checkpoint", "checkpoint_edit", ...
    model: type[Site]
    title: str | Promise
    new_label: str | Promise

    @property
    def has_kind(self) -> bool:
        return hasattr(self.model, "Kind")

    @property
    def list_name(self) -> str:
        return f"areas:{self.slug}"

    @property
    def detail_name(self) -> str:
        return f"areas:{self.singular}"

    @property
    def create_name(self) -> str:
        return f"areas:{self.singular}_create"

    @property
    def edit_name(self) -> str:
        return f"areas:{self.singular}_edit"


SITE_KINDS: dict[str, SiteKind] = {kind.slug: kind for kind in (
    SiteKind("checkpoints", "checkpoint", Checkpoint, gettext_lazy("Checkpoints"),
             gettext_lazy("New checkpoint")),
    SiteKind("facilities", "facility", Facility, gettext_lazy("Facilities"),
             gettext_lazy("New facility")),
    SiteKind("warehouses", "warehouse", Warehouse, gettext_lazy("Warehouses"),
             gettext_lazy("New warehouse")),
)}


def _kind(slug: str) -> SiteKind:
    try:
        return SITE_KINDS[slug]
    except KeyError:
        raise Http404 from None


@login_required
@require_GET
def site_list(request: HttpRequest, kind: str) -> HttpResponseBase:
    spec, user = _kind(kind), area_user(request)
    form = SiteFilterForm(request.GET or None, model=spec.model, user=user)
    sites = form.apply(spec.model.objects.restrict(user).select_related("area"))
    fmt = request.GET.get("export")
    if fmt:
        require(user, Capability.EXPORT)
        if fmt not in FORMATS:
            return HttpResponse(_("Unknown export format."), status=400)
        return export_response(request, sites, SITE_COLUMNS[spec.model], fmt, filename=spec.slug)
    page = Paginator(sites, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "areas/site_list.html", {
        "spec": spec, "form": form, "page": page,
        "may_export": can(user, Capability.EXPORT),
        "may_change": can(user, Capability.CHANGE_SITES)})


@login_required
@require_GET
def site_detail(request: HttpRequest, kind: str, pk: int) -> HttpResponseBase:
    spec, user = _kind(kind), area_user(request)
    site = get_site_for_user(spec.model, user, pk)
    return render(request, "areas/site_detail.html", {
        "spec": spec, "site": site, "history": record_history(user, site),
        "may_change": can(user, Capability.CHANGE_SITES)})


def _save(form: SiteForm, spec: SiteKind, site: Site | None) -> Site | None:
    """Write the form through the services; a rule they refuse becomes a form error."""
    fields: dict[str, Any] = dict(form.cleaned_data)
    area = fields.pop("area_code")
    try:
        if site is None:
            return services.create_site(spec.model, area=area, **fields)
        return services.update_site(site, area=area, **fields)
    except ValidationError as error:
        apply_errors(form, error)
        return None


def _edit(request: HttpRequest, spec: SiteKind, site: Site | None) -> HttpResponseBase:
    user = area_user(request)
    require(user, Capability.CHANGE_SITES)
    form_class = site_form_class(spec.model)
    if request.method == "POST":
        form = form_class(request.POST, instance=site, user=user)
        saved = _save(form, spec, site) if form.is_valid() else None
        if saved is not None:
            messages.success(request, _("%(site)s was saved.") % {"site": saved.name})
            return redirect(spec.detail_name, pk=saved.pk)
        status = 400
    else:
        initial = {"area_code": request.GET.get("area_code", "")} if site is None else {}
        form = form_class(instance=site, user=user, initial=initial)
        status = 200
    return render(request, "areas/site_form.html",
                  {"spec": spec, "site": site, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def site_create(request: HttpRequest, kind: str) -> HttpResponseBase:
    return _edit(request, _kind(kind), None)


@login_required
@require_http_methods(["GET", "POST"])
def site_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponseBase:
    spec = _kind(kind)
    site = get_site_for_user(spec.model, area_user(request), pk)
    return _edit(request, spec, site)
