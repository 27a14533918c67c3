"""API of areas (`/api/areas/`) and sites (`/api/sites/{checkpoints,facilities,warehouses}/`).

Every row comes through `Model.objects.restrict(user)`; lists page by key (see core.api). A filter
naming an area the user may not see (`within`, `area`) answers 422, exactly as a missing one does.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import create_model

from epigrid.areas import services
from epigrid.areas.models import Area, Checkpoint, Facility, Level, RiskLevel, Site, Warehouse
from epigrid.core.access import Capability, ScopedUser
from epigrid.core.api import (
    InSchema,
    Page,
    PageParams,
    api_user,
    field_errors,
    get_object_for_user,
    keyset_page,
    require,
)

router = Router(tags=["areas"])
sites_router = Router(tags=["sites"])


# --- schemas ---------------------------------------------------------------------------------

class AreaFilters(InSchema):
    parent: int | None = Field(None, description="Only the direct children of this area id.")
    level: str | None = Field(None, description="1-5, or city, district, town, village, grid.")
    q: str | None = Field(None, max_length=100, description="Name or code contains this.")
    risk_level: RiskLevel | None = None
    within: int | None = Field(None, description="Only this area id and its subtree.")


class AreaOut(Schema):
    id: int
    parent_id: int | None
    level: int
    level_name: str
    code: str
    name: str
    population: int
    households: int
    risk_level: str
    latitude: float | None
    longitude: float | None

    @staticmethod
    def resolve_level_name(obj: Area) -> str:
        return Level(obj.level).name.lower()


class AreaRef(Schema):
    id: int
    name: str
    level: int


class SiteCounts(Schema):
    checkpoints: int
    facilities: int
    warehouses: int


class AreaDetailOut(AreaOut):
    """The figures below are read through the caller's scope (the request is in `context`)."""

    ancestors: list[AreaRef] = Field(description="From the top down, those the user may see.")
    children_count: int
    site_counts: SiteCounts = Field(description="Sites in the area's whole subtree.")
    boundary: dict[str, Any] | None

    @staticmethod
    def resolve_ancestors(obj: Area, context: dict[str, Any]) -> list[Area]:
        visible = Area.objects.restrict(api_user(context["request"]))
        return list(visible.filter(pk__in=obj.ancestor_ids()).order_by("path"))

    @staticmethod
    def resolve_children_count(obj: Area, context: dict[str, Any]) -> int:
        return Area.objects.restrict(api_user(context["request"])).filter(parent=obj).count()

    @staticmethod
    def resolve_site_counts(obj: Area, context: dict[str, Any]) -> dict[str, int]:
        user = api_user(context["request"])
        return {name: model.objects.restrict(user).within(obj.path).count()
                for name, model in SITE_MODELS.items()}


class RiskChangeIn(InSchema):
    level: RiskLevel
    reason: str = Field(max_length=500)
    effective_on: datetime.date | None = Field(None, description="Defaults to today.")


class RiskChangeOut(Schema):
    id: int
    area_id: int
    previous: str
    level: str
    effective_on: datetime.date
    reason: str
    changed_by: str | None
    changed_at: datetime.datetime

    @staticmethod
    def resolve_changed_by(obj: Any) -> str | None:
        return obj.changed_by.username if obj.changed_by is not None else None


class SiteFilters(InSchema):
    area: int | None = Field(None, description="Only sites in this area id's subtree.")
    q: str | None = Field(None, max_length=100, description="Name, code or address contains this.")
    active: bool | None = None


class SiteOut(Schema):
    id: int
    code: str
    name: str
    kind: str | None = Field(None, description="Null for warehouses, which have no kind.")
    area_id: int
    area_name: str
    address: str
    latitude: float | None
    longitude: float | None
    phone: str
    active: bool

    @staticmethod
    def resolve_kind(obj: Site) -> str | None:
        return getattr(obj, "kind", None)

    @staticmethod
    def resolve_area_name(obj: Site) -> str:
        return obj.area.name


# --- helpers ---------------------------------------------------------------------------------

def parse_level(raw: str) -> int:
    """A level given as its number or its English name (`3`, `town`)."""
    value = raw.strip().lower()
    if value.isdigit() and int(value) in Level.values:
        return int(value)
    for level in Level:
        if value == level.name.lower():
            return int(level)
    raise field_errors({"level": [_("Unknown level %(level)s: use 1-5 or city, district, town, "
                                    "village, grid.") % {"level": raw}]}, where="query")


def visible_area(user: ScopedUser, pk: int, param: str, where: str = "query") -> Area:
    """The area a filter (or a body's field: `where`) names; one the user may not see is as
    unknown as a missing one."""
    found = Area.objects.restrict(user).filter(pk=pk).first()
    if found is None:
        raise field_errors({param: [_("No area %(id)s among the areas you may see.") % {
            "id": pk}]}, where=where)
    return found


def filter_areas(user: ScopedUser, filters: AreaFilters) -> QuerySet[Area]:
    areas = Area.objects.restrict(user)
    if filters.parent is not None:
        areas = areas.filter(parent_id=filters.parent)
    if filters.level:
        areas = areas.filter(level=parse_level(filters.level))
    if filters.q:
        areas = areas.filter(Q(name__icontains=filters.q) | Q(code__icontains=filters.q))
    if filters.risk_level:
        areas = areas.filter(risk_level=filters.risk_level)
    if filters.within is not None:
        areas = areas.within(visible_area(user, filters.within, "within").path)
    return areas


# --- areas -----------------------------------------------------------------------------------

@router.get("/", response=Page[AreaOut], summary="Areas you may see")
def list_areas(request: HttpRequest, filters: Query[AreaFilters],
               page: Query[PageParams]) -> dict[str, Any]:
    return keyset_page(filter_areas(api_user(request), filters), page)


@router.get("/{int:id}", response=AreaDetailOut, summary="One area")
def get_area(request: HttpRequest, id: int) -> Area:
    return get_object_for_user(Area, api_user(request), id)


@router.get("/{int:id}/risk-history", response=list[RiskChangeOut],
            summary="An area's risk levels, newest first")
def risk_history(request: HttpRequest, id: int) -> QuerySet[Any]:
    area: Area = get_object_for_user(Area, api_user(request), id)
    return area.risk_changes.select_related("changed_by").order_by("-changed_at", "-id")


@router.post("/{int:id}/risk-level", response={201: RiskChangeOut},
             summary="Change an area's risk level (command)")
def change_risk_level(request: HttpRequest, id: int,
                      payload: RiskChangeIn) -> Status[Any]:
    user = api_user(request)
    require(user, Capability.CHANGE_RISK)
    area: Area = get_object_for_user(Area, user, id)
    # A refused change raises Django's ValidationError; config.api answers it with a 422.
    change = services.change_risk_level(area, RiskLevel(payload.level).value, reason=payload.reason,
                                        changed_by=user, effective_on=payload.effective_on)
    return Status(201, change)


# --- sites: one implementation, registered for each kind of site --------------------------

SITE_MODELS: dict[str, type[Site]] = {
    "checkpoints": Checkpoint, "facilities": Facility, "warehouses": Warehouse}


def filter_sites(model: type[Site], user: ScopedUser, filters: SiteFilters) -> QuerySet[Any]:
    sites = model.objects.restrict(user)
    if filters.area is not None:
        sites = sites.within(visible_area(user, filters.area, "area").path)
    kind = getattr(filters, "kind", None)
    if kind:
        sites = sites.filter(kind=kind)
    if filters.q:
        sites = sites.filter(Q(name__icontains=filters.q) | Q(code__icontains=filters.q)
                             | Q(address__icontains=filters.q))
    if filters.active is not None:
        sites = sites.filter(active=filters.active)
    return sites.select_related("area")


def site_filters_schema(model: type[Site]) -> type[SiteFilters]:
    """The filters of `model`: those of every site, plus `kind` where the model has kinds."""
    kinds = getattr(model, "Kind", None)
    if kinds is None:
        return SiteFilters
    return create_model(f"{model.__name__}Filters", __base__=SiteFilters,
                        kind=(kinds | None, Field(None, description="Only sites of this kind.")))


def register_site_routes(prefix: str, model: type[Site]) -> None:
    def list_sites(request: HttpRequest, filters: Query[SiteFilters],
                   page: Query[PageParams]) -> dict[str, Any]:
        return keyset_page(filter_sites(model, api_user(request), filters), page)

    def get_site(request: HttpRequest, id: int) -> Any:
        return get_object_for_user(model.objects.select_related("area"), api_user(request), id)

    # The filter schema differs by model (kinds), so the annotation is set per registration.
    list_sites.__annotations__["filters"] = Query[site_filters_schema(model)]  # type: ignore[misc]
    sites_router.get(f"/{prefix}/", response=Page[SiteOut], url_name=f"{prefix}-list",
                     operation_id=f"list_{prefix}",
                     summary=f"{prefix.capitalize()} you may see")(list_sites)
    sites_router.get(f"/{prefix}/{{int:id}}", response=SiteOut, url_name=f"{prefix}-detail",
                     operation_id=f"get_{prefix}", summary=f"One of the {prefix}")(get_site)


for _prefix, _model in SITE_MODELS.items():
    register_site_routes(_prefix, _model)
