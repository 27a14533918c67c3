"""Forms of the case pages: the list's filters and look-up, opening a case, changing its state
or its origin of infection.

The forms check shapes (a date is a date, a state is a state); the rules (which move is allowed,
what evidence it needs, no date in the future) live in cases.services, whose refusals the views
put back on these forms' fields.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from epigrid.areas.forms import AreaFilterField, offer_areas
from epigrid.cases import states
from epigrid.cases.models import Case, Evidence, Origin, Severity, Source
from epigrid.cases.states import Category, State
from epigrid.core.access import ScopedUser
from epigrid.core.exports import FORMATS
from epigrid.core.identity import parse_id_number, parse_mobile
from epigrid.registry import services as registry
from epigrid.registry.exporters import check_unmasked
from epigrid.registry.people_forms import NoEchoInput

DATE = {"type": "date"}
IMPORTED_FROM_HELP = _("For an imported case: where the infection was acquired, e.g. the city a "
                       "returnee came from.")
ANY: list[tuple[str, Any]] = [("", _("Any"))]
# Offered in the order a case usually moves, not alphabetically.
STATE_ORDER = list(State.values)


def state_choices(values: frozenset[str] | set[str]) -> list[tuple[str, Any]]:
    labels = dict(State.choices)
    return [(value, labels[value]) for value in STATE_ORDER if value in values]


def states_of(category: str) -> list[str]:
    """The states counted in a category (states.CATEGORY_OF read backwards)."""
    return [state for state, of in states.CATEGORY_OF.items() if of == category]


class CaseFilterForm(forms.Form):
    """The list's filters (GET), or with `lookup` the exact look-up by ID number or phone (POST,
    so that no number lands in a URL, an access log or the browser's history)."""

    area = AreaFilterField(empty_label=_("all of my area"))
    name = forms.CharField(label=_("Name starts with"), max_length=100, required=False,
                           widget=forms.TextInput(attrs={"type": "search"}))
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=ANY + state_choices(set(State.values)))
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=ANY + list(Category.choices))
    status = forms.ChoiceField(label=_("Open or closed"), required=False, choices=[
        ("", _("Any")), ("open", _("open")), ("closed", _("closed"))])
    source = forms.ChoiceField(label=_("Found by"), required=False,
                               choices=ANY + list(Source.choices))
    origin = forms.ChoiceField(label=_("Origin of infection"), required=False,
                               choices=ANY + list(Origin.choices))
    reported_from = forms.DateField(label=_("Reported from"), required=False,
                                    widget=forms.DateInput(attrs=DATE))
    reported_to = forms.DateField(label=_("Reported until"), required=False,
                                  widget=forms.DateInput(attrs=DATE))
    id_number = forms.CharField(label=_("ID number"), max_length=40, required=False,
                                widget=NoEchoInput(attrs={"autocomplete": "off"}))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False,
                            widget=NoEchoInput(attrs={"type": "tel", "autocomplete": "off"}))

    LOOKUPS = ("id_number", "phone")

    def __init__(self, *args: Any, user: ScopedUser, lookup: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.lookup = lookup
        for name in list(self.fields):
            if (name in self.LOOKUPS) != lookup:
                del self.fields[name]
        if not lookup:
            offer_areas(self, user)

    def clean_id_number(self) -> str:
        value = self.cleaned_data.get("id_number", "").strip()
        if value:
            parse_id_number(value)  # names what is wrong (length, date, check character)
        return value

    def clean_phone(self) -> str:
        value = self.cleaned_data.get("phone", "").strip()
        if value:
            parse_mobile(value)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("reported_from"), cleaned.get("reported_to")
        if start and end and start > end:
            self.add_error("reported_to", _("The end of the range is before its start."))
        return cleaned

    def apply(self, cases: QuerySet[Case]) -> QuerySet[Case]:
        """The cases the filters keep. A filter in error finds nothing rather than everything."""
        if not self.is_bound:
            return cases
        if not self.is_valid():
            return cases.none()
        data = self.cleaned_data
        if self.lookup:
            if not any(data.get(name) for name in self.LOOKUPS):
                return cases.none()
            if data.get("id_number"):
                cases = cases.filter(person__in=registry.persons_with_id_number(
                    self.user, data["id_number"]).values("pk"))
            if data.get("phone"):
                cases = cases.filter(person__in=registry.persons_with_phone(
                    self.user, data["phone"]).values("pk"))
            return cases
        if data.get("area"):
            cases = cases.within(data["area"].path)  # type: ignore[attr-defined]
        if name := (data.get("name") or "").strip():
            cases = cases.filter(person__name__startswith=name)
        if data.get("state"):
            cases = cases.filter(state=data["state"])
        if data.get("category"):
            cases = cases.filter(state__in=states_of(data["category"]))
        if data.get("status"):
            cases = cases.filter(is_open=data["status"] == "open")
        if data.get("source"):
            cases = cases.filter(source=data["source"])
        if data.get("origin"):
            cases = cases.filter(origin=data["origin"])
        if data.get("reported_from"):
            cases = cases.filter(reported_on__gte=data["reported_from"])
        if data.get("reported_to"):
            cases = cases.filter(reported_on__lte=data["reported_to"])
        return cases


class AnyStateField(forms.ChoiceField):
    """Offers the given states but lets any known state through, so that a move the table
    forbids is refused by cases.services with its own message naming both states."""

    def valid_value(self, value: Any) -> bool:
        return value in State.values


class TransitionForm(forms.Form):
    # Named like the services' error keys ("state", "at", "reason", "evidence").
    state = AnyStateField(label=_("New state"))
    at = forms.DateTimeField(label=_("When"), required=False,
                             widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                        format="%Y-%m-%dT%H:%M"),
                             help_text=_("Leave empty for now."))
    reason = forms.CharField(label=_("Reason"), max_length=500,
                             error_messages={"required": _("Say why.")})
    evidence = forms.ChoiceField(label=_("Evidence"), required=False,
                                 choices=[("", "—"), *Evidence.choices])
    evidence_note = forms.CharField(label=_("Evidence details"), max_length=500,
                                    required=False,
                                    help_text=_("E.g. the lab and sample, or the clinician."))

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        cast(AnyStateField, self.fields["state"]).choices = state_choices(
            states.TRANSITIONS.get(case.state, frozenset()))

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"target": data["state"], "at": data.get("at") or timezone.now(),
                "reason": data["reason"], "evidence": data.get("evidence", ""),
                "evidence_note": data.get("evidence_note", "")}


class OpenCaseForm(forms.Form):
    state = forms.ChoiceField(label=_("Opens as"), choices=state_choices(states.INITIAL))
    source = forms.ChoiceField(label=_("Found by"), choices=Source.choices,
                               initial=Source.SCREENING)
    onset_date = forms.DateField(label=_("Onset date"), required=False,
                                 widget=forms.DateInput(attrs=DATE),
                                 help_text=_("The day symptoms began, if known."))
    # Not required: a form sent without it (an older page, a script) opens a local case.
    origin = forms.ChoiceField(label=_("Origin of infection"), choices=Origin.choices,
                               initial=Origin.LOCAL, required=False)
    imported_from = forms.CharField(label=_("Imported from"), max_length=100, required=False,
                                    help_text=IMPORTED_FROM_HELP)
    severity = forms.ChoiceField(label=_("Severity"), required=False,
                                 choices=[("", "—"), *Severity.choices])
    reason = forms.CharField(label=_("Reason"), max_length=500,
                             error_messages={"required": _("Say why.")},
                             widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.ChoiceField(label=_("Evidence"), required=False,
                                 choices=[("", "—"), *Evidence.choices],
                                 help_text=_("A confirmed or asymptomatic case needs a test "
                                             "result or a diagnosis."))
    evidence_note = forms.CharField(label=_("Evidence details"), max_length=500,
                                    required=False)

    def clean_origin(self) -> str:
        return self.cleaned_data.get("origin") or Origin.LOCAL


class OriginForm(forms.Form):
    """Where a case's infection came from, as the investigation finds it (cases.services)."""

    origin = forms.ChoiceField(label=_("Origin of infection"), choices=Origin.choices)
    imported_from = forms.CharField(label=_("Imported from"), max_length=100, required=False,
                                    help_text=IMPORTED_FROM_HELP)
    reason = forms.CharField(label=_("Reason"), max_length=500,
                             error_messages={"required": _("Say why.")})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own element ids: it shares the case page with the change-of-state form.
        kwargs.setdefault("auto_id", "origin-%s")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # The place is filled in from the case: choosing local drops it rather than refusing.
        if cleaned.get("origin") == Origin.LOCAL:
            cleaned["imported_from"] = ""
        return cleaned


class CaseExportForm(forms.Form):
    """A file of the list's cases with full ID numbers and phones: the reason is logged."""

    format = forms.ChoiceField(label=_("Format"), choices=[(f, f.upper()) for f in FORMATS])
    reason = forms.CharField(label=_("Reason for full values"), max_length=300,
                             help_text=_("It is logged with the export."))

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_reason(self) -> str:
        try:
            return check_unmasked(self.user, self.cleaned_data.get("reason", ""))
        except ValidationError as error:
            raise ValidationError(error.message_dict["reason"]) from None
