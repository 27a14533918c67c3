"""Forms of the daily report and risk pages. They read the input; the rules live in the
services (report_services, risk_services), whose refusals the pages put back onto the fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from epigrid.areas.models import RiskLevel
from epigrid.reporting.report_services import MAX_REMARKS, MAX_SITUATION
from epigrid.reporting.risk_services import MAX_NOTE

SUBMIT = "submit"


class ReportForm(forms.Form):
    """What only people know: the situation and remarks (the figures are filled in)."""

    day = forms.DateField(label=_("Day"), required=False,
                          widget=forms.DateInput({"type": "date"}),
                          help_text=_("The day the report is for (the page's day if empty)."))
    situation = forms.CharField(
        label=_("Situation"), required=False, max_length=MAX_SITUATION,
        widget=forms.Textarea({"rows": 8}),
        help_text=_("The day's work and situation in your area, in your words: what the figures "
                    "above do not say."))
    remarks = forms.CharField(
        label=_("Remarks"), required=False, max_length=MAX_REMARKS,
        widget=forms.Textarea({"rows": 4}),
        help_text=_("Requests to the level above, and anything else to add. A town's remarks "
                    "come with its villages' reports."))


class OverrideForm(forms.Form):
    level = forms.ChoiceField(label=_("Level instead"), choices=RiskLevel.choices)
    note = forms.CharField(label=_("Why"), max_length=MAX_NOTE,
                           widget=forms.TextInput({"placeholder": _("the reason, kept in the "
                                                                    "risk history")}))


class ConfirmForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=MAX_NOTE)

