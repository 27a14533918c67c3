"""Forms of the household and person pages. Writes go through registry.services.

Identity values are checked here with core.identity's own messages (so a mistyped ID names its
check character), then handed raw to the services, which normalize, encrypt, hash and mask."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from epigrid.areas.forms import AreaFilterField, offer_areas
from epigrid.areas.models import Area, Level
from epigrid.core.access import ScopedUser, sees_everything
from epigrid.core.identity import parse_id_number, parse_mobile
from epigrid.registry import nearby, services
from epigrid.registry.models import Household, Person, Residency, Sex, Tag

SEARCH = {"type": "search"}


class NoEchoInput(forms.TextInput):
    """A look-up field the answer does not type back: the number stays out of the page."""

    def format_value(self, value: Any) -> str | None:
        return None


def _id_number(raw: str) -> str:
    """The cleaned text of an optional ID field: "" or a valid number, else core's message."""
    value = raw.strip()
    if value:
        parse_id_number(value)  # raises ValidationError naming what is wrong
    return value


def _phone(raw: str) -> str:
    value = raw.strip()
    if value:
        parse_mobile(value)
    return value


def grid_by_code(user: ScopedUser, code: str) -> Area:
    grid = Area.objects.restrict(user).filter(code=code.strip(), level=Level.GRID).first()
    if grid is None:
        message = (_("There is no grid with the code %(code)s.") if sees_everything(user)
                   else _("There is no grid with the code %(code)s in your area."))
        raise ValidationError(message, params={"code": code.strip()}, code="unknown_grid")
    return grid


class ScopedForm(forms.Form):
    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_grid_code(self) -> Area | None:
        code = self.cleaned_data.get("grid_code", "")
        return grid_by_code(self.user, code) if code.strip() else None

    def valid_data(self) -> dict[str, Any]:
        """The filters that passed; an invalid one is shown with its error, not applied
        (an area not among the user's is not ignored: `apply` then finds nothing)."""
        return {name: value for name, value in (self.cleaned_data if self.is_bound else
                                                {}).items() if name not in self.errors}


class AreaFilteredForm(ScopedForm):
    """A list's filters, the area among them: a menu of the user's upper levels, any area of
    their subtree accepted (an area page's links name villages and grids)."""

    area = AreaFilterField(empty_label=_("all of my area"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.drop_fields()
        if "area" in self.fields:
            offer_areas(self, self.user)

    def drop_fields(self) -> None:
        """Leave out the fields this use of the form has no need of (before the area menu is
        read, so that a form without it reads none)."""


class HouseholdFilterForm(AreaFilteredForm):
    address = forms.CharField(label=_("Address"), max_length=100, required=False,
                              widget=forms.TextInput(attrs=SEARCH))
    head = forms.CharField(label=_("Head of household"), max_length=100, required=False,
                           widget=forms.TextInput(attrs=SEARCH))

    def apply(self, households: QuerySet[Household]) -> QuerySet[Household]:
        self.is_valid()
        data = self.valid_data()
        if "area" in self.errors:
            return households.none()
        if area := data.get("area"):
            households = households.within(area.path)  # type: ignore[attr-defined]
        if address := (data.get("address") or "").strip():
            households = households.filter(address__icontains=address)
        if head := (data.get("head") or "").strip():
            households = households.filter(head_name__icontains=head)
        return households


class PersonFilterForm(AreaFilteredForm):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=100, required=False,
                           widget=forms.TextInput(attrs=SEARCH))
    match = forms.ChoiceField(label=_("Name match"), required=False, choices=[
        ("prefix", _("starts with")), ("contains", _("contains"))])
    id_number = forms.CharField(label=_("ID number"), max_length=40, required=False,
                                widget=NoEchoInput(attrs={"autocomplete": "off"}))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False,
                            widget=NoEchoInput(attrs={"type": "tel", "autocomplete": "off"}))
    address = forms.CharField(label=_("Address"), max_length=100, required=False,
                              widget=forms.TextInput(attrs=SEARCH))
    tag = forms.ChoiceField(label=_("Key group"), required=False,
                            choices=[("", _("Any")), *Tag.choices])
    residency = forms.ChoiceField(label=_("Residency"), required=False,
                                  choices=[("", _("Any")), *Residency.choices])

    LOOKUPS = ("id_number", "phone")

    def __init__(self, *args: Any, lookup: bool = False, **kwargs: Any) -> None:
        """`lookup`: the exact look-up by ID number or phone, which pages send as a POST so the
        number never lands in a URL (access logs, history); otherwise the other filters."""
        self.lookup = lookup
        super().__init__(*args, **kwargs)

    def drop_fields(self) -> None:
        for name in list(self.fields):
            if (name in self.LOOKUPS) != self.lookup:
                del self.fields[name]

    def clean_id_number(self) -> str:
        return _id_number(self.cleaned_data.get("id_number", ""))

    def clean_phone(self) -> str:
        return _phone(self.cleaned_data.get("phone", ""))

    def apply(self, persons: QuerySet[Person]) -> QuerySet[Person]:
        """Exact ID and phone go through the keyed hash (services); the rest are filters."""
        self.is_valid()
        data = self.valid_data()
        if self.lookup and (self.errors or not any(data.get(f) for f in self.LOOKUPS)):
            return persons.none()  # a wrong or missing number finds nobody, never everybody
        if "area" in self.errors:
            return persons.none()
        if data.get("id_number"):
            persons = persons & services.persons_with_id_number(self.user, data["id_number"])
        if data.get("phone"):
            persons = persons & services.persons_with_phone(self.user, data["phone"])
        if area := data.get("area"):
            persons = persons.within(area.path)  # type: ignore[attr-defined]
        if name := (data.get("name") or "").strip():
            lookup = "name__icontains" if data.get("match") == "contains" else "name__startswith"
            persons = persons.filter(**{lookup: name})
        if address := (data.get("address") or "").strip():
            persons = persons.filter(household__address__icontains=address)
        if data.get("tag"):
            persons = persons.filter(tags__contains=f",{data['tag']},")
        if data.get("residency"):
            persons = persons.filter(residency=data["residency"])
        return persons


class HouseholdForm(ScopedForm):
    grid_code = forms.CharField(label=_("Grid code"), max_length=32,
                                help_text=_("The code of the grid the household lives in."))
    number = forms.CharField(label=_("Household number"), max_length=32, required=False)
    address = forms.CharField(label=_("Address"), max_length=300)
    head_name = forms.CharField(label=_("Head of household"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"type": "tel"}))
    location = forms.CharField(
        label=_("Location"), max_length=64, required=False,
        help_text=_("Where the door is: latitude, longitude (like 30.5928, 114.3055), for the "
                    "grid worker's round nearest first; her phone fills it at the first visit."))

    def __init__(self, *args: Any, household: Household | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if household is not None:
            self.fields["phone"].help_text = _(
                "Leave empty to keep the stored number %(masked)s.") % {
                "masked": household.phone_masked or "—"}
            if not self.is_bound:
                located = household.latitude is not None and household.longitude is not None
                self.initial.update(grid_code=household.grid.code, number=household.number,
                                    address=household.address, head_name=household.head_name,
                                    location=f"{household.latitude}, {household.longitude}"
                                    if located else "")

    def clean_location(self) -> dict[str, Decimal | None]:
        """{"latitude": …, "longitude": …}: both None when left empty (no location)."""
        found = nearby.read_position(self.cleaned_data.get("location", ""))
        latitude, longitude = found or (None, None)
        return {"latitude": latitude, "longitude": longitude}

    def clean_grid_code(self) -> Area | None:
        return grid_by_code(self.user, self.cleaned_data.get("grid_code", ""))

    def clean_phone(self) -> str:
        return _phone(self.cleaned_data.get("phone", ""))


class PersonForm(ScopedForm):
    """A person; residents belong to a household (and its grid), non-residents to a grid."""

    grid_code = forms.CharField(label=_("Grid code"), max_length=32, required=False,
                                help_text=_("For a visitor or worker without a household."))
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=100)
    id_number = forms.CharField(label=_("ID number"), max_length=40, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"type": "tel"}))
    residency = forms.ChoiceField(label=_("Residency"), choices=Residency.choices)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, required=False,
                            help_text=_("Taken from the ID number when there is one."))
    birth_date = forms.DateField(label=_("Birth date"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("Taken from the ID number when there is one."))
    occupation = forms.CharField(label=_("Occupation"), max_length=100, required=False)
    is_medical_staff = forms.BooleanField(label=_("Medical staff"), required=False)
    tags = forms.MultipleChoiceField(label=_("Key groups"), choices=Tag.choices, required=False,
                                     widget=forms.CheckboxSelectMultiple)
    returnee_origin = forms.CharField(label=_("Returned from"), max_length=100, required=False)
    returned_on = forms.DateField(label=_("Returned on"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, household: Household | None = None,
                 person: Person | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.household = household
        self.person = person
        if household is not None:
            del self.fields["grid_code"]
        if person is not None:
            for field, masked in (("id_number", person.id_number_masked),
                                  ("phone", person.phone_masked)):
                self.fields[field].help_text = _(
                    "Leave empty to keep the stored value %(masked)s.") % {
                    "masked": masked or "—"}
            if not self.is_bound:
                self.initial.update(
                    grid_code=person.grid.code, name=person.name, residency=person.residency,
                    sex=person.sex, birth_date=person.birth_date, occupation=person.occupation,
                    is_medical_staff=person.is_medical_staff, tags=person.tag_list,
                    returnee_origin=person.returnee_origin, returned_on=person.returned_on)
        elif household is None and not self.is_bound:
            self.initial["residency"] = Residency.VISITOR

    def clean_id_number(self) -> str:
        return _id_number(self.cleaned_data.get("id_number", ""))

    def clean_phone(self) -> str:
        return _phone(self.cleaned_data.get("phone", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.household is None:
            if data.get("residency") == Residency.RESIDENT:
                self.add_error("residency", _("A resident belongs to a household: add them "
                                              "from the household's page."))
            if "grid_code" in self.fields and not data.get("grid_code") \
                    and "grid_code" not in self.errors:
                self.add_error("grid_code", _("Give the grid of a person without a household."))
        return data

    def service_fields(self) -> dict[str, Any]:
        """Keyword arguments for services.create_person / update_person."""
        data = dict(self.cleaned_data)
        grid = data.pop("grid_code", None)
        data["grid"] = self.household.grid if self.household is not None else grid
        data["sex"] = data.get("sex") or Sex.UNKNOWN
        return data


class MovePersonForm(ScopedForm):
    """The household a person moves into, named as a roster names it: its grid, and its number
    (户号) or else its address."""

    grid_code = forms.CharField(label=_("Grid code"), max_length=32)
    number = forms.CharField(label=_("Household number"), max_length=32, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False,
                              help_text=_("When the household has no number."))

    def clean_grid_code(self) -> Area:
        return grid_by_code(self.user, self.cleaned_data.get("grid_code", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        grid, number = data.get("grid_code"), (data.get("number") or "").strip()
        address = (data.get("address") or "").strip()
        if grid is None:
            return data
        if not (number or address):
            raise forms.ValidationError(_("Give the household number or the address of the "
                                          "household."))
        found = Household.objects.restrict(self.user).filter(grid=grid).filter(
            **({"number": number} if number else {"address__iexact": address})).first()
        if found is None:
            raise forms.ValidationError(_("There is no such household in grid %(code)s.")
                                        % {"code": grid.code})
        data["household"] = found
        return data


class RevealForm(forms.Form):
    field = forms.ChoiceField(label=_("Value"), choices=[
        (services.ID_FIELD, _("ID number")), (services.PHONE_FIELD, _("Phone"))])
    reason = forms.CharField(label=_("Reason"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Logged with your name."))

    def __init__(self, *args: Any, phone_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if phone_only:  # a household has a phone, no ID number
            field: Any = self.fields["field"]
            field.choices = [(services.PHONE_FIELD, _("Phone"))]

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why the full value is needed."))
        return reason


class ResolveForm(forms.Form):
    note = forms.CharField(label=_("How it was settled"), max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def clean_note(self) -> str:
        note: str = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError(_("Say how the duplicate was settled."))
        return note

