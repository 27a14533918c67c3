"""Forms of the inspection and finding pages. They read the input; the rules live in
inspections.py, whose refusals the pages put back onto these forms' fields (a finding's
"findings.N.field" onto the form's row it came from)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from epigrid.areas.forms import AreaChoice, AreaFilterField, offer_areas, offer_own_areas
from epigrid.areas.models import Area, Facility
from epigrid.core.access import ScopedUser, subtree_q
from epigrid.core.days import local_day
from epigrid.core.forms import apply_errors
from epigrid.supervision.inspections import FindingInput
from epigrid.supervision.models import (
    Finding,
    FindingStatus,
    Inspection,
    Severity,
    overdue_findings_q,
)

DATE = {"type": "date"}
ROWS = 8  # the finding rows of an inspection's form
OPEN, OVERDUE, ANY = "open", "overdue", "any"  # the findings list's status filters
UNVERIFIED = (FindingStatus.OPEN, FindingStatus.RECTIFIED)
ACCEPT, REOPEN = "accept", "reopen"


class FacilityChoice(forms.ModelChoiceField):
    """A site among those the user sees, the menu grouped by the site's area."""

    def offer(self, facilities: QuerySet[Facility]) -> None:
        groups: dict[int, tuple[str, list[tuple[int, str]]]] = {}
        for facility in facilities:
            group = groups.setdefault(facility.area_id, (facility.area.name, []))
            group[1].append((facility.pk, self.label_from_instance(facility)))
        self.widget.choices = [("", self.empty_label), *groups.values()]

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


def visible_facilities(user: ScopedUser) -> QuerySet[Facility]:
    return Facility.objects.restrict(user).select_related("area").order_by("area__path", "name")


# --- lists -------------------------------------------------------------------------------


class InspectionFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False,
                        widget=forms.TextInput(attrs={
                            "type": "search", "placeholder": _("What was inspected, by whom")}))
    area = AreaFilterField(empty_label=_("All my areas"))

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_areas(self, user)

    def apply(self, inspections: QuerySet[Inspection]) -> QuerySet[Inspection]:
        """The inspections matching the valid filters; an invalid one is shown, not applied."""
        self.is_valid()
        data = self.cleaned_data
        if query := (data.get("q") or "").strip():
            inspections = inspections.filter(Q(subject__icontains=query)
                                             | Q(inspectors__icontains=query))
        if area := data.get("area"):
            inspections = inspections.filter(subtree_q("area__path", area.path))
        return inspections


class FindingFilterForm(forms.Form):
    STATUSES = ((OPEN, _("not yet verified")), (OVERDUE, _("overdue")),
                (FindingStatus.VERIFIED, FindingStatus.VERIFIED.label), (ANY, _("any status")))

    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUSES)
    area = AreaFilterField(empty_label=_("All my areas"))

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_areas(self, user)

    def apply(self, findings: QuerySet[Finding]) -> QuerySet[Finding]:
        """The findings matching the valid filters (those not yet verified unless a status is
        chosen)."""
        self.is_valid()
        data = self.cleaned_data
        status = data.get("status") or OPEN
        if status == OPEN:
            findings = findings.filter(status__in=UNVERIFIED)
        elif status == OVERDUE:
            findings = findings.filter(overdue_findings_q(local_day()))
        elif status != ANY:
            findings = findings.filter(status=status)
        if area := data.get("area"):
            findings = findings.filter(subtree_q("inspection__area__path", area.path))
        return findings


# --- writes ------------------------------------------------------------------------------


class InspectionForm(forms.Form):
    """An inspection with up to ROWS findings; rows left blank are ignored."""

    area = AreaChoice(label=_("Area"), queryset=Area.objects.none(),
                      help_text=_("The area inspected, or the area of the site inspected."))
    facility = FacilityChoice(label=_("Site"), required=False,
                              queryset=Facility.objects.none(), empty_label=_("No site"),
                              help_text=_("A site of the area, if a site was inspected."))
    subject = forms.CharField(label=_("What was inspected"), max_length=200, required=False,
                              help_text=_("Left blank, the site's name."))
    inspected_on = forms.DateField(label=_("Inspected on"), widget=forms.DateInput(DATE))
    inspectors = forms.CharField(label=_("Inspectors"), max_length=200, required=False)
    summary = forms.CharField(label=pgettext_lazy("inspection", "Summary"),
                              required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_own_areas(self, user)
        facility = cast(FacilityChoice, self.fields["facility"])
        facility.queryset = visible_facilities(user)
        facility.error_messages["invalid_choice"] = _("No such site among the sites you may "
                                                      "see.")
        facility.offer(visible_facilities(user).filter(active=True))
        self.fields["inspected_on"].initial = local_day()
        for number in range(1, ROWS + 1):
            self.fields[f"description_{number}"] = forms.CharField(
                label=_("Finding"), required=False, max_length=2000)
            self.fields[f"severity_{number}"] = forms.ChoiceField(
                label=pgettext_lazy("finding", "Severity"), choices=Severity.choices,
                initial=Severity.MINOR, required=False)
            self.fields[f"rectify_by_{number}"] = forms.DateField(
                label=_("Rectify by"), required=False, widget=forms.DateInput(DATE))
            for name in ("description", "severity", "rectify_by"):
                field = self.fields[f"{name}_{number}"]
                field.widget.attrs["aria-label"] = _("%(field)s of finding %(number)d") % {
                    "field": field.label, "number": number}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for number in range(1, ROWS + 1):
            description, day = f"description_{number}", f"rectify_by_{number}"
            if self.has_error(description) or self.has_error(day):
                continue
            if data.get(description, "").strip() and data.get(day) is None:
                self.add_error(day, _("Give the day to put it right by."))
            elif not data.get(description, "").strip() and data.get(day) is not None:
                self.add_error(description, _("Say what was found."))
        return data

    def numbered_findings(self) -> list[tuple[int, FindingInput]]:
        """The filled rows: (the form's row number, the finding)."""
        data = self.cleaned_data
        return [(number, FindingInput(data[f"description_{number}"], data[f"rectify_by_{number}"],
                                      data.get(f"severity_{number}") or Severity.MINOR))
                for number in range(1, ROWS + 1)
                if data.get(f"description_{number}", "").strip()
                and data.get(f"rectify_by_{number}") is not None]

    def findings(self) -> list[FindingInput]:
        return [finding for _number, finding in self.numbered_findings()]

    def refused(self, error: ValidationError) -> None:
        """The service's refusal on the fields it names; its "findings.N.field" (the N-th
        finding it was given, blank rows left out) on the form's row it came from."""
        renames = {f"findings.{index}.{name}": f"{name}_{number}"
                   for index, (number, _finding) in enumerate(self.numbered_findings())
                   for name in ("description", "severity", "rectify_by")}
        apply_errors(self, error, renames)

    def head_fields(self) -> list[forms.BoundField]:
        """The inspection's own fields, drawn above its findings."""
        return [self[name] for name in ("area", "facility", "subject", "inspected_on",
                                        "inspectors", "summary")]

    def finding_rows(self) -> list[dict[str, Any]]:
        """What the template draws per row: its number, its three inputs, their errors."""
        rows = []
        for number in range(1, ROWS + 1):
            fields = [self[f"{name}_{number}"] for name in ("description", "severity",
                                                             "rectify_by")]
            rows.append({"number": number, "description": fields[0], "severity": fields[1],
                         "rectify_by": fields[2],
                         "errors": [error for field in fields for error in field.errors]})
        return rows


class FindingForm(forms.Form):
    """A finding added to an inspection after the visit."""

    description = forms.CharField(label=_("Finding"), max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    severity = forms.ChoiceField(label=pgettext_lazy("finding", "Severity"),
                                 choices=Severity.choices, initial=Severity.MINOR)
    rectify_by = forms.DateField(label=_("Rectify by"), widget=forms.DateInput(DATE))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "finding-%s")
        super().__init__(*args, **kwargs)

    def finding(self) -> FindingInput:
        data = self.cleaned_data
        return FindingInput(data["description"], data["rectify_by"], data["severity"])


class RectifyForm(forms.Form):
    rectification = forms.CharField(label=_("How it was put right"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, finding: Finding, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"rectify-{finding.pk}-%s")
        super().__init__(*args, **kwargs)


class VerifyForm(forms.Form):
    """Verify 销号 a rectified finding, or reopen it with the reason and perhaps a new day."""

    decision = forms.ChoiceField(label=_("Decision"), choices=(
        (ACCEPT, pgettext_lazy("finding", "Verify")), (REOPEN, _("Reopen"))))
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Needed to reopen: why the rectification is not enough."))
    rectify_by = forms.DateField(label=_("New day to rectify by"), required=False,
                                 widget=forms.DateInput(DATE),
                                 help_text=_("When reopening; left blank, the day stays."))

    def __init__(self, *args: Any, finding: Finding, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"verify-{finding.pk}-%s")
        super().__init__(*args, **kwargs)

    def shown_fields(self) -> list[forms.BoundField]:
        """The fields drawn as inputs; the decision is the button pressed."""
        return [self["note"], self["rectify_by"]]
