"""Export of the roster 花名册 in the importer's columns, ID numbers and phones masked by default.

A masked file re-imports as far as its masked cells allow (they are refused, so nothing is
overwritten with stars). An unmasked export decrypts every value: it needs
Capability.REVEAL_IDENTITY and a reason, and is logged with both and `"unmasked": true`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from epigrid.areas.models import Area
from epigrid.core import audit, crypto
from epigrid.core.access import Capability, ScopedQuerySet, ScopedUser, can, require
from epigrid.core.export_jobs import start_export
from epigrid.core.exports import Column
from epigrid.core.imports.registry import ExportSpec
from epigrid.core.models import ExportRun
from epigrid.registry.importers import ID_FIELD, PHONE_FIELD, RosterImporter
from epigrid.registry.models import Person, Residency, Tag

ORDER = ("area_path", "household_id", "id")
ROSTER_TITLE = "roster"


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _tags(person: Person) -> str:
    labels = dict(Tag.choices)
    return "、".join(str(labels[tag]) for tag in person.tag_list if tag in labels)


def _household(attribute: str) -> Callable[[Person], Any]:
    def get(person: Person) -> Any:
        return getattr(person.household, attribute) if person.household else ""
    return get


def _plain(field: str, attribute: str) -> Callable[[Any], str]:
    """The decrypted value (unmasked exports only)."""
    def get(record: Any) -> str:
        if record is None:
            return ""
        token = getattr(record, attribute)
        return crypto.decrypt(token, field) if token else ""
    return get


def roster_columns(unmasked: bool = False) -> list[Column]:
    def col(name: str, value: Callable[[Any], Any]) -> Column:
        return Column(RosterImporter.column(name).label, value)

    household_phone = _plain(PHONE_FIELD, "phone_enc") if unmasked else _household(
        "phone_masked")
    return [
        col("grid_code", lambda p: p.grid.code),
        col("household_number", _household("number")),
        col("address", _household("address")),
        col("head_name", _household("head_name")),
        col("household_phone", (lambda p: household_phone(p.household)) if unmasked
            else household_phone),
        col("name", lambda p: p.name),
        col("id_number", _plain(ID_FIELD, "id_number_enc") if unmasked
            else lambda p: p.id_number_masked),
        col("phone", _plain(PHONE_FIELD, "phone_enc") if unmasked else lambda p: p.phone_masked),
        col("occupation", lambda p: p.occupation),
        col("is_medical_staff", lambda p: _yes_no(p.is_medical_staff)),
        col("tags", _tags),
        col("residency", lambda p: str(dict(Residency.choices).get(p.residency, p.residency))),
        col("returnee_origin", lambda p: p.returnee_origin),
        col("returned_on", lambda p: p.returned_on),
        col("latitude", _household("latitude")),
        col("longitude", _household("longitude")),
    ]


def persons(within: str | None = None) -> ScopedQuerySet:
    """Persons (of the area with code `within`, or all) in roster order; LookupError if unknown."""
    rows = Person.objects.select_related("grid", "household").order_by(*ORDER)
    if within is None:
        return rows
    path = Area.objects.filter(code=within).values_list("path", flat=True).first()
    if path is None:
        raise LookupError(within)
    return rows.within(path)


def check_unmasked(user: ScopedUser, reason: str) -> str:
    """The reason, stripped, when `user` may export full values; else why not."""
    require(user, Capability.REVEAL_IDENTITY)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the full ID numbers and phones are "
                                           "needed.")})
    return reason.strip()


def record_export(*, file_name: str, area: Area | None, unmasked: bool, reason: str,
                  fmt: str) -> None:
    audit.record("export", model=Person._meta.label, object_repr=file_name,
                 changes={"kind": "roster", "unmasked": unmasked, "format": fmt,
                          "area": area.code if area else ""},
                 area_path=area.path if area else "", reason=reason)


@transaction.atomic
def start_roster_export(user: ScopedUser, *, area: Area | None, fmt: str, unmasked: bool = False,
                        reason: str = "") -> ExportRun:
    """Log the roster export of `area` (the user's whole scope when None) and have it written
    in the background (core.export_jobs): a district's roster takes longer than a request may.
    The page and the API both start one here; `area` is one the user sees (their forms check)."""
    require(user, Capability.EXPORT)
    reason = check_unmasked(user, reason) if unmasked else ""
    name = f"{ROSTER_TITLE}-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"
    record_export(file_name=name, area=area, unmasked=unmasked, reason=reason, fmt=fmt)
    return start_export("roster", user, fmt=fmt, file_name=name, params={
        "area": area.pk if area else None, "unmasked": unmasked})


def roster_run(run: ExportRun) -> tuple[QuerySet[Any], list[Column], str]:
    """A roster export run's persons, columns and title (core.export_jobs): its user's scope,
    narrowed to its area; full values only while the user still has the right."""
    user: Any = run.user
    unmasked = bool(run.params.get("unmasked"))
    if unmasked and not can(user, Capability.REVEAL_IDENTITY):
        raise PermissionDenied
    objects = persons().restrict(user)
    if run.params.get("area") is not None:
        path = Area.objects.restrict(user).filter(pk=run.params["area"]).values_list(
            "path", flat=True).first()
        if path is None:
            raise PermissionDenied
        objects = objects.within(path)
    return objects, roster_columns(unmasked), ROSTER_TITLE


EXPORTS = (ExportSpec("roster", gettext_lazy("Roster of households and persons"),
                      roster_columns(), persons),)
