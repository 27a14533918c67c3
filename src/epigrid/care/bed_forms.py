"""Forms of the bed pages: the list's filters, a facility's short form (every bed type on one
form, for a phone), the awaiting list's filters and the request for a bed.

The forms check shapes (a number is a number); the rules (no count above the total, none
negative, one pending request per case) live in care.beds, whose refusals the views put back on
these forms' fields.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from epigrid.areas.forms import AreaFilterField, offer_areas
from epigrid.areas.models import Area, Facility
from epigrid.care import beds
from epigrid.care.models import BedStock, BedType
from epigrid.cases.models import Severity
from epigrid.cases.states import Category
from epigrid.core.access import ScopedUser

ANY: list[tuple[str, Any]] = [("", _("Any"))]
NUMBER = {"inputmode": "numeric", "min": "0", "class": "count"}


class BedFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of facility"), required=False,
                             choices=ANY + list(Facility.Kind.choices))
    bed_type = forms.ChoiceField(label=_("Bed type"), required=False,
                                 choices=ANY + list(BedType.choices))
    stale = forms.BooleanField(label=_("Only stale figures"), required=False)
    free = forms.BooleanField(label=_("Only with free beds"), required=False)

    def apply(self, rows: Any) -> Any:
        if not self.is_valid():
            return rows
        data = self.cleaned_data
        if data["kind"]:
            rows = rows.filter(facility__kind=data["kind"])
        if data["bed_type"]:
            rows = rows.filter(bed_type=data["bed_type"])
        if data["stale"]:
            rows = rows.filter(updated_at__lt=beds.stale_before())
        if data["free"]:
            rows = rows.filter(total__gt=F("occupied") + F("reserved"))
        return rows


class FacilityBedsForm(forms.Form):
    """Every bed type of one facility: three numbers per type; a type left blank is not kept."""

    def __init__(self, *args: Any, stocks: list[BedStock], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.known = {stock.bed_type: stock for stock in stocks}
        for value, label in BedType.choices:
            stock = self.known.get(value)
            for name, title in (("total", _("total")), ("occupied", _("occupied")),
                                ("reserved", _("reserved"))):
                self.fields[f"{value}-{name}"] = forms.IntegerField(
                    label=f"{label} · {title}", required=False,
                    initial=getattr(stock, name) if stock else None,
                    widget=forms.NumberInput(attrs=NUMBER))

    def rows(self) -> list[tuple[str, str, list[tuple[str, forms.BoundField]]]]:
        """(bed type, label, [(short label, field)] of its three counts) for the template."""
        short = {"total": _("total"), "occupied": _("occupied"), "reserved": _("reserved")}
        return [(value, str(label), [(str(short[name]), self[f"{value}-{name}"])
                                     for name in beds.COUNTS])
                for value, label in BedType.choices]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for value in BedType.values:
            counts = [data.get(f"{value}-{name}") for name in beds.COUNTS]
            if value in self.known and counts[0] is None:
                self.add_error(f"{value}-total", _("Give the total (0 if there are none now)."))
            elif counts[0] is None and any(c is not None for c in counts[1:]):
                self.add_error(f"{value}-total", _("Give the total of these beds."))
            elif counts[0] is not None:
                # The service checks again; here every box gets its message in one round.
                filled = [c if c is not None else 0 for c in counts]
                for name, messages in beds.check_counts(*filled).items():
                    for message in messages:
                        self.add_error(f"{value}-{name}", message)
        return data

    def figures(self) -> dict[str, tuple[int, int, int]]:
        """The bed types filled in: (total, occupied, reserved); occupied/reserved default 0."""
        data = self.cleaned_data
        found = {}
        for value in BedType.values:
            total = data.get(f"{value}-total")
            if total is None:
                continue
            found[value] = (total, data.get(f"{value}-occupied") or 0,
                            data.get(f"{value}-reserved") or 0)
        return found


class AwaitingFilterForm(forms.Form):
    area = AreaFilterField(empty_label=_("all of my area"))
    severity = forms.ChoiceField(label=_("Severity"), required=False,
                                 choices=ANY + list(Severity.choices))
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=ANY + list(Category.choices))
    over_24h = forms.BooleanField(label=_("Waiting over 24 h"), required=False)

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_areas(self, user)

    def filters(self) -> beds.AwaitingFilters:
        if not self.is_valid():
            return beds.AwaitingFilters()
        data = self.cleaned_data
        return beds.AwaitingFilters(area=data["area"], severity=data["severity"],
                                    category=data["category"], over_24h=data["over_24h"])


class RequestForm(forms.Form):
    """Ask for a bed for a case: where to pick the patient up, how severe, since when."""

    pickup_area = forms.ModelChoiceField(label=_("Pick-up area"), queryset=Area.objects.none(),
                                         help_text=_("Where the transfer team collects the "
                                                     "patient."))
    severity = forms.ChoiceField(label=_("Severity"), required=False,
                                 choices=[("", _("as on the case"))] + list(Severity.choices))
    waiting_since = forms.DateTimeField(
        label=_("Waiting since"), required=False, help_text=_("Now if left empty."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, user: ScopedUser, grid: Area, **kwargs: Any) -> None:
        """The pick-up area is the case's grid or one of its areas above (the user's own)."""
        kwargs.setdefault("initial", {"pickup_area": grid.pk})
        super().__init__(*args, **kwargs)
        self.fields["pickup_area"].queryset = Area.objects.restrict(  # type: ignore[attr-defined]
            user).filter(pk__in=[*grid.ancestor_ids(), grid.pk]).order_by("-path")

    def clean_waiting_since(self) -> Any:
        value = self.cleaned_data.get("waiting_since")
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value
