"""Export of the case list 病例·四类人员名单, ID numbers and phones masked by default.

The same columns serve the list page's download (filtered, restricted to the user) and
`epigrid export cases` (registered in CasesConfig.ready). A full-value export decrypts the person's
ID number and phone: it needs Capability.REVEAL_IDENTITY and a reason, and is logged with both
(registry.exporters.check_unmasked and the audit entry here).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from epigrid.areas.models import Area
from epigrid.cases import states
from epigrid.cases.models import Case
from epigrid.core import audit, crypto
from epigrid.core.exports import Column
from epigrid.core.imports.registry import ExportSpec
from epigrid.registry.services import ID_FIELD, PHONE_FIELD

NAME = "cases"


def _plain(field: str, attribute: str) -> Callable[[Case], str]:
    def get(case: Case) -> str:
        token = getattr(case.person, attribute)
        return crypto.decrypt(token, field) if token else ""
    return get


def _category(case: Case) -> str:
    category = states.CATEGORY_OF.get(case.state)
    return str(states.Category(category).label) if category else ""


def case_columns(unmasked: bool = False) -> list[Column]:
    id_number = (_plain(ID_FIELD, "id_number_enc") if unmasked
                 else lambda c: c.person.id_number_masked)
    phone = _plain(PHONE_FIELD, "phone_enc") if unmasked else lambda c: c.person.phone_masked
    return [
        Column(gettext_lazy("Case"), lambda c: c.pk),
        Column(gettext_lazy("Name"), lambda c: c.person.name),
        Column(gettext_lazy("ID number"), id_number),
        Column(gettext_lazy("Phone"), phone),
        Column(gettext_lazy("Grid code"), lambda c: c.grid.code),
        Column(gettext_lazy("Grid"), lambda c: c.grid.name),
        Column(gettext_lazy("State"), lambda c: c.get_state_display()),
        Column(gettext_lazy("Category"), _category),
        Column(gettext_lazy("Open"), lambda c: _("yes") if c.is_open else _("no")),
        Column(gettext_lazy("In this state since"), lambda c: c.state_since),
        Column(gettext_lazy("Severity"), lambda c: c.get_severity_display()),
        Column(gettext_lazy("Found by"), lambda c: c.get_source_display()),
        Column(gettext_lazy("Origin of infection"), lambda c: c.get_origin_display()),
        Column(gettext_lazy("Imported from"), lambda c: c.imported_from),
        Column(gettext_lazy("Onset date"), lambda c: c.onset_date),
        Column(gettext_lazy("Reported on"), lambda c: c.reported_on),
    ]


def cases(within: str | None = None) -> QuerySet[Any]:
    """Cases (of the area with code `within`, or all) in id order; LookupError if unknown."""
    rows = Case.objects.select_related("person", "grid").order_by("pk")
    if within is None:
        return rows
    path = Area.objects.filter(code=within).values_list("path", flat=True).first()
    if path is None:
        raise LookupError(within)
    return rows.within(path)


def record_export(*, file_name: str, query: str, unmasked: bool, reason: str) -> None:
    audit.record("export", model=Case._meta.label, object_repr=file_name,
                 changes={"kind": NAME, "unmasked": unmasked, "query": query}, reason=reason)


EXPORTS = (ExportSpec(NAME, gettext_lazy("Cases of the four categories"), case_columns(),
                      cases),)
