"""Forms of the lab pages. Writes go through cases.labs; times and results are read with the
same parsers as the bulk import, so a page refuses what a sheet's row would."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from epigrid.areas.models import Area
from epigrid.cases.lab_parsing import parse_result, parse_time
from epigrid.cases.labs import NAME_MAX, SAMPLE_ID_MAX
from epigrid.cases.models import Lab, LabTest
from epigrid.core.access import ScopedUser
from epigrid.core.identity import parse_id_number
from epigrid.core.imports.errors import CellError
from epigrid.registry import services as registry
from epigrid.registry.models import Person

TIME_HELP = _("Like 2020-02-01 08:30.")


class NoEchoInput(forms.TextInput):
    """An ID field the answer does not type back: the number stays out of the page."""

    def format_value(self, value: Any) -> str | None:
        return None


class LabForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=200)
    area_code = forms.CharField(label=_("Area code"), max_length=32,
                                help_text=_("The area the lab serves and reports to."))
    daily_capacity = forms.IntegerField(label=_("Tests per day"), min_value=0,
                                        max_value=10_000_000)

    def __init__(self, *args: Any, user: ScopedUser, lab: Lab | None = None,
                 **kwargs: Any) -> None:
        if lab is not None and not args:
            kwargs.setdefault("initial", {"code": lab.code, "name": lab.name,
                                          "area_code": lab.area.code,
                                          "daily_capacity": lab.daily_capacity})
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_area_code(self) -> Area:
        code = self.cleaned_data["area_code"].strip()
        area = Area.objects.restrict(self.user).filter(code=code).first()
        if area is None:
            raise ValidationError(_("There is no area with the code %(code)s in your area."),
                                  params={"code": code}, code="unknown_area")
        return area


def _cell(parser: Any, raw: str) -> Any:
    try:
        return parser(raw)
    except CellError as error:
        raise ValidationError(error.message) from None


class ResultForm(forms.Form):
    sample_id = forms.CharField(label=_("Sample id"), max_length=SAMPLE_ID_MAX)
    id_number = forms.CharField(label=_("ID number"), max_length=32, required=False,
                                widget=NoEchoInput)
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=NAME_MAX,
                           required=False)
    sampled_at = forms.CharField(label=_("Sample time"), max_length=40, help_text=TIME_HELP)
    resulted_at = forms.CharField(label=_("Result time"), max_length=40, required=False,
                                  help_text=_("Empty while the result is pending."))
    result = forms.ChoiceField(label=_("Result"), choices=LabTest.Result.choices)

    def clean_id_number(self) -> str:
        value: str = self.cleaned_data["id_number"].strip()
        if value:
            parse_id_number(value)  # raises ValidationError naming what is wrong
        return value

    def clean_sampled_at(self) -> datetime.datetime:
        return _cell(parse_time, self.cleaned_data["sampled_at"])

    def clean_resulted_at(self) -> datetime.datetime | None:
        return _cell(lambda raw: parse_time(raw, required=False),
                     self.cleaned_data["resulted_at"])

    def clean_result(self) -> str:
        return str(_cell(parse_result, self.cleaned_data["result"]))


class FilterForm(forms.Form):
    MATCH_CHOICES = [("", _("any")), *LabTest.Match.choices]

    result = forms.ChoiceField(label=_("Result"), required=False,
                               choices=[("", _("any")), *LabTest.Result.choices])
    match = forms.ChoiceField(label=_("Match"), required=False, choices=MATCH_CHOICES)
    day = forms.DateField(label=_("Sampled on"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))
    sample = forms.CharField(label=_("Sample id"), max_length=SAMPLE_ID_MAX, required=False)

    def apply(self, tests: Any) -> Any:
        if not self.is_valid():
            return tests.none()
        data = self.cleaned_data
        if data["result"]:
            tests = tests.filter(result=data["result"])
        if data["match"]:
            tests = tests.filter(match=data["match"])
        if data["day"]:
            tests = tests.filter(sampled_at__date=data["day"])
        if data["sample"].strip():
            tests = tests.filter(sample_id=data["sample"].strip())
        return tests


class ResolveForm(forms.Form):
    """Who an unmatched result belongs to: their ID number, or their registry number."""

    id_number = forms.CharField(label=_("The person's ID number"), max_length=32,
                                required=False, widget=NoEchoInput)
    person_id = forms.IntegerField(label=_("or their registry number"), required=False,
                                   min_value=1)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        raw, pk = data.get("id_number", "").strip(), data.get("person_id")
        if not raw and pk is None:
            raise ValidationError(_("Give the person's ID number or registry number."))
        persons = (registry.persons_with_id_number(self.user, raw) if raw
                   else Person.objects.restrict(self.user).filter(pk=pk))
        found = list(persons[:2])
        if len(found) != 1:
            raise ValidationError(_("No single person of your area has this number.")
                                  if not found else _("Several persons have this ID number; "
                                                      "give the registry number."))
        data["person"] = found[0]
        return data


class DiscardForm(forms.Form):
    note = forms.CharField(label=_("Why discard it"), max_length=300)
