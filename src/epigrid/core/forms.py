"""What every app's forms share."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError


def apply_errors(form: forms.Form, error: ValidationError,
                 fields: Mapping[str, str] | None = None) -> None:
    """A rule a service refuses becomes a form error on the field it names, or on the whole
    form when it names none the form has. `fields` renames a service's field to the form's."""
    if not hasattr(error, "error_dict"):  # a refusal about the whole record
        for message in error.messages:
            form.add_error(None, message)
        return
    for name, messages in error.message_dict.items():
        field = (fields or {}).get(name, name)
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
