"""Forms of the volunteers' pages 志愿者: the list's filters, registering a volunteer, their
leaving 退出. They read the input; the rules live in services.py, whose refusals the pages put
back onto these fields (core.forms.apply_errors). Small helpers the project forms share too."""

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
from epigrid.volunteers.models import Volunteer, serving_q

SERVING, LEFT, ANY = "serving", "left", "any"


class VolunteerFilterForm(forms.Form):
    STATUSES = ((SERVING, _("serving today")), (LEFT, _("left")), (ANY, _("any status")))

    q = search_field(_("Name or whole phone"))
    skills = search_field(_("Driving, a dialect, nursing"), label=_("Skills"))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUSES)
    area = AreaFilterField(empty_label=_("All my areas"),
                           help_text=_("The area they registered in, and those under it."))

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_areas(self, user)

    def apply(self, volunteers: QuerySet[Volunteer],
              today: datetime.date) -> QuerySet[Volunteer]:
        """Those serving today unless a status is chosen: the ones a desk can call on."""
        data = valid_filters(self)
        status = data.get("status") or SERVING
        if status == SERVING:
            volunteers = volunteers.filter(serving_q(today))
        elif status == LEFT:
            volunteers = volunteers.filter(left_on__lt=today)
        if area := data.get("area"):
            volunteers = volunteers.filter(subtree_q("area__path", area.path))
        if skills := (data.get("skills") or "").strip():
            volunteers = volunteers.filter(skills__icontains=skills)
        if query := (data.get("q") or "").strip():
            volunteers = volunteers.filter(_words(query))
        return volunteers


def _words(query: str) -> Q:
    """Part of a name, or a whole phone number (a part of one finds strangers)."""
    found = Q(name__icontains=query)
    try:
        return found | Q(phone=parse_mobile(query))
    except ValidationError:
        return found


class VolunteerForm(forms.Form):
    area = AreaChoice(label=_("Area"), queryset=Area.objects.none(),
                      help_text=_("The village or town they serve in."))
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=60,
                           required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    skills = forms.CharField(label=_("Skills"), max_length=200, required=False,
                             help_text=_("Driving, a dialect, nursing: what a project may need."))
    party_member = forms.BooleanField(label=_("Party member"), required=False)
    registered_on = day_field(_("Registered on"))

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_own_areas(self, user)
        self.fields["registered_on"].initial = timezone.localdate()


class VolunteerEditForm(CorrectionForm):
    """A volunteer's record corrected by the keepers of their area (the area stays: one who
    moves leaves and registers again)."""

    name = VolunteerForm.base_fields["name"]
    phone = VolunteerForm.base_fields["phone"]
    skills = VolunteerForm.base_fields["skills"]
    party_member = VolunteerForm.base_fields["party_member"]
    registered_on = VolunteerForm.base_fields["registered_on"]


class LeaveForm(forms.Form):
    """退出: the last day the volunteer served."""

    on = day_field(_("Left on"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "leave-%s")
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
