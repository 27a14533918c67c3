"""Forms of the document pages 公文. They read the input; the rules live in documents.py, whose
refusals the pages put back onto these forms' fields (a routing's "routings.N.field" onto the
form's row it came from)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from epigrid.areas.forms import AreaChoice, filter_areas, offer_own_areas, town_groups
from epigrid.areas.models import Area
from epigrid.core.access import ScopedUser, subtree_q
from epigrid.core.forms import apply_errors
from epigrid.supervision.documents import Routing
from epigrid.supervision.models import (
    Document,
    DocumentKind,
    DocumentStatus,
    Part,
    Urgency,
)
from epigrid.supervision.task_forms import DATE

ANY = "any"
ROWS = 6  # the rows of the routing form


class DocumentFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False,
                        widget=forms.TextInput(attrs={
                            "type": "search",
                            "placeholder": _("Serial, title, issuer or number")}))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[(ANY, _("any status")), *DocumentStatus.choices])

    def apply(self, documents: QuerySet[Document]) -> QuerySet[Document]:
        """The documents matching the valid filters; an invalid one is shown, not applied."""
        self.is_valid()
        data = self.cleaned_data
        if query := (data.get("q") or "").strip():
            documents = documents.filter(
                Q(serial__icontains=query) | Q(title__icontains=query)
                | Q(issuer__icontains=query) | Q(reference__icontains=query))
        if (status := data.get("status") or ANY) != ANY:
            documents = documents.filter(status=status)
        return documents


class DocumentForm(forms.Form):
    area = AreaChoice(label=_("Received by"), queryset=Area.objects.none(),
                      help_text=_("The desk whose register numbers it: your own area."))
    reference = forms.CharField(label=_("Issuer's number"), max_length=100, required=False,
                                help_text=_("The number on the document, such as "
                                            "“City Command [2020] No. 12”."))
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    issuer = forms.CharField(label=_("Issued by"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices,
                                initial=Urgency.NORMAL)
    received_on = forms.DateField(label=_("Received on"), widget=forms.DateInput(DATE))
    reply_by = forms.DateField(label=_("To be handled by"), required=False,
                               widget=forms.DateInput(DATE))
    summary = forms.CharField(label=pgettext_lazy("document", "Summary"), required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))
    attachment = forms.FileField(label=_("Attachment"), required=False,
                                 help_text=_("The scanned document, up to 10 MB."))

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_own_areas(self, user)
        self.fields["received_on"].initial = timezone.localdate()


class AnyAreaField(forms.TypedChoiceField):
    """An area's id: the menu lists the upper levels, but any area is taken here; the form
    then keeps those of the user's subtree (one query for all the rows)."""

    def valid_value(self, value: Any) -> bool:
        return True


def areas_below(user: ScopedUser, area: Area, also: Iterable[Any] = ()) -> QuerySet[Area]:
    """A task's handing down 分解下达: the areas just below `area`, and those of ids `also`
    under it, among the user's."""
    return (Area.objects.restrict(user).filter(subtree_q("path", area.path))
            .filter(Q(parent=area) | Q(pk__in=list(also))).exclude(pk=area.pk).order_by("path"))


class RouteForm(forms.Form):
    """分办: up to ROWS areas, each with its part, its day and what it is asked; rows without
    an area are ignored. The menus are read once for the six rows. Given `under` (a task's
    area), it hands the task down 分解下达 and offers the areas below it."""

    def __init__(self, *args: Any, user: ScopedUser, under: Area | None = None,
                 **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "route-%s" if under is None else "hand-down-%s")
        super().__init__(*args, **kwargs)
        self.user = user
        asked = [value for n in range(ROWS)
                 if str(value := self.data.get(f"area_{n}", "")).isdigit()]
        offered = (filter_areas(user, also=asked) if under is None
                   else areas_below(user, under, also=asked))
        choices = [("", "—"), *town_groups(offered)]
        self.areas: dict[int, Area] = {}
        for number in range(ROWS):
            area = AnyAreaField(label=_("Area"), required=False, coerce=int,
                                empty_value=None, choices=choices)
            part = forms.ChoiceField(label=_("Part"), required=False, choices=Part.choices,
                                     initial=Part.LEAD if number == 0 else Part.ASSIST)
            due_on = forms.DateField(label=_("Due on"), required=False,
                                     widget=forms.DateInput(DATE))
            instructions = forms.CharField(label=_("Instructions"), required=False)
            for name, field in (("area", area), ("part", part), ("due_on", due_on),
                                ("instructions", instructions)):
                field.widget.attrs["aria-label"] = _("%(field)s of row %(number)d") % {
                    "field": field.label, "number": number + 1}
                self.fields[f"{name}_{number}"] = field

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [data[f"area_{n}"] for n in range(ROWS) if data.get(f"area_{n}") is not None]
        self.areas = {area.pk: area for area in
                      Area.objects.restrict(self.user).filter(pk__in=chosen)}
        for number in range(ROWS):
            pk = data.get(f"area_{number}")
            if pk is None:
                if data.get(f"due_on_{number}") or data.get(f"instructions_{number}"):
                    self.add_error(f"area_{number}", _("Choose the area of this row."))
            elif pk not in self.areas:
                self.add_error(f"area_{number}",
                               _("No such area among the areas you may see."))
            elif data.get(f"due_on_{number}") is None and not self.has_error(
                    f"due_on_{number}"):
                self.add_error(f"due_on_{number}", _("Give the day it is due."))
        return data

    def filled(self) -> list[int]:
        """The numbers of the rows with an area, in the form's order."""
        return [n for n in range(ROWS) if self.cleaned_data.get(f"area_{n}") is not None]

    def routings(self) -> list[Routing]:
        data = self.cleaned_data
        return [Routing(area=self.areas[data[f"area_{n}"]], due_on=data[f"due_on_{n}"],
                        part=data[f"part_{n}"] or Part.ASSIST,
                        instructions=data[f"instructions_{n}"]) for n in self.filled()]

    def refused(self, error: ValidationError) -> None:
        """The service's refusal on the fields it names; its "routings.N.field" (the N-th
        routing it was given, empty rows left out) on the form's row it came from."""
        renames = {f"routings.{given}.{name}": f"{name}_{number}"
                   for given, number in enumerate(self.filled())
                   for name in ("area", "part", "due_on", "instructions")}
        apply_errors(self, error, renames)

    def rows(self) -> list[dict[str, Any]]:
        """What the template draws per row: its number, its four inputs, their errors."""
        rows = []
        for number in range(ROWS):
            fields = [self[f"{name}_{number}"]
                      for name in ("area", "part", "due_on", "instructions")]
            rows.append({"number": number + 1, "fields": fields,
                         "errors": [error for field in fields for error in field.errors]})
        return rows


class ReaderChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        home = obj.home_area.name if obj.home_area is not None else ""
        return " · ".join(part for part in (obj.display_name, str(obj.get_role_display()),
                                            home) if part)


class CirculateForm(forms.Form):
    readers = ReaderChoice(label=_("Readers"), required=False, queryset=None,
                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, readers: QuerySet[Any], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "circulate-%s")
        super().__init__(*args, **kwargs)
        field = cast(ReaderChoice, self.fields["readers"])
        field.queryset = readers.select_related("home_area")
        field.error_messages["invalid_choice"] = _("Choose readers from the list.")


class ArchiveForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "archive-%s")
        super().__init__(*args, **kwargs)


class ReadForm(forms.Form):
    remarks = forms.CharField(label=_("Remarks"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("Your instructions or comments, if any."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "read-%s")
        super().__init__(*args, **kwargs)
