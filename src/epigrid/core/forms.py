"""What every app's forms share."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _


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


class CorrectionForm(forms.Form):
    """A record's correction: its fields start from the record's own values."""

    @classmethod
    def of(cls, record: Any, data: Any = None) -> Any:
        return cls(data, initial={name: getattr(record, name) for name in cls.base_fields})


def run_posted(request: HttpRequest, form: forms.BaseForm,
               action: Callable[[dict[str, Any]], str], then: str) -> HttpResponseBase | None:
    """A posted form's action: the service called with the form's data, its message shown and
    the browser sent to `then`; None when the form or the service refused it (the refusal on
    the form, for the caller to show again with 400)."""
    if form.is_valid():
        try:
            done = action(form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(then)
    return None


DATE = {"type": "date"}  # the browser's own date picker


def search_field(placeholder: Any, label: Any = None) -> forms.CharField:
    """A filter form's words to search for."""
    return forms.CharField(label=label or _("Search"), max_length=100, required=False,
                           widget=forms.TextInput(attrs={"type": "search",
                                                         "placeholder": placeholder}))


def day_field(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(DATE), **kwargs)


def valid_filters(form: forms.Form) -> dict[str, Any]:
    """The valid filters of a bound filter form; an invalid one is shown, not applied."""
    form.is_valid()
    return form.cleaned_data
