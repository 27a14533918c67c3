"""Forms of the contact pages. Writes go through cases.contacts (the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from epigrid.cases.chains import DEFAULT_GENERATIONS, MAX_GENERATIONS
from epigrid.cases.contacts import person_with_id_number
from epigrid.cases.models import Exposure
from epigrid.registry.models import Person

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _person(raw: str) -> Person | None:
    """The registered person with this ID number, or the ID parser's / a not-found message."""
    value = raw.strip()
    if not value:
        return None
    person = person_with_id_number(value)  # a malformed number raises the parser's message
    if person is None:
        raise ValidationError(_("No person is registered with this ID number. Leave it empty "
                                "and give the contact's name and how to find them; identify "
                                "them once they are registered."), code="unknown_person")
    return person


class ExposureForm(forms.Form):
    """Who the case met, when and where: a registered person by ID number, or a name."""

    id_number = forms.CharField(label=_("contact's ID number"), max_length=32, required=False,
                                help_text=_("Of a person registered in any area."))
    contact_name = forms.CharField(label=_("or the contact's name"), max_length=100,
                                   required=False)
    contact_hint = forms.CharField(label=_("how to find them"), max_length=300, required=False)
    exposed_on = forms.DateField(label=_("last exposure"), widget=DATE)
    setting = forms.ChoiceField(label=_("setting"), choices=Exposure.Setting.choices,
                                initial=Exposure.Setting.HOUSEHOLD)
    note = forms.CharField(label=_("note"), max_length=500, required=False)

    def clean_id_number(self) -> Person | None:
        return _person(self.cleaned_data.get("id_number", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and data.get("id_number") is None \
                and not data.get("contact_name", "").strip():
            self.add_error("contact_name", _("Name the contact, or give the ID number of a "
                                             "registered person."))
        return data

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"contact": data["id_number"], "contact_name": data["contact_name"],
                "contact_hint": data["contact_hint"], "exposed_on": data["exposed_on"],
                "setting": data["setting"], "note": data["note"]}


class IdentifyForm(forms.Form):
    """The registered person an unidentified contact turned out to be."""

    id_number = forms.CharField(label=_("ID number of the person found"), max_length=32)

    def clean_id_number(self) -> Person | None:
        return _person(self.cleaned_data.get("id_number", ""))


class ChainForm(forms.Form):
    generations = forms.IntegerField(label=_("generations each way"), min_value=1,
                                     max_value=MAX_GENERATIONS, initial=DEFAULT_GENERATIONS,
                                     required=False)

    def generations_or_default(self) -> int:
        if self.is_valid() and self.cleaned_data.get("generations"):
            return int(self.cleaned_data["generations"])
        return DEFAULT_GENERATIONS
