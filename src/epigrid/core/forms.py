"""What every app's forms share."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def apply_errors(form: forms.BaseForm, error: ValidationError,
                 fields: Mapping[str, str] | None = None) -> None:
    """A rule a service refuses becomes a form error on the field it names, or on the whole
    form when it names none the form has. `fields` renames a service's field to the form's."""
    if not hasattr(error, "error_dict"):  # a refusal about the whole record
        for message in error.messages:
            form.add_error(None, message)
        return
    for name, texts in error.message_dict.items():
        field = (fields or {}).get(name, name)
        for message in texts:
            form.add_error(field if field in form.fields else None, message)


def flash_errors(request: HttpRequest, source: ValidationError | forms.BaseForm) -> None:
    """Every message of a service's refusal, or of a form's errors, as an error notice: for a
    form posted from a page that shows no form of its own (a button in a list)."""
    if isinstance(source, ValidationError):
        texts = source.messages
    else:
        texts = [str(text) for errors in source.errors.values() for text in errors]
    for text in texts:
        messages.error(request, text)
