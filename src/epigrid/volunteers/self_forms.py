"""Forms of a volunteer's own page 我的志愿服务: enrolling, claiming the hours they served
时长申报, and the keepers' reason when they decline a claim. They read the input; the rules
live in self_service.py, whose refusals the pages put back onto these fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from epigrid.core.forms import day_field
from epigrid.volunteers.models import Project, Volunteer


class EnrolForm(forms.Form):
    """报名成为志愿者: the name, phone and area come from the account; these are the volunteer's
    own words."""

    skills = forms.CharField(label=_("Skills"), max_length=200, required=False,
                             help_text=_("Driving, a dialect, nursing: what a project may need."))
    party_member = forms.BooleanField(label=_("Party member"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "enrol-%s")
        super().__init__(*args, **kwargs)


class ProjectChoice(forms.ModelChoiceField):
    """A project named with its area (a town and its village may both run deliveries)."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} · {obj.area.name}"


def signed_up_projects(volunteer: Volunteer | None) -> QuerySet[Project]:
    """The projects `volunteer` is signed up to now, by name: the claim form's menu."""
    if volunteer is None:
        return Project.objects.none()
    return (Project.objects.filter(signups__volunteer=volunteer,
                                   signups__withdrawn_at__isnull=True)
            .select_related("area").order_by("name", "id"))


class ClaimForm(forms.Form):
    """时长申报: the hours the volunteer says they served a project on a day."""

    project = ProjectChoice(label=_("Project"), queryset=Project.objects.none(),
                            help_text=_("A project you are signed up to."))
    served_on = day_field(_("Served on"))
    hours = forms.DecimalField(label=_("Hours"), widget=forms.NumberInput(
        attrs={"step": "0.5", "min": "0.5", "max": "24"}),
        help_text=_("In half hours: 2.5 for two and a half."))
    note = forms.CharField(label=_("Note"), max_length=200, required=False,
                           help_text=_("What you did, for the officers who confirm it."))

    def __init__(self, *args: Any, volunteer: Volunteer | None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "claim-%s")
        super().__init__(*args, **kwargs)
        project: Any = self.fields["project"]
        project.queryset = signed_up_projects(volunteer)
        self.fields["served_on"].initial = timezone.localdate()


class DeclineForm(forms.Form):
    """Why the keepers decline a claim: the volunteer reads it on their page."""

    # Blank is the service's refusal to name ("Say why the claim is declined.").
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
