"""Forms of the plan pages: the day to compute, a transfer's next status, an override."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from epigrid.areas.models import Facility
from epigrid.care.models import BedType, Transfer


class ComputeForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].initial = timezone.localdate()


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[
        (s.value, s.label) for s in Transfer.Status if s != Transfer.Status.PLANNED])


class OverrideForm(forms.Form):
    facility = forms.ModelChoiceField(label=_("Facility"), queryset=Facility.objects.none())
    bed_type = forms.ChoiceField(label=_("Bed type"), choices=BedType.choices)
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args: Any, facilities: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if facilities is not None:
            self.fields["facility"].queryset = facilities  # type: ignore[attr-defined]
