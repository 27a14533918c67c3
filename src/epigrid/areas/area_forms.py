"""Forms to create, edit and move areas. The writes go through areas.services."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from epigrid.areas.geo import centroid, parse_boundary
from epigrid.areas.models import Area
from epigrid.core.access import ScopedUser


class AreaForm(forms.ModelForm):
    boundary_text = forms.CharField(
        label=_("Boundary (GeoJSON)"), required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=_("A GeoJSON Polygon or MultiPolygon in longitude, latitude; empty for none. "
                    "Without a latitude and longitude, the boundary's centre is used."))

    class Meta:
        model = Area
        fields = ["name", "code", "population", "households", "latitude", "longitude"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.boundary and not self.is_bound:
            self.initial["boundary_text"] = json.dumps(self.instance.boundary)

    def clean_boundary_text(self) -> dict[str, Any] | None:
        return parse_boundary(self.cleaned_data["boundary_text"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        has_lat = cleaned.get("latitude") is not None
        if has_lat != (cleaned.get("longitude") is not None):
            raise forms.ValidationError(_("Give both latitude and longitude, or neither."))
        boundary = cleaned.get("boundary_text")
        if boundary and not has_lat:
            lat, lon = centroid(boundary)
            cleaned["latitude"], cleaned["longitude"] = Decimal(str(lat)), Decimal(str(lon))
        return cleaned

    def service_fields(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["boundary"] = self.cleaned_data.get("boundary_text")
        return data


class MoveForm(forms.Form):
    parent_code = forms.CharField(label=_("Code of the new parent area"), max_length=32)

    def __init__(self, *args: Any, user: ScopedUser, area: Area, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user, self.area = user, area

    def clean_parent_code(self) -> Area:
        code = self.cleaned_data["parent_code"].strip()
        parent = Area.objects.restrict(self.user).filter(code=code).first()
        if parent is None:
            raise forms.ValidationError(
                _("There is no area with the code %(code)s in your area."),
                params={"code": code}, code="unknown_area")
        return parent
