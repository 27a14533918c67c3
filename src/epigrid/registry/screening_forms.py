"""Forms of the screening pages. Writes go through registry.screening, not form.save().

The household form is a small set of forms: one per registered member (prefix `m<person id>`),
a few blank rows for members met at the door (prefix `new<n>`), and the visit itself (its
idempotency key and the time the form was filled, both hidden).
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from epigrid.areas.forms import town_groups
from epigrid.areas.models import Area, Level
from epigrid.core.access import ScopedUser
from epigrid.registry import nearby
from epigrid.registry.models import Outcome, Person
from epigrid.registry.screening import SYMPTOMS, MemberScreening, NewMember

DATE_INPUT = forms.DateInput(attrs={"type": "date"})
NEW_MEMBER_ROWS = 2


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.none())
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE_INPUT)

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area_field: Any = self.fields["area"]
        # Campaigns cover a village or more; grids are too many for a menu. A district's
        # villages are listed under their towns.
        area_field.queryset = Area.objects.restrict(user).filter(
            level__lte=Level.VILLAGE).order_by("path")
        area_field.widget.choices = [("", area_field.empty_label),
                                     *town_groups(area_field.queryset)]


class CampaignChangeForm(forms.Form):
    """A running campaign's name and dates (its area stays: registry.campaigns)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE_INPUT)


class FindingsForm(forms.Form):
    """What the worker found of one person. The ranges are checked by the service, which names
    the person in its message."""

    present = forms.BooleanField(label=_("Present"), required=False, initial=True)
    temperature = forms.DecimalField(
        label=_("Temperature (°C)"), required=False, max_digits=3, decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal",
                                        "placeholder": "36.5"}))
    symptoms = forms.MultipleChoiceField(label=_("Symptoms"), required=False, choices=SYMPTOMS,
                                         widget=forms.CheckboxSelectMultiple,
                                         help_text=_("Tick none for no symptoms."))
    travel_history = forms.CharField(label=_("Travel and residence in the last 14 days"),
                                     required=False, max_length=300)
    contact_with_case = forms.BooleanField(
        label=_("Contact with a confirmed or suspected case"), required=False)
    returnee_origin = forms.CharField(label=_("Returned from (key area)"), required=False,
                                      max_length=100)
    returned_on = forms.DateField(label=_("Returned on"), required=False, widget=DATE_INPUT)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, required=False,
                                initial=Outcome.NORMAL)

    def findings(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in (
            "present", "temperature", "symptoms", "travel_history", "contact_with_case",
            "returnee_origin", "returned_on")} | {"outcome": data["outcome"] or Outcome.NORMAL}


class MemberForm(FindingsForm):
    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        kwargs["prefix"] = f"m{person.pk}"
        super().__init__(*args, **kwargs)
        self.person = person

    def screening(self) -> MemberScreening:
        return MemberScreening(person_id=self.person.pk, **self.findings())


class NewMemberForm(FindingsForm):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), required=False, max_length=100)
    id_number = forms.CharField(label=_("ID number"), required=False, max_length=32,
                                help_text=_("If known."))
    relation = forms.CharField(label=_("Relation to the head"), required=False, max_length=50)
    field_order = ["name", "id_number", "relation"]

    def __init__(self, *args: Any, index: int, **kwargs: Any) -> None:
        kwargs["prefix"] = f"new{index}"
        super().__init__(*args, **kwargs)

    def is_used(self) -> bool:
        """A blank row is no member: only a row with a name or an ID number counts."""
        data = self.cleaned_data
        return bool((data.get("name") or "").strip() or (data.get("id_number") or "").strip())

    def new_member(self) -> NewMember:
        data = self.cleaned_data
        return NewMember(name=data["name"], id_number=data["id_number"],
                         relation=data["relation"], **self.findings())


class VisitForm(forms.Form):
    # Both renewed by the page's script when the page is a copy kept for going without signal
    # (web/offline-forms.js: data-fresh): a key is one filling of the form, and its time is
    # when the copy was opened, not when it was made.
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput(attrs={"data-fresh": "key"}))
    # When the form was filled (rendered); the service lets the latest filled form win.
    visited_at = forms.DateTimeField(widget=forms.HiddenInput(attrs={"data-fresh": "now"}),
                                     required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
    # "lat,lon" where the phone stood, filled by the page's script when the household has no
    # location and the worker has chosen nearest first (web/nearest-first.js). Machine-made:
    # a reading that makes no sense is dropped rather than holding up the visit.
    position = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def clean_position(self) -> tuple[float, float] | None:
        return nearby.parse_position(self.cleaned_data.get("position", ""))

    @classmethod
    def fresh(cls) -> VisitForm:
        return cls(initial={"idempotency_key": uuid.uuid4(),
                            "visited_at": timezone.now().isoformat()})
