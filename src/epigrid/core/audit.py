"""Who is acting, and the record of what they changed.

The actor lives in a context variable: the middleware sets it for a request, the CLI and tasks
with `acting_as()`. `AuditedModel` subclasses log every create, update and delete by themselves,
so no view or service can forget to.
"""

from __future__ import annotations

import contextvars
import datetime
import decimal
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import models
from django.utils import timezone

_actor: contextvars.ContextVar[Any] = contextvars.ContextVar("epigrid_actor", default=None)
_reason: contextvars.ContextVar[str] = contextvars.ContextVar("epigrid_reason", default="")


def current_actor() -> Any:
    actor = _actor.get()
    if hasattr(actor, "META"):  # a request: its user may be set late (API token auth)
        return getattr(actor, "user", None)
    return actor


@contextmanager
def acting_as(user: Any, reason: str = "") -> Iterator[None]:
    actor_token = _actor.set(user)
    reason_token = _reason.set(reason)
    try:
        yield
    finally:
        _actor.reset(actor_token)
        _reason.reset(reason_token)


def jsonable(value: Any) -> Any:
    """A field value as it is stored in the log: JSON types only."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dict | list):
        return value
    return str(value)


def record(action: str, *, model: str, object_pk: Any = None, object_repr: str = "",
           changes: dict[str, Any] | None = None, area_path: str = "",
           reason: str = "") -> None:
    from epigrid.core.models import AuditEntry

    actor = current_actor()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    AuditEntry.objects.create(
        actor=actor if authenticated else None,
        actor_name=str(getattr(actor, "username", "")) if authenticated else "",
        action=action,
        model=model,
        object_pk=str(object_pk) if object_pk is not None else "",
        object_repr=object_repr[:200],
        changes=changes or {},
        area_path=area_path,
        reason=reason or _reason.get(),
    )


def _entry(action: str, record: AuditedModel, changes: dict[str, Any]) -> Any:
    from epigrid.core.models import AuditEntry

    actor = current_actor()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry(actor=actor if authenticated else None,
                      actor_name=str(getattr(actor, "username", "")) if authenticated else "",
                      action=action, model=record._meta.label, object_pk=str(record.pk),
                      object_repr=str(record)[:200], changes=changes,
                      area_path=record.audit_area_path(), reason=_reason.get())


def record_bulk(created: Sequence[AuditedModel] = (),
                updated: Sequence[tuple[AuditedModel, dict[str, list[Any]]]] = ()) -> None:
    """The log of records written in bulk (bulk_create and update() call no save()): for each
    created one the entry its save() would write, for each updated one its (field: [before,
    after]) changes; all in one INSERT."""
    from epigrid.core.models import AuditEntry

    entries = [_entry("create", record, {name: [None, value] for name, value
                                         in record._audit_values().items()
                                         if value not in (None, "")}) for record in created]
    entries += [_entry("update", record, changes) for record, changes in updated]
    AuditEntry.objects.bulk_create(entries)


# A user reading the same record again within this time is not logged again: one entry tells
# who looked at whom, and when; a page reloaded, or read back after an edit, tells nothing more.
OPENED_AGAIN_WITHIN = datetime.timedelta(minutes=10)


def record_opened(record: models.Model, area_path: str) -> None:
    """Log that the acting user opened a person's record (a page or an API answer showing it,
    masked): who read whose data is asked of a health system as often as who changed it. Full
    values shown are logged apart, with their reason (`view`)."""
    from epigrid.core.models import AuditEntry

    actor = current_actor()
    if actor is None or not getattr(actor, "is_authenticated", False):
        return
    model, pk = record._meta.label, str(record.pk)
    if AuditEntry.objects.filter(model=model, object_pk=pk, action="open", actor=actor,
                                 at__gte=timezone.now() - OPENED_AGAIN_WITHIN).exists():
        return
    AuditEntry.objects.create(actor=actor, actor_name=str(actor.username), action="open",
                              model=model, object_pk=pk, object_repr=str(record)[:200],
                              area_path=area_path)


class AuditedModel(models.Model):
    """A domain record whose creates, updates and deletes are logged field by field."""

    # Fields that change on their own (timestamps) or hold secrets are left out of the log.
    audit_exclude: tuple[str, ...] = ("updated_at", "created_at")
    _audit_loaded: tuple[Any, Any]  # (field names, values) as from_db() got them
    _audit_snapshot: dict[str, Any]  # their loggable form, made on first need

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        creating = self._state.adding
        before = self.audit_before()
        super().save(*args, **kwargs)
        after = self._audit_values()
        if creating:
            changes = {name: [None, value] for name, value in after.items()
                       if value not in (None, "")}
        else:
            changes = {name: [before.get(name), value] for name, value in after.items()
                       if name in before and before[name] != value}
            if not changes:
                self._audit_snapshot = after
                return
        record("create" if creating else "update", model=self._meta.label, object_pk=self.pk,
               object_repr=str(self), changes=changes, area_path=self.audit_area_path())
        self._audit_snapshot = after

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        pk, text, path = self.pk, str(self), self.audit_area_path()
        before = self._audit_values()
        result = super().delete(*args, **kwargs)
        record("delete", model=self._meta.label, object_pk=pk, object_repr=text,
               changes={name: [value, None] for name, value in before.items()}, area_path=path)
        return result

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Any:
        instance = super().from_db(db, field_names, values)
        # The values as loaded, made loggable only if the record is saved: a page that lists
        # thousands of records must not pay for their snapshots.
        instance._audit_loaded = (field_names, values)
        return instance

    def audit_before(self) -> dict[str, Any]:
        """The loggable values of the record as it was last loaded or saved ({} when new)."""
        snapshot: dict[str, Any] | None = self.__dict__.get("_audit_snapshot")
        if snapshot is None:
            loaded = self.__dict__.get("_audit_loaded")
            if loaded is None:
                return {}
            excluded = {field.attname for field in self._meta.concrete_fields
                        if field.name in self.audit_exclude}
            snapshot = {attname: jsonable(value) for attname, value in zip(*loaded, strict=True)
                        if attname not in excluded}
            self._audit_snapshot = snapshot
        return snapshot

    def _audit_values(self) -> dict[str, Any]:
        return {
            field.attname: jsonable(getattr(self, field.attname))
            for field in self._meta.concrete_fields
            if field.attname in self.__dict__ and field.name not in self.audit_exclude
        }

    def audit_area_path(self) -> str:
        return str(getattr(self, "path", "") or getattr(getattr(self, "area", None), "path", ""))
