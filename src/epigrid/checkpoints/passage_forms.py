"""Filter forms of the passage and fever-referral lists, and the log page's plain post."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from epigrid.areas.models import Checkpoint
from epigrid.checkpoints.models import Decision, Direction, FeverReferral, Passage

ANY = [("", _("any"))]
# The fields of a passage the log page posts (without JavaScript) or queues (with it).
ITEM_FIELDS = ("client_id", "at", "kind", "plate", "passengers", "direction", "temperature",
               "origin", "destination", "destination_area_id", "decision", "name", "id_number")


class PassageFilterForm(forms.Form):
    checkpoint = forms.ModelChoiceField(label=_("Checkpoint"), required=False,
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

    def __init__(self, *args: Any, checkpoints: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["checkpoint"].queryset = checkpoints  # type: ignore[attr-defined]


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
