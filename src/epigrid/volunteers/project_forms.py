"""Forms of the projects' pages 志愿服务项目: the list's filters, opening a project, recording a
volunteer's hours 服务时长 on it, closing it. They read the input; the rules live in services.py,
whose refusals the pages put back onto these fields."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from epigrid.areas.forms import AreaChoice, AreaFilterField, offer_areas, offer_own_areas
from epigrid.areas.models import Area
from epigrid.core.access import ScopedUser, subtree_q
from epigrid.core.forms import CorrectionForm, day_field, search_field, valid_filters
from epigrid.volunteers.models import (
    Project,
    ProjectKind,
    Volunteer,
    project_closed_q,
    project_open_q,
    serving_q,
    with_claims_waiting_q,
)
from epigrid.volunteers.volunteer_forms import ANY

OPEN, CLOSED = "open", "closed"
WAITING = "waiting"  # projects with claims of hours waiting (the keepers' digest links here)
# The column's bound (a positive small integer): past it the database, not a rule, refuses.
MOST_NEEDED = 32767


class ProjectFilterForm(forms.Form):
    STATUSES = ((OPEN, _("open today")), (CLOSED, _("closed or ended")),
                (ANY, _("any status")))

    q = search_field(_("Name"))
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All kinds")), *ProjectKind.choices])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUSES)
    claims = forms.ChoiceField(label=_("Claims of hours"), required=False,
                               choices=[("", _("Any")), (WAITING, _("Some waiting"))])
    area = AreaFilterField(empty_label=_("All my areas"),
                           help_text=_("The area organising it, and those under it."))

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_areas(self, user)

    def apply(self, projects: QuerySet[Project], today: datetime.date) -> QuerySet[Project]:
        """Those open today unless a status is chosen: the ones hours are recorded on."""
        data = valid_filters(self)
        status = data.get("status") or OPEN
        if status == OPEN:
            projects = projects.filter(project_open_q(today))
        elif status == CLOSED:
            projects = projects.filter(project_closed_q(today))
        if data.get("kind"):
            projects = projects.filter(kind=data["kind"])
        if data.get("claims") == WAITING:
            projects = projects.filter(with_claims_waiting_q())
        if area := data.get("area"):
            projects = projects.filter(subtree_q("area__path", area.path))
        if query := (data.get("q") or "").strip():
            projects = projects.filter(name__icontains=query)
        return projects


class ProjectForm(forms.Form):
    area = AreaChoice(label=_("Area"), queryset=Area.objects.none(),
                      help_text=_("The area organising the project."))
    kind = forms.ChoiceField(label=_("Kind"), choices=ProjectKind.choices)
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    volunteers_needed = forms.IntegerField(label=_("Volunteers needed"), required=False,
                                           max_value=MOST_NEEDED, initial=0)
    starts_on = day_field(_("Starts on"))
    ends_on = day_field(_("Ends on"), required=False,
                        help_text=_("Leave empty while the end is not known."))

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_own_areas(self, user)
        self.fields["starts_on"].initial = timezone.localdate()


class ProjectEditForm(CorrectionForm):
    """A project corrected by its keepers (the area stays)."""

    kind = ProjectForm.base_fields["kind"]
    name = ProjectForm.base_fields["name"]
    description = ProjectForm.base_fields["description"]
    volunteers_needed = ProjectForm.base_fields["volunteers_needed"]
    starts_on = ProjectForm.base_fields["starts_on"]
    ends_on = ProjectForm.base_fields["ends_on"]


class VolunteerChoice(forms.ModelChoiceField):
    """A volunteer named with their area (two villages may each have a Wang Fang)."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} · {obj.area.name}"


def serving_volunteers(user: ScopedUser, today: datetime.date) -> QuerySet[Volunteer]:
    """The volunteers the user sees who serve today, by name: the hours form's menu."""
    return (Volunteer.objects.restrict(user).filter(serving_q(today)).select_related("area")
            .order_by("name", "id"))


class HoursForm(forms.Form):
    """服务时长: the hours one volunteer served the project on one day."""

    volunteer = VolunteerChoice(label=_("Volunteer"), queryset=Volunteer.objects.none())
    served_on = day_field(_("Served on"))
    hours = forms.DecimalField(label=_("Hours"), widget=forms.NumberInput(
        attrs={"step": "0.5", "min": "0.5", "max": "24"}),
        help_text=_("In half hours: 2.5 for two and a half."))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "hours-%s")
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        volunteer: Any = self.fields["volunteer"]
        volunteer.queryset = serving_volunteers(user, today)
        # Hours are recorded as the day's work ends; a project opened today has no yesterday.
        self.fields["served_on"].initial = today


class CloseForm(forms.Form):
    """The day the project closed: no hours are recorded after it."""

    on = day_field(_("Closed on"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "close-%s")
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
