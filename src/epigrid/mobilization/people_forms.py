"""Forms of the pages of teams, people sent down 下沉人员 and commendations 表彰. They read the
input; the rules live in services.py, whose refusals the pages put back onto these fields."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from epigrid.areas.forms import AreaChoice, AreaFilterField, offer_areas, offer_own_areas
from epigrid.areas.models import Area
from epigrid.core.access import ScopedUser, subtree_q
from epigrid.core.forms import CorrectionForm, day_field, search_field, valid_filters
from epigrid.core.identity import parse_mobile
from epigrid.mobilization.models import (
    Commendation,
    Deployment,
    DeploymentStatus,
    Team,
    TeamKind,
    TeamStatus,
    deployment_status_q,
    team_status_q,
)


def _text(label: Any, help_text: Any = "", rows: int = 3) -> forms.CharField:
    return forms.CharField(label=label, required=False, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": rows}))


class TeamChoice(forms.ModelChoiceField):
    """A team named with its area (two towns may each have a "Commando Team")."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} · {obj.area.name}"


def visible_teams(user: ScopedUser) -> QuerySet[Team]:
    return Team.objects.restrict(user).select_related("area")


# --- teams ---------------------------------------------------------------------------------


class TeamFilterForm(forms.Form):
    STATUSES = TeamStatus.choices

    q = search_field(_("Name or sending unit"))
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All kinds")), *TeamKind.choices])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUSES)
    area = AreaFilterField(empty_label=_("All my areas"),
                           help_text=_("The team's area, and those under it."))

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_areas(self, user)

    def apply(self, teams: QuerySet[Team], today: datetime.date) -> QuerySet[Team]:
        """Active teams unless a status is chosen: those at work today (`team_status_q`)."""
        data = valid_filters(self)
        teams = teams.filter(team_status_q(data.get("status") or TeamStatus.ACTIVE, today))
        if data.get("kind"):
            teams = teams.filter(kind=data["kind"])
        if area := data.get("area"):
            teams = teams.filter(subtree_q("area__path", area.path))
        if query := (data.get("q") or "").strip():
            teams = teams.filter(Q(name__icontains=query) | Q(sent_by__icontains=query))
        return teams


class TeamForm(forms.Form):
    area = AreaChoice(label=_("Area"), queryset=Area.objects.none(),
                      help_text=_("The area the team works in."))
    kind = forms.ChoiceField(label=_("Kind"), choices=TeamKind.choices)
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    batch = forms.IntegerField(label=_("Batch"), required=False,
                               help_text=_("A medical team's batch: 3 for the third."))
    sent_by = forms.CharField(label=_("Sent by"), max_length=200, required=False,
                              help_text=_("The unit that sent the team."))
    duties = _text(_("Duties"))
    formed_on = day_field(_("Formed on"))

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_own_areas(self, user)
        self.fields["formed_on"].initial = timezone.localdate()


class TeamEditForm(CorrectionForm):
    """A team corrected by the officers of its area (the area stays)."""

    kind = TeamForm.base_fields["kind"]
    name = TeamForm.base_fields["name"]
    batch = TeamForm.base_fields["batch"]
    sent_by = TeamForm.base_fields["sent_by"]
    duties = TeamForm.base_fields["duties"]
    formed_on = TeamForm.base_fields["formed_on"]


class StandDownForm(forms.Form):
    """撤编: the day the team stood down; its members still on duty leave that day."""

    on = day_field(_("Stood down on"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "stand-down-%s")
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


# --- people sent down ----------------------------------------------------------------------


class DeploymentFilterForm(forms.Form):
    STATUSES = DeploymentStatus.choices

    q = search_field(_("Name, unit, post or phone"))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUSES)
    area = AreaFilterField(empty_label=_("All my areas"),
                           help_text=_("The area they were sent to, and those under it."))
    team = TeamChoice(label=_("Team"), required=False, queryset=Team.objects.none(),
                      empty_label=_("Any team"))
    party = forms.BooleanField(label=_("Party members only"), required=False)

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_areas(self, user)
        team: Any = self.fields["team"]
        team.queryset = visible_teams(user).filter(stood_down_on__isnull=True)
        # A stood-down team is offered once it is asked for (a link from its page).
        asked = self.data.get("team") if self.is_bound else None
        if str(asked or "").isdigit():
            team.queryset = visible_teams(user).filter(
                Q(stood_down_on__isnull=True) | Q(pk=int(str(asked))))

    def apply(self, people: QuerySet[Deployment],
              today: datetime.date) -> QuerySet[Deployment]:
        """Those on duty today unless a status is chosen: the ones at work in the areas."""
        data = valid_filters(self)
        people = people.filter(deployment_status_q(data.get("status") or DeploymentStatus.ON_DUTY,
                                                   today))
        if area := data.get("area"):
            people = people.filter(subtree_q("area__path", area.path))
        if team := data.get("team"):
            people = people.filter(team=team)
        if data.get("party"):
            people = people.filter(party_member=True)
        if query := (data.get("q") or "").strip():
            people = people.filter(_words(query))
        return people


def _words(query: str) -> Q:
    """Part of a name, unit or post, or a whole phone number (a part of one finds strangers)."""
    found = Q(name__icontains=query) | Q(unit__icontains=query) | Q(post__icontains=query)
    try:
        return found | Q(phone=parse_mobile(query))
    except ValidationError:
        return found


class DeploymentForm(forms.Form):
    area = AreaChoice(label=_("Sent to"), queryset=Area.objects.none(),
                      help_text=_("The area they work in."))
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=60, required=False)
    unit = forms.CharField(label=_("Work unit"), max_length=200, required=False,
                           help_text=_("The unit that sent them."))
    post = forms.CharField(label=_("Post"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    party_member = forms.BooleanField(label=_("Party member"), required=False)
    team = TeamChoice(label=_("Team"), required=False, queryset=Team.objects.none(),
                      empty_label=_("No team"))
    leader = forms.BooleanField(label=_("Team leader"), required=False)
    duties = _text(_("Duties"), _("The households, sites or tasks they look after."))
    arrived_on = day_field(_("Arrived on"))

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_own_areas(self, user)
        team: Any = self.fields["team"]
        team.queryset = visible_teams(user).filter(stood_down_on__isnull=True)
        self.fields["arrived_on"].initial = timezone.localdate()


class DeploymentEditForm(CorrectionForm):
    """A person sent down, their record corrected by the officers of the area (the area and the
    team stay)."""

    name = DeploymentForm.base_fields["name"]
    unit = DeploymentForm.base_fields["unit"]
    post = DeploymentForm.base_fields["post"]
    phone = DeploymentForm.base_fields["phone"]
    party_member = DeploymentForm.base_fields["party_member"]
    duties = DeploymentForm.base_fields["duties"]
    arrived_on = DeploymentForm.base_fields["arrived_on"]


class RecallForm(forms.Form):
    """返岗: the day the person left the area."""

    on = day_field(_("Left on"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "recall-%s")
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


# --- commendations -------------------------------------------------------------------------


class CommendationFilterForm(forms.Form):
    q = search_field(_("Recipient, honour or awarding body"))
    area = AreaFilterField(empty_label=_("All my areas"))

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_areas(self, user)

    def apply(self, found: QuerySet[Commendation]) -> QuerySet[Commendation]:
        data = valid_filters(self)
        if area := data.get("area"):
            found = found.filter(subtree_q("area__path", area.path))
        if query := (data.get("q") or "").strip():
            found = found.filter(Q(recipient__icontains=query) | Q(honour__icontains=query)
                                 | Q(awarded_by__icontains=query))
        return found


class CommendationForm(forms.Form):
    area = AreaChoice(label=_("Area"), queryset=Area.objects.none(),
                      help_text=_("The area that gives the honour."))
    deployment = forms.ModelChoiceField(
        label=_("Person sent down"), required=False, queryset=Deployment.objects.none(),
        empty_label=_("None"))
    team = TeamChoice(label=_("Team"), required=False, queryset=Team.objects.none(),
                      empty_label=_("None"))
    recipient = forms.CharField(label=_("Someone else"), max_length=200, required=False,
                                help_text=_("Name one recipient only: a person sent down, a "
                                            "team, or someone else."))
    honour = forms.CharField(label=_("Honour"), max_length=200, required=False)
    citation = _text(_("Citation"), _("What they did."), rows=4)
    awarded_on = day_field(_("Awarded on"))
    awarded_by = forms.CharField(label=_("Awarded by"), max_length=200, required=False)

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_own_areas(self, user)
        deployment: Any = self.fields["deployment"]
        # str(deployment) is "name (unit)": no join needed for the menu.
        deployment.queryset = Deployment.objects.restrict(user).order_by("name", "id")
        team: Any = self.fields["team"]
        team.queryset = visible_teams(user)
        self.fields["awarded_on"].initial = timezone.localdate()
