"""The audit browser: who changed what, when, field by field. Administrators only."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from epigrid.core.access import (
    AreaPathField,
    Capability,
    ScopedUser,
    can,
    require,
    sees_everything,
    subtree_q,
)
from epigrid.core.audit import AuditedModel
from epigrid.core.days import day_start
from epigrid.core.models import AuditEntry
from epigrid.core.paging import page_after


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any
    is_change: bool  # False for a plain value (an export's query), shown as is


@cache
def _model_names() -> dict[str, str]:
    """Record types that are audited, by label, with their (lazy, translated) names: those
    that log themselves (AuditedModel) and those whose services log them by hand, which say
    so with `audit_logged = True` (API tokens, imports, exports...)."""
    return {model._meta.label: model._meta.verbose_name  # type: ignore[misc]
            for model in apps.get_models()
            if issubclass(model, AuditedModel) or getattr(model, "audit_logged", False)}


@cache
def _model(label: str) -> Any:
    """The model of an entry's label; None for a label no model has (a record type gone)."""
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def model_name(label: str) -> str:
    """The record type's name in the reader's language; a label no model has, as stored."""
    model = _model(label)
    return str(model._meta.verbose_name) if model is not None else label


@cache
def _model_fields(label: str) -> dict[str, Any]:
    """The model's concrete fields by attribute name ("area_id" as well as "area"); read twice
    for each entry of a page (its areas' paths, then its changes), built once a model."""
    model = _model(label)
    if model is None:
        return {}
    fields = model._meta.concrete_fields
    return {**{field.name: field for field in fields},
            **{field.attname: field for field in fields}}


def _moment(value: str) -> str:
    """A moment stored as ISO text (2026-12-05T21:29:48.088529+00:00), in local time to the
    second as the page's own times are; anything else as stored."""
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return value
    if timezone.is_naive(moment):
        return value
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def _shown(field: Any, value: Any, paths: dict[str, str] | None = None) -> Any:
    """A stored value as the user knows it: a choice by its label, a moment in local time, an
    area path by its area's name (`paths`), the rest as stored."""
    if field is None or isinstance(value, dict | list):
        return value  # a JSON value (a dict, a list) cannot be a choice: shown as stored
    if isinstance(value, str) and isinstance(field, AreaPathField):
        return (paths or {}).get(value, value)
    if isinstance(value, str) and field.get_internal_type() == "DateTimeField":
        return _moment(value)
    if not field.choices:
        return value
    return dict(field.flatchoices).get(value, value)


# The names of areas by path, for the paths a page of entries shows ("where a problem stands"):
# the areas app registers it (core imports no app). Without it, a path is shown as stored.
PathNames = Callable[[Collection[str]], dict[str, str]]
_path_names: list[PathNames] = []


def register_path_names(names: PathNames) -> None:
    _path_names[:] = [names]


def _changes(entry: AuditEntry) -> Iterable[tuple[str, Any, Any]]:
    """(field name, its model field or None, the value stored) of the entry's changes."""
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    fields = _model_fields(entry.model)
    return ((name, fields.get(name), value) for name, value in changes.items())


def field_changes(entry: AuditEntry, paths: dict[str, str] | None = None) -> list[FieldChange]:
    """The entry's changes as the user knows them; `paths`: area names by path."""
    rows = []
    for name, field, value in _changes(entry):
        label = str(field.verbose_name) if field is not None else name
        if isinstance(value, list) and len(value) == 2:
            rows.append(FieldChange(label, _shown(field, value[0], paths),
                                    _shown(field, value[1], paths), True))
        else:
            rows.append(FieldChange(label, value, None, False))
    return rows


def _area_names(entries: list[AuditEntry]) -> dict[str, str]:
    """The names of the areas whose paths the entries' changes hold, in one query."""
    paths = {v for entry in entries for _name, field, value in _changes(entry)
             if isinstance(field, AreaPathField) and isinstance(value, list)
             for v in value if isinstance(v, str) and v}
    return _path_names[0](paths) if paths and _path_names else {}


def with_changes(entries: list[AuditEntry]) -> list[AuditEntry]:
    """Attach `field_changes` and `model_name` for the template (which cannot call functions)."""
    paths = _area_names(entries)
    for entry in entries:
        entry.field_changes = field_changes(entry, paths)  # type: ignore[attr-defined]
        entry.model_name = model_name(entry.model)  # type: ignore[attr-defined]
    return entries


@dataclass(frozen=True)
class RecordHistory:
    """A record's latest audit entries, for its page, and the audit log's list of them all."""

    entries: list[AuditEntry]
    url: str


HISTORY_LIMIT = 20


def record_history(user: ScopedUser, record: Any) -> RecordHistory | None:
    """Who created, changed, opened or revealed the record, newest first; None for a user who
    may not browse the audit log."""
    if not can(user, Capability.VIEW_AUDIT):
        return None
    label, pk = record._meta.label, str(record.pk)
    entries = list(AuditEntry.objects.filter(model=label, object_pk=pk)[:HISTORY_LIMIT])
    return RecordHistory(with_changes(entries),
                         f"{reverse('core:audit')}?{urlencode({'model': label, 'record': pk})}")


class AuditFilterForm(forms.Form):
    model = forms.ChoiceField(label=_("Record type"), required=False)
    record = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    action = forms.ChoiceField(label=_("Action"), required=False,
                               choices=[("", _("All actions")), *AuditEntry.Action.choices])
    user = forms.CharField(label=_("User name"), max_length=150, required=False)
    day_from = forms.DateField(label=_("From"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))
    day_to = forms.DateField(label=_("To"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = sorted(_model_names().items(), key=lambda item: str(item[1]))
        self.fields["model"].choices = [  # type: ignore[attr-defined]
            ("", _("All record types")), *names]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("day_from"), cleaned.get("day_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The first day comes after the last day."))
        return cleaned

    def apply(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        """The entries the valid filters keep: a bad one is left out and shown with its error
        (a bad day does not undo the record type); a record key no entry can hold keeps none."""
        if not self.is_bound:
            return entries
        self.is_valid()
        data = self.cleaned_data
        if "record" in self.errors:
            return entries.none()
        if data.get("model"):
            entries = entries.filter(model=data["model"])
            if data.get("record"):  # one record's history (its page's link)
                entries = entries.filter(object_pk=data["record"])
        if data.get("action"):
            entries = entries.filter(action=data["action"])
        if user := (data.get("user") or "").strip():
            entries = entries.filter(actor_name__icontains=user)
        if data.get("day_from"):
            entries = entries.filter(at__gte=day_start(data["day_from"]))
        if data.get("day_to"):
            entries = entries.filter(at__lt=day_start(data["day_to"] + datetime.timedelta(days=1)))
        return entries



def _visible(user: ScopedUser) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.all()
    if sees_everything(user):
        return entries
    if not user.scope_path:
        return entries.none()
    return entries.filter(subtree_q("area_path", user.scope_path))


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    """Newest first, paginated by key (`before` an id): no count, no OFFSET over a big log."""
    user: Any = request.user
    require(user, Capability.VIEW_AUDIT)
    form = AuditFilterForm(request.GET or None)
    before = request.GET.get("before", "")
    page, older = page_after(form.apply(_visible(user)), int(before) if before.isdigit()
                             else None, settings.PAGE_SIZE, newest_first=True)
    return render(request, "core/audit_list.html", {
        "form": form, "entries": with_changes(page), "older": older,
        "is_first_page": not before.isdigit()})
