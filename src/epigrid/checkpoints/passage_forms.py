"""Filter forms of the passage and fever-referral lists, and the log page's plain post."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from epigrid.areas.models import Checkpoint
from epigrid.checkpoints.models import Decision, Direction, FeverReferral, Passage

ANY = [("", _("any"))]
# The fields of a passage the log page posts (without JavaScript) or queues (with it).
ITEM_FIELDS = ("client_id", "at", "kind", "plate", "passengers", "direction", "temperature",
               "origin", "destination", "destination_area_id", "decision", "name", "id_number")


# Checkpoints a menu lists at most (a town's few dozen); beyond, as for a district's thousand or
# a city's ten thousand and more, the checkpoint is typed by its code (a menu of them all was
# rendered on every view of the list).
MENU_LIMIT = 200


class CheckpointChoice(forms.ModelChoiceField):
    """A checkpoint the user sees, given by its code or (in the drill-down links) its id."""

    def to_python(self, value: Any) -> Checkpoint | None:
        text = str(value).strip() if value not in self.empty_values else ""
        if not text:
            return None
        rows: QuerySet[Checkpoint] = self.queryset  # type: ignore[assignment]
        # One query for both readings; a code that is all digits wins over an id.
        match = Q(code=text) | Q(pk=int(text)) if text.isdigit() else Q(code=text)
        found = min(rows.filter(match)[:2], key=lambda row: row.code != text, default=None)
        if found is None:
            raise ValidationError(_("There is no checkpoint with the code %(code)s in your "
                                    "area."), code="invalid_choice", params={"code": text})
        self.shown = (text, found.code)
        return found

    def bound_data(self, data: Any, initial: Any) -> Any:
        """The checkpoint's code in the box, when it was given by its id."""
        shown = getattr(self, "shown", None)
        return shown[1] if shown is not None and shown[0] == str(data).strip() else data


class PassageFilterForm(forms.Form):
    checkpoint = CheckpointChoice(label=_("Checkpoint"), required=False,
                                  queryset=Checkpoint.objects.none())
    day = forms.DateField(label=_("Day"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))
    hour = forms.IntegerField(label=_("Hour"), required=False, min_value=0, max_value=23)
    decision = forms.ChoiceField(label=_("Decision"), required=False,
                                 choices=ANY + list(Decision.choices))
    direction = forms.ChoiceField(label=_("Direction"), required=False,
                                  choices=ANY + list(Direction.choices))
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=ANY + list(Passage.Kind.choices))

    def __init__(self, *args: Any, checkpoints: QuerySet[Checkpoint], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["checkpoint"]
        field.queryset = checkpoints  # type: ignore[attr-defined]
        menu = list(checkpoints[:MENU_LIMIT + 1])
        if len(menu) <= MENU_LIMIT:  # the menu from the rows read, without a query more
            field.widget.choices = [("", field.empty_label), *(  # type: ignore[attr-defined]
                (checkpoint.code, str(checkpoint)) for checkpoint in menu)]
        else:
            field.widget = forms.TextInput(attrs={"placeholder": _("checkpoint code"),
                                                  "autocomplete": "off"})
            field.help_text = _("Your area has more than %(count)s checkpoints: type the code "
                                "of one.") % {"count": MENU_LIMIT}


class ReferralFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=ANY + list(FeverReferral.Status.choices))
    day = forms.DateField(label=_("Day"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))


def posted_item(data: Any) -> dict[str, Any]:
    """A passage from the log page's plain post: the typed temperature wins over a quick one."""
    item = {name: data.get(name, "") for name in ITEM_FIELDS}
    typed = (data.get("temperature_other") or "").strip()
    if typed:
        item["temperature"] = typed
    return item
