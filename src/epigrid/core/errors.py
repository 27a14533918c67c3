"""A service's refusal, gathered by field: every wrong field named at once, then one
ValidationError (`{"field": [messages]}`) that a form, the API and an importer all show."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from epigrid.core.days import local_day

Errors = dict[str, list[str]]


def add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def refuse(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def required(errors: Errors, field: str, value: str, message: str) -> str:
    """`value` stripped, with `message` added under `field` when nothing is left."""
    value = (value or "").strip()
    if not value:
        add(errors, field, message)
    return value


def not_future(errors: Errors, field: str, day: datetime.date) -> None:
    """`day` (of something done) refused under `field` when it is after today."""
    if day > local_day():
        add(errors, field, _("%(day)s is in the future.") % {"day": day.isoformat()})


def within_length(errors: Errors, field: str, value: str, limit: int) -> str:
    """`value` stripped, with a refusal under `field` when it runs past `limit` characters (a
    column's length: past it PostgreSQL refuses the row with an error, SQLite keeps it)."""
    value = (value or "").strip()
    if len(value) > limit:
        add(errors, field, _("At most %(n)s characters (this has %(got)s).")
            % {"n": limit, "got": len(value)})
    return value
