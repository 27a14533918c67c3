"""Household and person pages: lists with search, details, forms, reveal and duplicates.

Every record comes through `Model.objects.restrict(user)` (details through registry.access, so
missing and forbidden are the same 404). Lists page by key (`?after=<id>`, in area path then id
order: core.paging): no OFFSET and no COUNT over a table of millions; the total shown is the
area's stored household figure.
Full ID numbers and phones appear only in the answer to a reveal POST, which is audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from epigrid.areas.access import area_user
from epigrid.core.access import Capability, can, require
from epigrid.core.audit import record_opened
from epigrid.core.forms import apply_errors
from epigrid.core.paging import keyset, page_number, split_page
from epigrid.core.panels import panels_for
from epigrid.core.views import record_history
from epigrid.registry import services
from epigrid.registry.access import get_household_for_user, get_person_for_user
from epigrid.registry.models import Household, Person, PersonScreening
from epigrid.registry.people_forms import (
    HouseholdFilterForm,
    HouseholdForm,
    MovePersonForm,
    PersonFilterForm,
    PersonForm,
    ResolveForm,
    RevealForm,
)

SCREENING_LIMIT = 50
DUPLICATES_PAGE = 100  # groups a page; settling one moves the later ones up



# --- households --------------------------------------------------------------------------

@login_required
@require_GET
def household_list(request: HttpRequest) -> HttpResponseBase:
    user = area_user(request)
    form = HouseholdFilterForm(request.GET, user=user)
    rows = form.apply(Household.objects.restrict(user).select_related("grid"))
    households, next_after = keyset(rows, request, area_order=True)
    area = form.valid_data().get("area") or user.home_area
    return render(request, "registry/household_list.html", {
        "form": form, "households": households, "next_after": next_after, "area": area,
        "may_change": can(user, Capability.CHANGE_REGISTRY),
        "may_export": can(user, Capability.EXPORT)})


def _household_context(request: HttpRequest, household: Household,
                       **extra: Any) -> dict[str, Any]:
    user = area_user(request)
    members = list(Person.objects.restrict(user).filter(household=household).order_by("pk"))
    may_reveal = can(user, Capability.REVEAL_IDENTITY) and bool(household.phone_enc)
    return {"household": household, "members": members,
            "audit_history": record_history(user, household),
            "may_change": can(user, Capability.CHANGE_REGISTRY),
            "reveal_form": RevealForm(phone_only=True) if may_reveal else None, **extra}


@login_required
@require_GET
def household_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    household = get_household_for_user(area_user(request), pk)
    record_opened(household, household.area_path)
    return render(request, "registry/household_detail.html",
                  _household_context(request, household))


def _household_edit(request: HttpRequest, household: Household | None) -> HttpResponseBase:
    require(area_user(request), Capability.CHANGE_REGISTRY)
    user = area_user(request)
    form = HouseholdForm(request.POST if request.method == "POST" else None, user=user,
                         household=household)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        grid, phone = data.pop("grid_code"), data.pop("phone")
        data.update(data.pop("location"))
        try:
            if household is None:
                saved = services.create_household(grid=grid, phone=phone, **data)
            else:
                saved = services.update_household(household, grid=grid,
                                                  phone=phone or None, **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(address)s was saved.") % {"address": saved.address})
            return redirect("registry:household_detail", pk=saved.pk)
    return render(request, "registry/household_form.html", {"form": form, "household": household},
                  status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def household_create(request: HttpRequest) -> HttpResponseBase:
    return _household_edit(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def household_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _household_edit(request, get_household_for_user(area_user(request), pk))


# --- persons -----------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def person_list(request: HttpRequest) -> HttpResponseBase:
    """Filters by GET; the exact look-up by ID number or phone by POST (no number in a URL)."""
    user = area_user(request)
    lookup = request.method == "POST"
    filters = PersonFilterForm(None if lookup else request.GET, user=user)
    lookup_form = PersonFilterForm(request.POST if lookup else None, user=user, lookup=True)
    form = lookup_form if lookup else filters
    rows = form.apply(Person.objects.restrict(user).select_related("household", "grid"))
    persons, next_after = keyset(rows, request, area_order=True)
    return render(request, "registry/person_list.html", {
        "form": filters, "lookup_form": lookup_form, "persons": persons,
        "next_after": None if lookup else next_after,
        "searched": lookup or any(request.GET.get(name) for name in form.fields),
        "area": filters.valid_data().get("area"),
        "may_change": can(user, Capability.CHANGE_REGISTRY),
        "may_export": can(user, Capability.EXPORT)})


def _person_context(request: HttpRequest, person: Person, **extra: Any) -> dict[str, Any]:
    user = area_user(request)
    screenings = (PersonScreening.objects.filter(person=person)
                  .select_related("visit__campaign")
                  .order_by("-visit__visited_at", "-id")[:SCREENING_LIMIT])
    may_reveal = can(user, Capability.REVEAL_IDENTITY) and bool(
        person.id_number_enc or person.phone_enc)
    return {"person": person, "screenings": screenings,
            "audit_history": record_history(user, person),
            "may_change": can(user, Capability.CHANGE_REGISTRY),
            "reveal_form": RevealForm() if may_reveal else None,
            "panels": panels_for("person", request, person), **extra}


@login_required
@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    person = get_person_for_user(area_user(request), pk)
    record_opened(person, person.area_path)
    return render(request, "registry/person_detail.html", _person_context(request, person))


def _person_edit(request: HttpRequest, person: Person | None,
                 household: Household | None) -> HttpResponseBase:
    require(area_user(request), Capability.CHANGE_REGISTRY)
    form = PersonForm(request.POST if request.method == "POST" else None,
                      user=area_user(request), household=household, person=person)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        try:
            if person is None:
                saved = services.create_person(household=household, **fields)
            else:
                fields["id_number"] = fields["id_number"] or None  # empty keeps the stored one
                fields["phone"] = fields["phone"] or None
                saved = services.update_person(person, **fields)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": saved.name})
            return redirect("registry:person_detail", pk=saved.pk)
    return render(request, "registry/person_form.html", {
        "form": form, "person": person, "household": household},
        status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponseBase:
    """A new person; `?household=<id>` adds a member to that household on the spot."""
    raw = request.GET.get("household", "")
    household = get_household_for_user(area_user(request), int(raw)) if raw.isdigit() else None
    return _person_edit(request, None, household)


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    person = get_person_for_user(area_user(request), pk)
    return _person_edit(request, person, person.household)


@login_required
@require_http_methods(["GET", "POST"])
def person_move(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Move a person into another household of the user's area (services.move_person)."""
    person = get_person_for_user(area_user(request), pk)
    require(area_user(request), Capability.CHANGE_REGISTRY)
    form = MovePersonForm(request.POST or None, user=area_user(request))
    if request.method == "POST" and form.is_valid():
        household = form.cleaned_data["household"]
        try:
            services.move_person(person, household)
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, _("%(name)s now lives at %(address)s.") % {
                "name": person.name, "address": household.address})
            return redirect("registry:person_detail", pk=person.pk)
    return render(request, "registry/person_move.html", {"form": form, "person": person},
                  status=400 if form.is_bound else 200)


# --- reveal: POST only, with a reason, shown once on the answer, audited -------------------

def _reveal(request: HttpRequest, record: Person | Household, template: str,
            context: Any) -> HttpResponseBase:
    require(area_user(request), Capability.REVEAL_IDENTITY)
    form = RevealForm(request.POST, phone_only=isinstance(record, Household))
    if form.is_valid():
        field = form.cleaned_data["field"]
        try:
            value = services.reveal(record, field, user=area_user(request),
                                    reason=form.cleaned_data["reason"])
        except ValueError:
            form.add_error("field", _("This record has no such value."))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            response = render(request, template, context(
                request, record, revealed={"field": field, "value": value}))
            response["Cache-Control"] = "no-store"  # the full value must not stay in a cache
            return response
    return render(request, template, context(request, record, reveal_form=form), status=400)


@login_required
@require_POST
def person_reveal(request: HttpRequest, pk: int) -> HttpResponseBase:
    person = get_person_for_user(area_user(request), pk)
    return _reveal(request, person, "registry/person_detail.html", _person_context)


@login_required
@require_POST
def household_reveal(request: HttpRequest, pk: int) -> HttpResponseBase:
    household = get_household_for_user(area_user(request), pk)
    return _reveal(request, household, "registry/household_detail.html", _household_context)


# --- duplicates --------------------------------------------------------------------------

def _duplicates_page(request: HttpRequest, status: int = 200,
                     **extra: Any) -> HttpResponseBase:
    user = area_user(request)
    page = page_number(request)
    groups, more = split_page(services.duplicate_groups(
        user, DUPLICATES_PAGE + 1, (page - 1) * DUPLICATES_PAGE), DUPLICATES_PAGE)
    failed = extra.pop("failed", None)
    if failed is not None:  # the form that failed is shown again on its group, with its errors
        extra["failed_pk"] = next((g.first.pk for g in groups
                                   if g.key == failed.id_number_hash), None)
    return render(request, "registry/duplicates.html", {
        "groups": groups, "page": page, "next_page": page + 1 if more else None,
        "resolve_form": ResolveForm(),
        "may_resolve": can(user, Capability.CHANGE_REGISTRY), **extra}, status=status)


@login_required
@require_GET
def duplicates(request: HttpRequest) -> HttpResponseBase:
    return _duplicates_page(request)


@login_required
@require_POST
def duplicate_resolve(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Settle the duplicate group of person `pk` (any person of the group names it)."""
    user = area_user(request)
    person = get_person_for_user(user, pk)
    require(area_user(request), Capability.CHANGE_REGISTRY)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            services.resolve_duplicate(person, user=user, note=form.cleaned_data["note"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The duplicate was marked as settled."))
            # The form posts with its list's page: the list comes back at that page.
            page = page_number(request)
            return redirect(reverse("registry:duplicates") + (f"?page={page}" if page > 1
                                                              else ""))
    return _duplicates_page(request, status=400, failed=person, failed_form=form)

