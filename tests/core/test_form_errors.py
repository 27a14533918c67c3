"""A service's refusal, shown on the form it came from (apply_errors) or as notices on the
page a button was pressed on (flash_errors)."""

from __future__ import annotations

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory, SimpleTestCase

from epigrid.core.forms import apply_errors, flash_errors


class NoteForm(forms.Form):
    note = forms.CharField(max_length=5)
    parent_code = forms.CharField(required=False)


class FormErrorTests(SimpleTestCase):
    def notices(self, source: ValidationError | forms.BaseForm) -> list[tuple[str, str]]:
        request = RequestFactory().post("/")
        request.session = {}  # type: ignore[attr-defined]
        request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
        flash_errors(request, source)
        return [(message.level_tag, message.message) for message in get_messages(request)]

    def test_it_puts_each_refusal_on_its_field_or_the_whole_form(self) -> None:
        form = NoteForm({"note": "ok"})
        assert form.is_valid()
        apply_errors(form, ValidationError({"note": ["Too late.", "Too short."],
                                            "parent": "No such area.",
                                            "checkpoint": "Closed."}),
                     {"parent": "parent_code"})
        assert form.errors == {"note": ["Too late.", "Too short."],
                               "parent_code": ["No such area."], "__all__": ["Closed."]}
        whole = NoteForm({"note": "ok"})
        whole.is_valid()
        apply_errors(whole, ValidationError("The shift is over."))
        assert whole.errors == {"__all__": ["The shift is over."]}

    def test_it_tells_every_message_of_a_refusal_as_an_error_notice(self) -> None:
        assert self.notices(ValidationError({"note": ["Too late.", "Too short."],
                                             "shift": "Not yours."})) == [
            ("error", "Too late."), ("error", "Too short."), ("error", "Not yours.")]
        assert self.notices(ValidationError("The room is full.")) == [
            ("error", "The room is full.")]

    def test_it_tells_a_forms_own_errors(self) -> None:
        form = NoteForm({"note": "far too long"})
        assert not form.is_valid()
        assert self.notices(form) == [
            ("error", "Ensure this value has at most 5 characters (it has 12).")]
