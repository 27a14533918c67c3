"""A service's refusal, gathered by field: every wrong field named at once, then one
ValidationError (`{"field": [messages]}`) that a form, the API and an importer all show."""

from __future__ import annotations

from django.core.exceptions import ValidationError

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
