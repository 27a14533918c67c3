"""Forms of the quarantine and follow-up pages. Rules live in quarantine.py and followup.py; the
forms only read the input, and the pages put the services' refusals back onto their fields."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from epigrid.areas.models import Area, Facility
from epigrid.cases.models import FollowUp, Quarantine, QuarantineRoom
from epigrid.core.access import ScopedUser
from epigrid.registry.screening import SYMPTOMS

DATE = {"type": "date"}
DUE_SOON_DAYS = 2  # "due to end": the planned end falls within this many days


def quarantine_sites(user: ScopedUser) -> QuerySet[Facility]:
    return Facility.objects.restrict(user).filter(
        kind=Facility.Kind.QUARANTINE_SITE).order_by("name")


class QuarantineFilterForm(forms.Form):
    STATUS = (("", _("open and ended")), ("open", _("open")), ("ended", _("ended")))

    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("all kinds")), *Quarantine.Kind.choices])
    site = forms.ModelChoiceField(label=_("Quarantine site"), required=False,
                                  queryset=Facility.objects.none())
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS)
    due = forms.BooleanField(label=_("Due to end within 2 days"), required=False)
    area = forms.ModelChoiceField(label=_("Area"), required=False, queryset=Area.objects.none(),
                                  widget=forms.NumberInput, to_field_name="pk")

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = quarantine_sites(user)  # type: ignore[attr-defined]
        self.fields["area"].queryset = Area.objects.restrict(user)  # type: ignore[attr-defined]
        self.fields["area"].error_messages["invalid_choice"] = _(
            "No such area among the areas you may see.")

    def apply(self, rows: QuerySet[Quarantine]) -> QuerySet[Quarantine]:
        if not self.is_valid():
            # A filter that names something unknown finds nothing rather than everything.
            return rows.none() if self.errors.get("area") or self.errors.get("site") else rows
        data = self.cleaned_data
        if data["kind"]:
            rows = rows.filter(kind=data["kind"])
        if data["site"]:
            rows = rows.filter(site=data["site"])
        if data["status"] == "open":
            rows = rows.filter(ended_on__isnull=True)
        elif data["status"] == "ended":
            rows = rows.filter(ended_on__isnull=False)
        if data["due"]:
            rows = rows.filter(ended_on__isnull=True, planned_end__lte=timezone.localdate()
                               + datetime.timedelta(days=DUE_SOON_DAYS))
        if data["area"]:
            rows = rows.within(data["area"].path)  # type: ignore[attr-defined]
        return rows


class RoomChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.site.name} · {obj.number}"


class StartForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Quarantine.Kind.choices,
                             widget=forms.RadioSelect, initial=Quarantine.Kind.HOME)
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(DATE))
    site = forms.ModelChoiceField(label=_("Quarantine site"), required=False,
                                  queryset=Facility.objects.none(),
                                  help_text=_("Centralized quarantine only."))
    room = RoomChoice(label=_("Room"), required=False, queryset=QuarantineRoom.objects.none(),
                      help_text=_("Centralized quarantine only: a room with a free place."))

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].initial = timezone.localdate()
        sites = quarantine_sites(user)
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]
        self.fields["room"].queryset = QuarantineRoom.objects.filter(  # type: ignore[attr-defined]
            site__in=sites, active=True).select_related("site").order_by("site__name", "number")


class ReleaseForm(forms.Form):
    on = forms.DateField(label=_("Released on"), widget=forms.DateInput(DATE))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class ExtendForm(forms.Form):
    exposure_date = forms.DateField(label=_("New exposure on"), widget=forms.DateInput(DATE))
    reason = forms.CharField(label=_("Reason"), max_length=300)


class FollowUpForm(forms.Form):
    """One person's one slot; a page holds one such form per person and slot (prefixed)."""

    day = forms.DateField(widget=forms.HiddenInput)
    slot = forms.ChoiceField(choices=FollowUp.Slot.choices, widget=forms.HiddenInput)
    temperature = forms.DecimalField(
        label=_("Temperature (°C)"), max_digits=3, decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.1", "min": "34", "max": "43",
                                        "inputmode": "decimal", "class": "big-input"}))
    symptoms = forms.MultipleChoiceField(label=_("Symptoms"), required=False, choices=SYMPTOMS,
                                         widget=forms.CheckboxSelectMultiple)
    other = forms.CharField(label=_("Other symptoms"), required=False, max_length=100)

    def symptom_text(self) -> str:
        labels = dict(SYMPTOMS)
        picked = [str(labels[code]) for code in self.cleaned_data["symptoms"]]
        other = self.cleaned_data["other"].strip()
        return ", ".join([*picked, *([other] if other else [])])

    def temperature_value(self) -> Decimal:
        value: Decimal = self.cleaned_data["temperature"]
        return value


class RoomForm(forms.Form):
    number = forms.CharField(label=_("Room"), max_length=20)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=50, initial=1)


class RoomEditForm(forms.Form):
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=50)
    active = forms.BooleanField(label=_("In use"), required=False)


def due_soon(quarantine: Quarantine) -> bool:
    return quarantine.ended_on is None and quarantine.planned_end <= (
        timezone.localdate() + datetime.timedelta(days=DUE_SOON_DAYS))

