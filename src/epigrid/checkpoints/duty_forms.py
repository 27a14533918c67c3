"""Forms of the duty pages. They only read input; the rules of a shift live in checkpoints.duty,
whose refusals come back on the form's fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from epigrid.accounts.models import User
from epigrid.areas.models import Checkpoint
from epigrid.checkpoints.duty import staff_for
from epigrid.checkpoints.duty_handover import NOTE_LENGTH
from epigrid.checkpoints.models import DutyShift
from epigrid.core.access import ScopedUser

LOCAL_INPUT = "%Y-%m-%dT%H:%M"


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


def when_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT)


class ShiftForm(forms.Form):
    user = PersonChoice(label=_("On duty"), queryset=User.objects.none(),
                        help_text=_("People assigned to this checkpoint."))
    starts_at = forms.DateTimeField(label=_("Starts"), widget=when_input())
    ends_at = forms.DateTimeField(label=_("Ends"), widget=when_input(),
                                  help_text=_("At most 24 hours after the start."))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, checkpoint: Checkpoint, shift: DutyShift | None = None,
                 **kwargs: Any) -> None:
        if shift is not None and not args:
            kwargs.setdefault("initial", {"user": shift.user_id, "starts_at": shift.starts_at,
                                          "ends_at": shift.ends_at, "note": shift.note})
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            checkpoint_assignments__checkpoint=checkpoint).order_by("username")

    def apply_errors(self, exc: ValidationError) -> None:
        """Show a service's refusal on the field it names."""
        for name, messages in exc.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


class AssignmentForm(forms.Form):
    user = PersonChoice(label=_("Person"), queryset=User.objects.none())

    def __init__(self, *args: Any, actor: ScopedUser, checkpoint: Checkpoint,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff_for(  # type: ignore[attr-defined]
            actor, checkpoint).exclude(checkpoint_assignments__checkpoint=checkpoint)

    def apply_errors(self, exc: ValidationError) -> None:
        for name, messages in exc.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


class SignOffForm(forms.Form):
    """交班: what the next shift must know (optional)."""

    handover_note = forms.CharField(
        label=_("Handover note"), required=False, max_length=NOTE_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": _("For the next shift (optional)")}))
