"""Forms of the area and site pages. Writes go through areas.services, not form.save()."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from epigrid.areas.models import Area, Level, RiskLevel, Site
from epigrid.core.access import ScopedUser, sees_everything, subtree_q


class RiskChangeForm(forms.Form):
    level = forms.ChoiceField(label=_("New risk level"), choices=RiskLevel.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))
    effective_on = forms.DateField(label=_("Effective on"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}),
                                   help_text=_("Leave empty for today."))

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why the risk level changes."))
        return reason


class AreaSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or code"), max_length=100, required=False)


def indented_name(area: Area, top_depth: int) -> str:
    """An area's name in a menu, indented by its depth below `top_depth` (the user's own)."""
    return f"{'· ' * max(area.depth - top_depth, 0)}{area.name}"


def filter_areas(user: ScopedUser, also: Iterable[Any] = ()) -> QuerySet[Area]:
    """Areas offered by the area filter: the user's own levels down to a size a menu can hold,
    and the areas of ids `also` (one a link names) among the user's."""
    home = getattr(user, "home_area", None)
    deepest = max(Level.TOWN, (home.level if home is not None else Level.CITY) + 1)
    return Area.objects.restrict(user).filter(
        Q(level__lte=deepest) | Q(pk__in=list(also))).order_by("path")


class AreaFilterField(forms.ModelChoiceField):
    """A list's area filter: any area of the user's subtree is valid (links from an area's
    page name villages and grids), but the menu offers only the upper levels, down to the level
    below the user's home and at least the towns, plus the one chosen. A town and its villages
    make a menu of a dozen; a district's villages 300, a city's 3,400, which help nobody."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Area"))
        kwargs.setdefault("required", False)
        super().__init__(queryset=Area.objects.none(), **kwargs)
        self.error_messages["invalid_choice"] = _("No such area among the areas you may see.")

    def offer(self, user: ScopedUser, chosen: Any = None) -> None:
        """Accept the user's subtree, list its upper levels and `chosen` (the raw value asked)."""
        self.queryset = Area.objects.restrict(user)
        options = list(filter_areas(user))
        if str(chosen or "").isdigit() and int(chosen) not in {a.pk for a in options}:
            options += Area.objects.restrict(user).filter(pk=int(chosen))
        self.widget.choices = [("", self.empty_label),
                               *((area.pk, area_option(area)) for area in options)]


class AreaChoice(forms.ModelChoiceField):
    """A form's area to write to (a request's, a task's): its menu indented below the user's own
    area (`offer_own_areas` sets it up)."""

    top_depth = 1  # the depth of the user's own area, which the menu starts at unindented

    def label_from_instance(self, obj: Any) -> str:
        return indented_name(obj, self.top_depth)


def offer_own_areas(form: forms.Form, user: ScopedUser, name: str = "area") -> None:
    """As every area menu: the user's levels down to a size a menu holds, plus the user's own
    area (chosen at first) and the one asked for (any area of the user's subtree is accepted)."""
    home = getattr(user, "home_area", None)
    asked = [pk for pk in (form.data.get(name), form.initial.get(name), getattr(home, "pk", None))
             if str(pk or "").isdigit()]
    field = cast(AreaChoice, form.fields[name])
    field.queryset = filter_areas(user, also=asked)
    field.error_messages["invalid_choice"] = _("No such area among the areas you may see.")
    if home is not None:
        field.initial = home.pk
        field.top_depth = home.depth


def offer_areas(form: forms.Form, user: ScopedUser) -> None:
    """Set up the form's `area` filter for the user, with the area asked for (the bound value)
    or linked to (the initial one) in its menu."""
    chosen = form.data.get("area") if form.is_bound else form.initial.get("area")
    cast(AreaFilterField, form.fields["area"]).offer(user, chosen)


class SiteFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Name, code or address"),
                                                      "type": "search"}))
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    area = AreaFilterField(empty_label=_("All my areas"))
    active = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("Active and inactive")), ("yes", _("Active")), ("no", _("Inactive"))])

    def __init__(self, *args: Any, model: type[Site], user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = getattr(model, "Kind", None)
        if kinds is None:
            del self.fields["kind"]
        else:
            kind_field: Any = self.fields["kind"]
            kind_field.choices = [("", _("All kinds")), *kinds.choices]
        offer_areas(self, user)

    def apply(self, sites: QuerySet[Any]) -> QuerySet[Any]:
        """The sites matching the valid filters; an invalid filter is shown, not applied."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if query := (data.get("q") or "").strip():
            sites = sites.filter(Q(name__icontains=query) | Q(code__icontains=query)
                                 | Q(address__icontains=query))
        if data.get("kind"):
            sites = sites.filter(kind=data["kind"])
        if area := data.get("area"):
            sites = sites.filter(subtree_q("area__path", area.path))
        if data.get("active"):
            sites = sites.filter(active=data["active"] == "yes")
        return sites


def area_option(area: Area) -> str:
    # Indent by depth so the menu reads as a tree; the non-breaking spaces survive HTML.
    return "\u00a0\u00a0" * max(area.depth - 1, 0) + f"{area.name} ({area.code})"


def town_groups(areas: Iterable[Area]) -> list[Any]:
    """Menu choices of `areas` (in path order) in groups a reader scans: each town with the
    areas under it, the areas above the towns in one group named after the first of them (a
    district's 274 villages under its 17 towns). An area under no town of the list stands
    alone (a village officer's own village)."""
    above: list[tuple[int, str]] = []
    choices: list[Any] = []
    town: tuple[str, list[tuple[int, str]]] | None = None
    town_path = ""
    for area in areas:
        if area.level < Level.TOWN:
            above.append((area.pk, area.name))
        elif area.level == Level.TOWN:
            town, town_path = (area.name, [(area.pk, area.name)]), area.path
            choices.append(town)
        elif town is not None and area.path.startswith(town_path):
            town[1].append((area.pk, area.name))
        else:
            choices.append((area.pk, area.name))
    return ([(above[0][1], above)] if above else []) + choices


class SiteForm(forms.ModelForm):
    """A checkpoint, facility or warehouse. The area is named by its code, within the user's
    subtree: a menu of 30,000 grids helps nobody, on a phone least of all."""

    area_code = forms.CharField(label=_("Area code"), max_length=32,
                                help_text=_("The code of the area the site belongs to."))

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk and not self.is_bound:
            self.initial["area_code"] = self.instance.area.code
        self.order_fields(["area_code", *self.fields])

    def clean_area_code(self) -> Area:
        code = self.cleaned_data["area_code"].strip()
        area = Area.objects.restrict(self.user).filter(code=code).first()
        if area is None:
            if sees_everything(self.user):
                raise forms.ValidationError(_("There is no area with the code %(code)s."),
                                            params={"code": code}, code="unknown_area")
            raise forms.ValidationError(
                _("There is no area with the code %(code)s in your area."),
                params={"code": code}, code="unknown_area")
        self.instance.area = area
        return area


def site_form_class(model: type[Site]) -> type[SiteForm]:
    """The site form for one site model, with its kind field when it has one."""
    fields = ["code", "name", *(["kind"] if hasattr(model, "Kind") else []),
              "address", "phone", "latitude", "longitude", "active"]
    meta = type("Meta", (), {"model": model, "fields": fields})
    return type(f"{model.__name__}Form", (SiteForm,), {"Meta": meta})
